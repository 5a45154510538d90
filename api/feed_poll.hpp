#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "api/commit_signal.hpp"
#include "api/http_types.hpp"
#include "domain/role.hpp"
#include "eventstore/event_store.hpp"
#include "projections/feed_scope.hpp"

namespace perspectief::api {

// One page of a scoped feed as GET /v1/events and GET /v1/subscriptions/{id}/events read it.
struct FeedPoll {
  Role role{Role::ops};
  std::string organisation;
  FeedFilter filter;
  std::uint64_t after = 0;
  std::size_t limit = 1000;
  std::uint64_t wait_seconds = 0;
};

// A page read, or the store's error (exactly one is set). Coroutines keep this, not a Result,
// across a co_await: GCC 12 miscompiles a std::variant held in a coroutine frame there.
struct PolledPage {
  std::optional<FeedPage> page;
  std::optional<Error> error;
};

// The first page of `poll` (no waiting).
PolledPage first_page(const EventStore& store, const FeedIndex& index, const FeedPoll& poll);

// With wait_seconds and nothing visible in `page` yet, a long poll: it holds one of the token's
// long-poll slots and waits for an event this reader may see, not just any commit, until the
// time passes or the server stops, reading `page` again after each commit. False when the
// token had no slot left (nothing waited).
boost::asio::awaitable<bool> wait_for_visible(const EventStore& store, const FeedIndex& index,
                                              CommitSignal& signal, const Actor& actor,
                                              const FeedPoll& poll, PolledPage& page);

// The 429 of a token that holds as many long polls as it may (CommitSignalOptions).
Response too_many_long_polls();

}  // namespace perspectief::api
