#include "api/feed_handler.hpp"

#include <boost/beast/http/field.hpp>

#include <chrono>

#include "api/feed_view.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

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

// When a token asks for one long poll more than it may hold (CommitSignalOptions).
constexpr int kLongPollRetryAfterSeconds = 5;

Response too_many_long_polls() {
  Response res = problem(429, "this token holds as many long polls (wait) as it may: retry later",
                         {{"wait", "too many open long polls for this token"}});
  res.set(boost::beast::http::field::retry_after, std::to_string(kLongPollRetryAfterSeconds));
  return res;
}

}  // namespace

boost::asio::awaitable<Response> FeedHandler::read(const Request& req, const Actor& actor) {
  const auto query = parse_feed_query(req.target());
  if (!query) co_return problem(query.error());
  const FeedQuery q = *query;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(q.wait_seconds);
  auto page = read_feed(store_, index_, FeedScope{index_, actor.role, actor.organisation, q.filter},
                        q.after, q.limit);
  const bool waits = page && page->events.empty() && q.wait_seconds > 0;
  // A token holds a bounded number of long polls open (CommitSignalOptions).
  const auto slot =
      waits ? signal_.try_reserve(long_poll_key(actor)) : std::optional<CommitSignal::Slot>{};
  if (waits && !slot) co_return too_many_long_polls();
  // A long poll waits for an event this reader may see, not just any commit.
  while (waits && page && page->events.empty() && !signal_.stopped()) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    if (page->next >= index_.size()) co_await signal_.wait_beyond(page->next, left);
    // The organisation of a housing reader may have opened its first location meanwhile.
    page = read_feed(store_, index_, FeedScope{index_, actor.role, actor.organisation, q.filter},
                     page->next, q.limit);
  }
  if (!page) co_return problem(page.error());
  auto events = feed_json(page->events, actor, "feed", pseudonymiser_, reads_);
  if (!events) co_return problem(events.error());
  co_return json_response(200, {{"events", std::move(*events)}, {"next", page->next}});
}

}  // namespace perspectief::api
