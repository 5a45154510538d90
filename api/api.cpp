#include "api/api.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>

#include "api/append_parsing.hpp"
#include "api/async_append.hpp"
#include "api/case_access.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"
#include "api/read_model_routes.hpp"
#include "api/static_files.hpp"
#include "domain/event_catalogue.hpp"
#include "eventstore/sha256.hpp"
#include "projections/read_models.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;
namespace asio = boost::asio;

constexpr std::uint64_t kFeedDefaultLimit = 1000;
constexpr std::uint64_t kFeedMaxLimit = 10'000;
constexpr std::uint64_t kFeedMaxWait = 60;

struct StreamTarget {
  StreamKind kind;
  std::string stream;
};

std::optional<StreamTarget> stream_of(const RouteMatch& m) {
  StreamKind kind{};
  switch (m.route->id) {
    case RouteId::append_case:
    case RouteId::read_case_events:
      kind = StreamKind::case_file;
      break;
    case RouteId::append_location:
    case RouteId::read_location_events:
      kind = StreamKind::location;
      break;
    case RouteId::append_activity:
    case RouteId::read_activity_events:
      kind = StreamKind::activity;
      break;
    case RouteId::append_programme:
    case RouteId::read_programme_events:
      return StreamTarget{StreamKind::programme, "programme"};
    default:
      return std::nullopt;
  }
  if (!is_valid_id(m.id)) return std::nullopt;
  return StreamTarget{kind, stream_name(kind, m.id)};
}

// Which roles may read a stream's events (spec/api.md, "may read"). Case events hold personal
// data and every note: intake, regie and (scoped below) housing; legal and return read the
// case file, not the events.
bool may_read(Role role, StreamKind kind) {
  switch (kind) {
    case StreamKind::case_file:
      return role == Role::intake || role == Role::regie ||
             role == Role::housing;  // housing: scoped below
    case StreamKind::location:       // neighbourhood notes are free text, so personal data
      return role == Role::intake || role == Role::housing || role == Role::regie;
    case StreamKind::activity:
      return role == Role::participation || role == Role::regie;
    case StreamKind::programme:
      return role != Role::ops;
  }
  return false;
}

// A housing organisation's scope for appends, checked in the API before the store answers
// anything about the stream (its version in a 412, what a resend finds): the cases it may
// read (waiting for a bed, or housed in its locations) and the locations it runs or that do
// not exist yet (it opens its own). Every other role: true. The store's write model checks
// each event's scope again (domain/authorization.cpp), against the newest state.
bool in_housing_scope(const Actor& actor, StreamKind kind, const std::string& id,
                      const CaseFiles& case_files) {
  if (actor.role != Role::housing) return true;
  switch (kind) {
    case StreamKind::case_file: {
      const auto view = case_files.get(id);
      return view && case_access(actor, *view) == CaseAccess::with_pii;
    }
    case StreamKind::location: {
      const std::string op = case_files.location_operator(id);
      return op.empty() || op == actor.organisation;
    }
    case StreamKind::activity:
    case StreamKind::programme:
      return true;  // housing appends none of their types (may_append)
  }
  return false;
}

bool is_json_content_type(std::string_view ct) {
  const auto semi = ct.find(';');
  auto media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media.size() != 16) return false;
  for (std::size_t i = 0; i < media.size(); ++i) {
    const char c =
        media[i] >= 'A' && media[i] <= 'Z' ? static_cast<char>(media[i] - 'A' + 'a') : media[i];
    if (c != "application/json"[i]) return false;
  }
  return true;
}

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

// The personal fields of an append's events, sealed (a plain function: GCC 12 and coroutine
// frames). A new data key is carried with the append; every pending use is owed a release.
struct SealedEvents {
  std::string new_data_key;
  int pending_uses = 0;
  std::optional<Error> error;
  // Per event, the canonical JSON of the personal fields sealed ("" for none): the reply to
  // the append shows them without a key lookup and a decryption per event.
  std::vector<std::string> personal_json;
};

SealedEvents seal_events(privacy::Sealer& sealer, const std::string& stream,
                         std::vector<NewEvent>& events) {
  SealedEvents out;
  out.personal_json.resize(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    NewEvent& e = events[i];
    auto sealed = sealer.seal(stream, e, &out.personal_json[i]);
    if (!sealed) {
      out.error = sealed.error();
      break;
    }
    if (!sealed->empty()) {
      out.new_data_key = std::move(*sealed);
      ++out.pending_uses;
    }
  }
  if (out.error) {
    for (int i = 0; i < out.pending_uses; ++i) sealer.ring().release(stream, false);
    out.pending_uses = 0;
  }
  return out;
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

Result<std::uint64_t> access_log_limit(std::string_view target, std::string& case_id,
                                       std::string& after) {
  const auto qpos = target.find('?');
  auto params =
      parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
  if (!params) return params.take_error();
  for (const auto& [key, value] : *params) {
    if (key == "caseId") {
      case_id = value;
    } else if (key == "after") {
      after = value;  // checked by AccessLog::list
    } else if (key != "limit") {
      Error e = make_error(ErrorCode::invalid, "unknown query parameter");
      e.fields.push_back({is_valid_id(key) ? key : "query", "is not a parameter of this route"});
      return e;
    }
  }
  if (!is_valid_id(case_id)) {
    Error e = make_error(ErrorCode::invalid, "caseId is required");
    e.fields.push_back({"caseId", "must be 1-64 characters of [A-Za-z0-9_-]"});
    return e;
  }
  return uint_param(*params, "limit", 1000, 1, 10'000);
}

void set_etag(Response& res, std::uint64_t version) {
  res.set(http::field::etag, "\"" + std::to_string(version) + "\"");
}

struct FeedQuery {
  std::uint64_t after = 0;
  std::uint64_t limit = kFeedDefaultLimit;
  std::uint64_t wait_seconds = 0;
};

// A plain function, not a coroutine: GCC 12 miscompiles several Result locals in one
// coroutine frame (seen as a valid second parameter being refused).
Result<FeedQuery> parse_feed_query(std::string_view target) {
  const auto qpos = target.find('?');
  auto params =
      parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
  if (!params) return params.take_error();
  for (const auto& [key, value] : *params) {
    if (key != "after" && key != "limit" && key != "wait") {
      Error e = make_error(ErrorCode::invalid, "unknown query parameter");
      // Query keys are client text: echo one only when it looks like a parameter name.
      e.fields.push_back({is_valid_id(key) ? key : "query", "is not a parameter of this route"});
      return e;
    }
  }
  FeedQuery q;
  auto after = uint_param(*params, "after", 0, 0, UINT64_MAX);
  if (!after) return after.take_error();
  q.after = *after;
  auto limit = uint_param(*params, "limit", kFeedDefaultLimit, 1, kFeedMaxLimit);
  if (!limit) return limit.take_error();
  q.limit = *limit;
  auto wait = uint_param(*params, "wait", 0, 0, kFeedMaxWait);
  if (!wait) return wait.take_error();
  q.wait_seconds = *wait;
  return q;
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
  res.set(http::field::retry_after, std::to_string(kLongPollRetryAfterSeconds));
  return res;
}

}  // namespace

Api::Api(EventStore& store, const TokenRegistry& tokens, CommitSignal& signal, const Clock& clock,
         const CaseFiles& case_files, const History& history, Metrics& metrics,
         const Projector& projector, PersonalData personal)
    : store_(store),
      tokens_(tokens),
      signal_(signal),
      clock_(clock),
      case_files_(case_files),
      history_(history),
      metrics_(metrics),
      projector_(projector),
      personal_(std::move(personal)) {}

Result<boost::json::array> Api::opened_json(std::vector<Envelope>& events) {
  boost::json::array arr;
  arr.reserve(events.size());
  for (auto& e : events) {
    auto opened = personal_.sealer.open(e);
    if (!opened) return opened.take_error();
    arr.push_back(to_json(e));
  }
  return arr;
}

Result<boost::json::array> Api::reply_events(AppendResult& result,
                                             const std::vector<std::string>& sent) {
  if (result.duplicate) return opened_json(result.events);
  // An erasure that landed between sealing and this append destroyed the key its events
  // were sealed with: then show what the store can still give (nothing personal), not what
  // was sent. One key lookup per request, and only when something was sealed.
  const bool sealed = std::any_of(result.events.begin(), result.events.end(),
                                  [](const Envelope& e) { return !e.sealed.empty(); });
  if (sealed) {
    auto key = personal_.sealer.ring().find(result.stream);
    if (!key || key->state != privacy::KeyRing::State::present) return opened_json(result.events);
  }
  return echoed_json(result.events, sent);
}

CaseVisibility Api::case_visibility(const Actor& actor) const {
  if (actor.role != Role::housing) return {};
  return [this, actor](std::string_view case_id) {
    const auto view = case_files_.get(std::string{case_id});
    return view && case_access(actor, *view) != CaseAccess::none;
  };
}

Status Api::record_access(const Actor& actor, const std::vector<std::string>& case_ids,
                          std::string_view what) {
  for (const auto& id : case_ids) {
    auto recorded = personal_.access_log.record({clock_.now(), id, actor, std::string{what}});
    if (!recorded) return recorded;
  }
  return Ok{};
}

namespace {

// The routes handle() answers before it looks at the token (they hold no data).
bool needs_token(RouteId id) {
  return id != RouteId::healthz && id != RouteId::readyz && id != RouteId::openapi &&
         id != RouteId::dashboard_index && id != RouteId::dashboard_file;
}

}  // namespace

bool Api::refused_on_headers(http::verb method, std::string_view target,
                             std::string_view authorization) const {
  const auto m = match_route(method, target.substr(0, target.find('?')));
  if (!m || m->route == nullptr) return true;
  return needs_token(m->route->id) && !tokens_.authenticate(authorization);
}

asio::awaitable<Response> Api::handle(const Request& req, std::string_view& route_template,
                                      std::string_view& role) {
  route_template = "unmatched";
  role = "-";
  const std::string_view target = req.target();
  const auto qpos = target.find('?');
  const auto path = target.substr(0, qpos);
  const auto m = match_route(req.method(), path);
  if (!m) co_return problem(404, "no such route");
  if (m->route == nullptr) {
    Response res = problem(405, "this path takes " + m->allow);
    res.set(http::field::allow, m->allow);
    co_return res;
  }
  route_template = m->route->path_template;
  const RouteId id = m->route->id;
  if (id == RouteId::healthz) co_return json_response(200, {{"status", "ok"}});
  // No token for the contract and the dashboard's files (they hold no data).
  if (id == RouteId::openapi) co_return static_file_response("openapi.json");
  if (id == RouteId::dashboard_index) {
    co_return static_file_response("index.html", dashboard_dir_);
  }
  if (id == RouteId::dashboard_file) {
    co_return m->id == "index.html" || m->id == "openapi.json"
        ? problem(404, "no such file")
        : static_file_response(m->id, dashboard_dir_);
  }
  if (id == RouteId::readyz) {
    if (!ready_.load() || !store_.writable()) co_return problem(503, "the service is not ready");
    co_return json_response(200, {{"status", "ready"}, {"position", store_.last_position()}});
  }

  const auto actor = tokens_.authenticate(req[http::field::authorization]);
  if (actor) role = to_string(actor->role);
  if (!actor) {
    Response res = problem(401, "missing or unknown bearer token");
    res.set(http::field::www_authenticate, "Bearer");
    co_return res;
  }
  try {
    switch (id) {
      case RouteId::append_case:
      case RouteId::append_location:
      case RouteId::append_activity:
      case RouteId::append_programme:
        co_return co_await append(req, *m, *actor);
      case RouteId::read_case_events:
      case RouteId::read_location_events:
      case RouteId::read_activity_events:
      case RouteId::read_programme_events:
        co_return read_stream(*m, *actor);
      case RouteId::read_feed:
        co_return co_await read_feed(req, *actor);
      case RouteId::read_case:
        co_return read_case(*m, *actor);
      case RouteId::list_cases:
        co_return list_cases(req, *actor);
      case RouteId::erase_personal_data:
        co_return co_await erase(*m, *actor);
      case RouteId::access_log:
        co_return read_access_log(req, *actor);
      case RouteId::occupancy:
      case RouteId::utilisation:
      case RouteId::stay_alerts:
      case RouteId::outcomes:
      case RouteId::caseload:
      case RouteId::escalations:
      case RouteId::intake_funnel:
      case RouteId::perspective:
      case RouteId::participation:
        if (!may_read_model(actor->role, id)) {
          co_return problem(
              403, "role " + std::string{to_string(actor->role)} + " may not read this read model");
        }
        co_return read_model(id, req.target(), history_, clock_.now(), &now_cache_,
                             case_visibility(*actor));
      case RouteId::metrics: {
        if (actor->role != Role::ops && actor->role != Role::regie) {
          co_return problem(403, "the metrics are for ops and regie");
        }
        Response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.set(http::field::cache_control, "no-store");
        const Micros now = clock_.now();
        const auto participation = history_.read([now](const History& h) {
          return Metrics::Participation{activities_held_by_category(h),
                                        active_cases_by_track(h, now)};
        });
        res.body() = metrics_.render(store_.last_position(), projector_.position(),
                                     case_files_.figures(day_of(now)), participation);
        res.prepare_payload();
        co_return res;
      }
      default:
        break;
    }
  } catch (const std::exception& e) {
    // Exceptions carry no client-safe text; the details stay out of the body. The log gets
    // the route template and the exception's own text (library messages, no request data).
    log_internal_error(route_template, "internal", "internal error", e.what());
    co_return problem(500, "internal error");
  }
  co_return problem(404, "no such route");
}

asio::awaitable<Response> Api::append(const Request& req, const RouteMatch& m, const Actor& actor) {
  const auto target = stream_of(m);
  if (!target) {
    co_return problem(400, "the id in the path must be 1-64 characters of [A-Za-z0-9_-]",
                      {{"path", "bad id"}});
  }
  if (!is_json_content_type(req[http::field::content_type])) {
    co_return problem(415, "send the events as application/json");
  }
  auto events = parse_append_body(req.body(), target->kind);
  if (!events) co_return problem(events.error());
  for (const auto& e : *events) {
    if (!may_append(actor.role, e.type)) {
      co_return problem(403,
                        "role " + std::string{to_string(actor.role)} + " may not append " + e.type);
    }
  }
  // Scope before anything that tells the stream's state (If-Match's 412, a resend's answer).
  if (!in_housing_scope(actor, target->kind, m.id, case_files_)) {
    co_return problem(403, target->kind == StreamKind::location
                               ? "this location is run by another organisation"
                               : "this case is neither waiting for a bed nor housed in a "
                                 "location of yours");
  }
  auto expected = parse_if_match(req[http::field::if_match]);
  if (!expected) co_return problem(expected.error());
  SealedEvents sealed = seal_events(personal_.sealer, target->stream, *events);
  if (sealed.error) co_return problem(*sealed.error);
  const auto started = std::chrono::steady_clock::now();
  AppendRequest request{target->stream, *expected, std::move(events).value(), actor};
  request.new_data_key = std::move(sealed.new_data_key);
  auto result = co_await async_append(store_, std::move(request), asio::use_awaitable);
  for (int i = 0; i < sealed.pending_uses; ++i) {
    personal_.sealer.ring().release(target->stream, result.ok() && !result->duplicate);
  }
  if (!result) co_return problem(result.error());
  if (result->duplicate) {
    // A resend is answered with the stored envelopes only for whoever sent the original:
    // others learn nothing of what is stored under that eventId.
    for (const auto& e : result->events) {
      if (e.actor.subject != actor.subject || e.actor.organisation != actor.organisation) {
        co_return problem(409, "eventId is already stored with other content");
      }
    }
  }
  // The appender sees back what it sent: a new append from what it sent, a resend from the
  // store (whoever sent the original, checked above).
  auto events_json = reply_events(*result, sealed.personal_json);
  if (!events_json) co_return problem(events_json.error());
  boost::json::object body{{"stream", result->stream},
                           {"version", result->version},
                           {"position", result->position},
                           {"events", std::move(*events_json)}};
  if (!result->duplicate) {
    std::vector<std::string> types;
    types.reserve(result->events.size());
    for (const auto& e : result->events) types.push_back(e.type);
    metrics_.on_append(
        types, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  Response res = json_response(result->duplicate ? 200 : 201, body);
  set_etag(res, result->version);
  co_return res;
}

Response Api::read_stream(const RouteMatch& m, const Actor& actor) {
  const auto target = stream_of(m);
  if (!target) {
    return problem(400, "the id in the path must be 1-64 characters of [A-Za-z0-9_-]",
                   {{"path", "bad id"}});
  }
  if (!may_read(actor.role, target->kind)) {
    return problem(403,
                   "role " + std::string{to_string(actor.role)} + " may not read these events");
  }
  if (target->kind == StreamKind::location && actor.role == Role::housing &&
      case_files_.location_operator(m.id) != actor.organisation) {
    return problem(case_files_.location_operator(m.id).empty() ? 404 : 403,
                   "a housing organisation reads the events of its own locations");
  }
  if (target->kind == StreamKind::case_file && actor.role == Role::housing) {
    const auto view = case_files_.get(m.id);
    if (!view) return problem(404, "no such case");
    if (case_access(actor, *view) != CaseAccess::with_pii) {
      return problem(403,
                     "this case is neither waiting for a bed nor housed in a location of yours");
    }
  }
  // Streams are small by design (one person, one location): read them whole, so the ETag is
  // the stream's version.
  auto events = store_.read_stream(target->stream, 1, SIZE_MAX, Direction::forwards);
  if (!events) return problem(events.error());
  if (events->empty() && target->kind != StreamKind::programme) {
    return problem(404, "no such " + std::string{to_string(target->kind)});
  }
  const std::uint64_t version = events->empty() ? 0 : events->back().version;
  auto events_json = opened_json(*events);
  if (!events_json) return problem(events_json.error());
  if (target->kind == StreamKind::case_file) {
    if (auto recorded = record_access(actor, {m.id}, "case-events"); !recorded) {
      return problem(recorded.error());
    }
  }
  Response res = json_response(200, {{"events", std::move(*events_json)}});
  set_etag(res, version);
  return res;
}

Response Api::feed_page(const Actor& actor, std::vector<Envelope>& events, std::uint64_t next) {
  boost::json::array page;
  if (actor.role == Role::researcher) {
    page.reserve(events.size());
    for (const auto& e : events) page.push_back(personal_.pseudonymiser.envelope_json(e));
  } else {
    auto opened = opened_json(events);
    if (!opened) return problem(opened.error());
    if (auto recorded = record_access(actor, cases_among(events), "feed"); !recorded) {
      return problem(recorded.error());
    }
    page = std::move(*opened);
  }
  return json_response(200, {{"events", std::move(page)}, {"next", next}});
}

asio::awaitable<Response> Api::read_feed(const Request& req, const Actor& actor) {
  if (actor.role != Role::regie && actor.role != Role::researcher) {
    co_return problem(403,
                      "the event feed is for regie (as stored) and researchers (pseudonymised)");
  }
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
  co_return feed_page(actor, *events, next);
}

Response Api::read_case(const RouteMatch& m, const Actor& actor) {
  if (!may_read_case_files(actor.role)) {
    return problem(403, "role " + std::string{to_string(actor.role)} + " may not read case files");
  }
  if (!is_valid_id(m.id)) {
    return problem(400, "the id in the path must be 1-64 characters of [A-Za-z0-9_-]",
                   {{"path", "bad id"}});
  }
  const auto view = case_files_.get(m.id);
  if (!view) return problem(404, "no such case");
  const CaseAccess access = case_access(actor, *view);
  if (access == CaseAccess::none) {
    return problem(403, "this case is neither waiting for a bed nor housed in a location of yours");
  }
  boost::json::value person = nullptr;
  if (access == CaseAccess::with_pii) {
    auto found = person_of(m.id, *view);
    if (!found) return problem(found.error());
    if (auto recorded = record_access(actor, {m.id}, "case-file"); !recorded) {
      return problem(recorded.error());
    }
    person = std::move(*found);
  }
  Response res = json_response(200, case_file_json(*view, std::move(person)));
  set_etag(res, view->state.version);
  return res;
}

Result<boost::json::value> Api::person_of(const std::string& case_id, const CaseFileView& view) {
  if (view.state.erased) return boost::json::value(nullptr);
  auto first =
      store_.read_stream(stream_name(StreamKind::case_file, case_id), 1, 1, Direction::forwards);
  if (!first) return first.take_error();
  if (first->empty()) return boost::json::value(nullptr);
  Envelope& registered = first->front();
  auto opened = personal_.sealer.open(registered);
  if (!opened) return opened.take_error();
  const auto* person = registered.data.if_contains("person");
  return person != nullptr ? *person : boost::json::value(nullptr);
}

namespace {

// A plain function, not coroutine locals (GCC 12, see parse_feed_query).
AppendRequest erasure_request(const std::string& case_id, const Actor& actor) {
  AppendRequest request{stream_name(StreamKind::case_file, case_id),
                        ExpectedVersion::any(),
                        {make_new_event(random_uuid(), "PersonalDataErased", std::nullopt, {})},
                        actor};
  request.shred_data_key = true;
  return request;
}

}  // namespace

asio::awaitable<Response> Api::erase(const RouteMatch& m, const Actor& actor) {
  if (actor.role != Role::intake && actor.role != Role::regie) {
    co_return problem(403, "only intake and regie may erase personal data");
  }
  if (!is_valid_id(m.id)) {
    co_return problem(400, "the id in the path must be 1-64 characters of [A-Za-z0-9_-]",
                      {{"path", "bad id"}});
  }
  const auto view = case_files_.get(m.id);
  if (!view) co_return problem(404, "no such case");
  if (view->state.erased) {
    // Erasing twice changes nothing: the answer is the case as it is.
    co_return json_response(200, {{"caseId", m.id}, {"version", view->state.version}});
  }
  AppendRequest request = erasure_request(m.id, actor);
  const std::string stream = request.stream;
  auto result = co_await async_append(store_, std::move(request), asio::use_awaitable);
  if (!result) co_return problem(result.error());
  personal_.sealer.ring().forget(stream);
  if (personal_.purge_soon) personal_.purge_soon();
  co_return json_response(
      200, {{"caseId", m.id}, {"version", result->version}, {"position", result->position}});
}

Response Api::read_access_log(const Request& req, const Actor& actor) {
  if (actor.role != Role::regie) return problem(403, "the access log is for regie");
  std::string case_id;
  std::string after;
  const auto limit = access_log_limit(req.target(), case_id, after);
  if (!limit) return problem(limit.error());
  auto page = personal_.access_log.list(case_id, after, *limit);
  if (!page) return problem(page.error());
  boost::json::array out;
  out.reserve(page->entries.size());
  for (const auto& e : page->entries) {
    out.push_back(boost::json::object{{"at", format_rfc3339(e.at)},
                                      {"subject", e.actor.subject},
                                      {"organisation", e.actor.organisation},
                                      {"role", to_string(e.actor.role)},
                                      {"what", e.what}});
  }
  return json_response(200, {{"caseId", case_id},
                             {"entries", std::move(out)},
                             {"next", page->next.empty() ? boost::json::value(nullptr)
                                                         : boost::json::value(page->next)}});
}

namespace {

Result<CaseFilter> parse_case_filter(std::string_view target) {
  const auto qpos = target.find('?');
  auto params =
      parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
  if (!params) return params.take_error();
  CaseFilter f;
  for (const auto& [key, value] : *params) {
    if (key == "status") {
      f.status = parse_case_status(value);
      if (!f.status) {
        Error e = make_error(ErrorCode::invalid, "bad query parameter status");
        e.fields.push_back({"status",
                            "must be one of: registered intake_completed admitted rejected "
                            "referred waitlisted housed ended"});
        return e;
      }
    } else if (key == "locationId" || key == "after") {
      if (!is_valid_id(value)) {
        Error e = make_error(ErrorCode::invalid, "bad query parameter " + key);
        e.fields.push_back({key, "must be 1-64 characters of [A-Za-z0-9_-]"});
        return e;
      }
      (key == "after" ? f.after : f.location_id) = value;
    } else if (key != "limit") {
      Error e = make_error(ErrorCode::invalid, "unknown query parameter");
      e.fields.push_back({is_valid_id(key) ? key : "query", "is not a parameter of this route"});
      return e;
    }
  }
  auto limit = uint_param(*params, "limit", 100, 1, 1000);
  if (!limit) return limit.take_error();
  f.limit = *limit;
  return f;
}

}  // namespace

Response Api::list_cases(const Request& req, const Actor& actor) {
  if (!may_read_case_files(actor.role)) {
    return problem(403, "role " + std::string{to_string(actor.role)} + " may not read case files");
  }
  auto filter = parse_case_filter(req.target());
  if (!filter) return problem(filter.error());
  filter->visible = [&actor](const CaseFileView& v) {
    return case_access(actor, v) != CaseAccess::none;
  };
  const CasePage page = case_files_.list(*filter);
  boost::json::array cases;
  cases.reserve(page.cases.size());
  for (const auto& v : page.cases) cases.push_back(case_summary_json(v));
  return json_response(200, {{"cases", std::move(cases)},
                             {"next", page.next.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(page.next)}});
}

}  // namespace perspectief::api
