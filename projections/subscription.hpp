#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "domain/time.hpp"
#include "projections/feed_scope.hpp"

namespace perspectief {

enum class DeliveryKind { pull, webhook };

// What a subscription is, fixed when it is created (spec/integrations.md, "Subscriptions"):
// whose it is, what it sees and how it is delivered.
struct SubscriptionSpec {
  std::string id;
  std::string organisation;
  Role role{Role::ops};
  std::string subject;  // of the token that created it: the actor of its reads
  FeedFilter filter;
  std::string start_at;  // as given: "beginning", "end" or a position
  DeliveryKind delivery = DeliveryKind::pull;
  std::string url;                // webhook
  std::uint32_t max_batch = 100;  // webhook
  std::string secret;             // webhook: "whsec_..."
  // Names its webhook batches in the access log (AccessLog::delivery): random, fixed at
  // creation, so a subscription deleted and created again under the same id has another.
  std::uint64_t log_id = 0;
  // The same subscription asked for again (same id, same body): everything but the secret
  // and the log id.
  bool same_request(const SubscriptionSpec& other) const;
};

// A webhook batch between its first attempt and its acknowledgement or parking: the visible
// events in (from, to], always sent under the same webhook id.
struct InFlightBatch {
  std::string webhook_id;
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  int attempts = 0;  // failed so far
  Micros first_attempt = 0;
  Micros next_attempt = 0;
};

// A subscription with its cursor.
struct Subscription {
  SubscriptionSpec spec;
  std::uint64_t checkpoint = 0;  // the last acknowledged position
  std::uint64_t delivered = 0;   // pull: the last position handed out; acks may not pass it
  bool paused = false;
  std::string last_error;  // of the last failed attempt; empty once one succeeds
  std::optional<InFlightBatch> batch;
  std::uint64_t parked = 0;  // batches parked now
  // Set by a replay (POST .../parked/replay): the parked batches after this position are
  // delivered again, in position order, before new batches; unset once none is left.
  std::optional<std::uint64_t> replay_after;
};

// What a subscription sees: its role's feed, for housing its organisation's, with its filter.
FeedScope scope_of(const FeedIndex& index, const Subscription& s);
// Who reads through a subscription (the access log's actor): its creator.
Actor reader_of(const Subscription& s);

enum class SubscriptionState { active, paused, failing };
SubscriptionState state_of(const Subscription& s);
std::string_view to_string(SubscriptionState state);

// A batch given up after its attempts: delivered again only on replay.
struct ParkedBatch {
  std::string webhook_id;
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  int attempts = 0;
  Micros parked_at = 0;
  std::string last_error;
};

// The stored forms (JSON); nullopt for a damaged record.
std::string encode(const Subscription& s);
std::optional<Subscription> decode_subscription(std::string_view bytes);
std::string encode(const ParkedBatch& b);
std::optional<ParkedBatch> decode_parked(std::string_view bytes);

}  // namespace perspectief
