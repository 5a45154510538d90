#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/commit_signal.hpp"
#include "api/feed_poll.hpp"
#include "api/http_types.hpp"
#include "api/personal_reads.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "projections/feed_index.hpp"

namespace perspectief::api {

// GET /v1/events: the scoped feed (spec/integrations.md): the events the reader's role may see
// (projections/feed_scope.hpp), shown as FeedView decides, with an optional long poll.
class FeedHandler {
 public:
  FeedHandler(const EventStore& store, const FeedIndex& index, CommitSignal& signal,
              const privacy::Pseudonymiser& pseudonymiser, PersonalReads& reads)
      : store_(store),
        index_(index),
        signal_(signal),
        pseudonymiser_(pseudonymiser),
        reads_(reads) {}

  boost::asio::awaitable<Response> read(const Request& req, const Actor& actor);

 private:
  Response answer(PolledPage& page, const Actor& actor);

  const EventStore& store_;
  const FeedIndex& index_;
  CommitSignal& signal_;
  const privacy::Pseudonymiser& pseudonymiser_;
  PersonalReads& reads_;
};

}  // namespace perspectief::api
