#include "api/feed_handler.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <chrono>

#include "api/authorization.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace perspectief::api {
namespace {

constexpr std::string_view kCasePrefix = "case-";

// The case ids of the case streams among `events`, each once.
std::vector<std::string> cases_among(const std::vector<Envelope>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events) {
    if (!e.stream.starts_with(kCasePrefix)) continue;
    std::string id = e.stream.substr(kCasePrefix.size());
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
  }
  return ids;
}

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

Response FeedHandler::page(const Actor& actor, std::vector<Envelope>& events, std::uint64_t next) {
  boost::json::array page;
  if (grant(RouteId::read_feed, actor.role) == Grant::without_personal_data) {
    page.reserve(events.size());
    for (const auto& e : events) page.push_back(pseudonymiser_.envelope_json(e));
  } else {
    auto opened = reads_.opened_json(events);
    if (!opened) return problem(opened.error());
    if (auto recorded = reads_.record(actor, cases_among(events), "feed"); !recorded) {
      return problem(recorded.error());
    }
    page = std::move(*opened);
  }
  return json_response(200, {{"events", std::move(page)}, {"next", next}});
}

boost::asio::awaitable<Response> FeedHandler::read(const Request& req, const Actor& actor) {
  const auto query = parse_feed_query(req.target());
  if (!query) co_return problem(query.error());
  const FeedQuery q = *query;
  if (q.wait_seconds > 0 && store_.last_position() <= q.after) {
    // A token holds a bounded number of long polls open (CommitSignalOptions).
    auto slot = signal_.try_reserve(long_poll_key(actor));
    if (!slot) co_return too_many_long_polls();
    co_await signal_.wait_beyond(q.after, std::chrono::seconds(q.wait_seconds));
  }
  auto events = store_.read_all(q.after, q.limit);
  if (!events) co_return problem(events.error());
  const std::uint64_t next = events->empty() ? q.after : events->back().position;
  co_return page(actor, *events, next);
}

}  // namespace perspectief::api
