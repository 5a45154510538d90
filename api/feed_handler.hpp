#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/commit_signal.hpp"
#include "api/http_types.hpp"
#include "api/personal_reads.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"

namespace perspectief::api {

// GET /v1/events: the global feed, as stored (opened, each case's read recorded) or
// pseudonymised (a grant without personal data), with an optional long poll.
class FeedHandler {
 public:
  FeedHandler(const EventStore& store, CommitSignal& signal,
              const privacy::Pseudonymiser& pseudonymiser, PersonalReads& reads)
      : store_(store), signal_(signal), pseudonymiser_(pseudonymiser), reads_(reads) {}

  boost::asio::awaitable<Response> read(const Request& req, const Actor& actor);

 private:
  Response page(const Actor& actor, std::vector<Envelope>& events, std::uint64_t next);

  const EventStore& store_;
  CommitSignal& signal_;
  const privacy::Pseudonymiser& pseudonymiser_;
  PersonalReads& reads_;
};

}  // namespace perspectief::api
