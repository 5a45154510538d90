#include "api/feed_poll.hpp"

#include <boost/beast/http/field.hpp>

#include <chrono>

#include "api/problem.hpp"

namespace perspectief::api {
namespace {

// Who holds a long poll: the token's subject, organisation and role.
std::string long_poll_key(const Actor& actor) {
  std::string key = actor.subject;
  key += '\n';
  key += actor.organisation;
  key += '\n';
  key += to_string(actor.role);
  return key;
}

constexpr int kLongPollRetryAfterSeconds = 5;

PolledPage page_of(const EventStore& store, const FeedIndex& index, const FeedPoll& poll,
                   std::uint64_t after) {
  // The scope is taken anew for each page: a housing organisation may have opened its first
  // location meanwhile.
  auto page = read_feed(store, index, FeedScope{index, poll.role, poll.organisation, poll.filter},
                        after, poll.limit);
  if (!page) return PolledPage{std::nullopt, page.take_error()};
  return PolledPage{std::move(*page), std::nullopt};
}

}  // namespace

Response too_many_long_polls() {
  Response res = problem(429, "this token holds as many long polls (wait) as it may: retry later",
                         {{"wait", "too many open long polls for this token"}});
  res.set(boost::beast::http::field::retry_after, std::to_string(kLongPollRetryAfterSeconds));
  return res;
}

PolledPage first_page(const EventStore& store, const FeedIndex& index, const FeedPoll& poll) {
  return page_of(store, index, poll, poll.after);
}

boost::asio::awaitable<bool> wait_for_visible(const EventStore& store, const FeedIndex& index,
                                              CommitSignal& signal, const Actor& actor,
                                              const FeedPoll& poll, PolledPage& page) {
  if (!page.page || !page.page->events.empty() || poll.wait_seconds == 0) co_return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(poll.wait_seconds);
  const auto slot = signal.try_reserve(long_poll_key(actor));
  if (!slot) co_return false;
  while (page.page && page.page->events.empty() && !signal.stopped()) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    const std::uint64_t next = page.page->next;
    if (next >= index.size()) {
      co_await signal.wait_beyond(next, left);
    }
    page = page_of(store, index, poll, next);
  }
  co_return true;
}

}  // namespace perspectief::api
