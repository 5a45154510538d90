#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/commit_signal.hpp"
#include "api/feed_poll.hpp"
#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/personal_reads.hpp"
#include "api/router.hpp"
#include "api/webhook_allow_list.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "projections/feed_index.hpp"
#include "projections/subscription_registry.hpp"

namespace perspectief::api {

// What the subscription routes work on: the registry, the feed they follow and the
// operator's webhook targets.
struct SubscriptionDependencies {
  SubscriptionRegistry& registry;
  const FeedIndex& index;
  const WebhookAllowList& allow_list;
};

// Every subscription's lag and parked batches, for the metrics.
std::vector<Metrics::SubscriptionFigures> subscription_figures(
    const SubscriptionDependencies& deps);

// The /v1/subscriptions routes (spec/integrations.md, "Subscriptions"): create, list, read,
// delete, pause and resume; pull delivery (events, ack); parked webhook batches (list,
// replay). A subscription is found only within the caller's organisation.
class SubscriptionHandler {
 public:
  SubscriptionHandler(SubscriptionDependencies deps, const EventStore& store, CommitSignal& signal,
                      const privacy::Pseudonymiser& pseudonymiser, PersonalReads& reads)
      : deps_(deps), store_(store), signal_(signal), pseudonymiser_(pseudonymiser), reads_(reads) {}

  boost::asio::awaitable<Response> handle(const Request& req, const RouteMatch& m,
                                          const Actor& actor);

 private:
  Response create(const Request& req, const Actor& actor);
  Response list(const Actor& actor) const;
  Response read(const Subscription& s) const;
  Response remove(const Subscription& s);
  Response set_paused(const Subscription& s, bool paused);
  boost::asio::awaitable<Response> pull(const Request& req, const Subscription& s,
                                        const Actor& actor);
  std::optional<FeedPoll> pull_poll(const Request& req, const Subscription& s,
                                    Response& refused) const;
  Response pulled(PolledPage& page, const Subscription& s);
  Response ack(const Request& req, const Subscription& s);
  Response parked(const Subscription& s) const;
  Response replay(const Subscription& s);
  std::uint64_t lag(const Subscription& s) const;

  SubscriptionDependencies deps_;
  const EventStore& store_;
  CommitSignal& signal_;
  const privacy::Pseudonymiser& pseudonymiser_;
  PersonalReads& reads_;
};

}  // namespace perspectief::api
