#include "api/stream_handler.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>

#include "api/append_parsing.hpp"
#include "api/async_append.hpp"
#include "api/authorization.hpp"
#include "api/problem.hpp"
#include "api/reply.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

// The append of a request through the pipeline's steps before the store (a plain
// function: GCC 12 and Result locals in coroutine frames); a refused body is the outcome's
// error.
PreparedAppend prepare(AppendPipeline& pipeline, const Request& req, const RouteMatch& m,
                       const Actor& actor) {
  auto target = stream_of(m);
  auto events = parse_append_events(req.body(), target->kind);
  if (!events) return PreparedAppend{std::nullopt, AppendOutcome{events.take_error(), {}, {}}};
  return pipeline.prepare(AppendCommand{
      std::move(*target), parse_if_match(req[http::field::if_match]), std::move(*events), actor});
}

// The stored envelopes of a new append with the personal fields the appender sent put back
// as Sealer::open would (parsed from the sealed plaintext, after the public members); an
// event of an erased case has none sealed: nothing shown.
boost::json::array echoed_json(std::vector<Envelope>& events,
                               const std::vector<std::string>& personal_json) {
  boost::json::array arr;
  arr.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    Envelope& e = events[i];
    if (!e.sealed.empty() && i < personal_json.size() && !personal_json[i].empty()) {
      boost::json::value personal = boost::json::parse(personal_json[i]);
      for (auto& [name, value] : personal.as_object()) e.data[name] = std::move(value);
    }
    arr.push_back(to_json(e));
  }
  return arr;
}

// A resend is answered with the stored envelopes only for whoever sent the original:
// others learn nothing of what is stored under that eventId.
bool sent_by(const std::vector<Envelope>& events, const Actor& actor) {
  return std::all_of(events.begin(), events.end(), [&actor](const Envelope& e) {
    return e.actor.subject == actor.subject && e.actor.organisation == actor.organisation;
  });
}

}  // namespace

std::optional<StreamKind> stream_kind_of(RouteId route) {
  switch (route) {
    case RouteId::append_case:
    case RouteId::read_case_events:
      return StreamKind::case_file;
    case RouteId::append_location:
    case RouteId::read_location_events:
      return StreamKind::location;
    case RouteId::append_activity:
    case RouteId::read_activity_events:
      return StreamKind::activity;
    case RouteId::append_programme:
    case RouteId::read_programme_events:
      return StreamKind::programme;
    default:
      return std::nullopt;
  }
}

std::optional<AppendTarget> stream_of(const RouteMatch& m) {
  const auto kind = stream_kind_of(m.route->id);
  if (!kind) return std::nullopt;
  if (*kind == StreamKind::programme) {
    return AppendTarget{StreamKind::programme, "programme", "programme"};
  }
  if (!is_valid_id(m.id)) return std::nullopt;
  return AppendTarget{*kind, m.id, stream_name(*kind, m.id)};
}

boost::asio::awaitable<Response> StreamHandler::append(const Request& req, const RouteMatch& m,
                                                       const Actor& actor) {
  if (!is_json_content_type(req[http::field::content_type])) {
    co_return not_json("events");
  }
  PreparedAppend prepared = prepare(pipeline_, req, m, actor);
  const auto started = std::chrono::steady_clock::now();
  AppendOutcome outcome =
      co_await async_admit(pipeline_, std::move(prepared), boost::asio::use_awaitable);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  co_return appended(outcome, actor, took.count());
}

Response StreamHandler::appended(AppendOutcome& outcome, const Actor& actor, double seconds) {
  outcome.settle();
  if (!outcome.result) return problem(outcome.result.error());
  AppendResult& result = *outcome.result;
  if (result.duplicate && !sent_by(result.events, actor)) {
    return problem(409, "eventId is already stored with other content");
  }
  // The appender sees back what it sent: a new append from what it sent, a resend from the
  // store (whoever sent the original, checked above).
  auto events_json = reply_events(outcome);
  if (!events_json) return problem(events_json.error());
  if (!result.duplicate) {
    std::vector<std::string> types;
    types.reserve(result.events.size());
    for (const auto& e : result.events) types.push_back(e.type);
    metrics_.on_append(types, seconds);
  }
  Response res = json_response(result.duplicate ? 200 : 201, {{"stream", result.stream},
                                                              {"version", result.version},
                                                              {"position", result.position},
                                                              {"events", std::move(*events_json)}});
  set_etag(res, result.version);
  return res;
}

Result<boost::json::array> StreamHandler::reply_events(AppendOutcome& outcome) {
  AppendResult& result = *outcome.result;
  if (result.duplicate) return reads_.opened_json(result.events);
  // An erasure that landed between sealing and this append destroyed the key its events
  // were sealed with: then show what the store can still give (nothing personal), not what
  // was sent. One key lookup per request, and only when something was sealed.
  const bool sealed = std::any_of(result.events.begin(), result.events.end(),
                                  [](const Envelope& e) { return !e.sealed.empty(); });
  if (sealed) {
    auto key = reads_.sealer().ring().find(result.stream);
    if (!key || key->state != privacy::KeyRing::State::present) {
      return reads_.opened_json(result.events);
    }
  }
  return echoed_json(result.events, outcome.personal_json);
}

Response StreamHandler::read(const RouteMatch& m, const Actor& actor) {
  const auto target = stream_of(m);
  if (grant(m.route->id, actor.role) == Grant::scoped) {
    if (auto refused = out_of_scope(*target, actor)) return std::move(*refused);
  }
  // Streams are small by design (one person, one location): read them whole, so the ETag is
  // the stream's version.
  auto events = store_.read_stream(target->stream, 1, SIZE_MAX, Direction::forwards);
  if (!events) return problem(events.error());
  if (events->empty() && target->kind != StreamKind::programme) {
    return problem(404, "no such " + std::string{to_string(target->kind)});
  }
  const std::uint64_t version = events->empty() ? 0 : events->back().version;
  auto events_json = reads_.opened_json(*events);
  if (!events_json) return problem(events_json.error());
  if (target->kind == StreamKind::case_file) {
    if (auto recorded = reads_.record(actor, {m.id}, "case-events"); !recorded) {
      return problem(recorded.error());
    }
  }
  Response res = json_response(200, {{"events", std::move(*events_json)}});
  set_etag(res, version);
  return res;
}

std::optional<Response> StreamHandler::out_of_scope(const AppendTarget& target,
                                                    const Actor& actor) const {
  if (target.kind == StreamKind::location) {
    const LocationScope scope = location_scope(actor, case_files_, target.id);
    if (scope == LocationScope::own) return std::nullopt;
    return problem(scope == LocationScope::absent ? 404 : 403,
                   "a housing organisation reads the events of its own locations");
  }
  const auto view = case_files_.get(target.id);
  if (!view) return problem(404, "no such case");
  if (case_access(actor, *view) == CaseAccess::with_pii) return std::nullopt;
  return problem(403, "this case is neither waiting for a bed nor housed in a location of yours");
}

}  // namespace perspectief::api
