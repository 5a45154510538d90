#include "api/feed_handler.hpp"

#include "api/feed_poll.hpp"
#include "api/feed_view.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace perspectief::api {

namespace {

// The poll a request asks for, or the 400 of its query (a plain function: no Result is kept
// in the coroutine's frame).
std::optional<FeedPoll> poll_of(const Request& req, const Actor& actor, Response& refused) {
  const auto query = parse_feed_query(req.target());
  if (!query) {
    refused = problem(query.error());
    return std::nullopt;
  }
  return FeedPoll{actor.role,   actor.organisation, query->filter,
                  query->after, query->limit,       query->wait_seconds};
}

}  // namespace

boost::asio::awaitable<Response> FeedHandler::read(const Request& req, const Actor& actor) {
  Response refused;
  const auto poll = poll_of(req, actor, refused);
  if (!poll) co_return refused;
  auto page = first_page(store_, index_, *poll);
  if (!co_await wait_for_visible(store_, index_, signal_, actor, *poll, page)) {
    co_return too_many_long_polls();
  }
  co_return answer(page, actor);
}

Response FeedHandler::answer(PolledPage& page, const Actor& actor) {
  if (page.error) return problem(*page.error);
  auto events = feed_json(page.page->events, actor, "feed", pseudonymiser_, reads_);
  if (!events) return problem(events.error());
  return json_response(200, {{"events", std::move(*events)}, {"next", page.page->next}});
}

}  // namespace perspectief::api
