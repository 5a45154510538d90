#include "api/read_model_routes.hpp"

#include <algorithm>

#include "api/problem.hpp"
#include "api/query.hpp"
#include "domain/json_text.hpp"
#include "domain/stream_name.hpp"
#include "eventstore/sha256.hpp"
#include "projections/known_at.hpp"
#include "projections/monthly_report.hpp"
#include "projections/read_models.hpp"
#include "projections/series.hpp"

namespace perspectief::api {
namespace {

using Params = std::unordered_map<std::string, std::string>;

Error bad(const std::string& name, const std::string& message) {
  Error e = make_error(ErrorCode::invalid, "bad query parameter " + name);
  e.fields.push_back({name, message});
  return e;
}

// asOf: an RFC 3339 time, or a date meaning the end of that day (23:59:59Z).
Result<Micros> as_of_param(const Params& p, Micros now) {
  const auto it = p.find("asOf");
  if (it == p.end()) return now;
  if (const auto t = parse_rfc3339(it->second)) return *t;
  if (const auto d = parse_date(it->second)) return end_of_day(*d);
  return bad("asOf", "must be an RFC 3339 time or a date YYYY-MM-DD, in the years 1900-9999");
}

// knownAt: an RFC 3339 time, or a date meaning the end of that day; absent or later than
// `now`: now (nothing recorded after now is known).
Result<Micros> known_at_param(const Params& p, Micros now) {
  const auto it = p.find("knownAt");
  if (it == p.end()) return now;
  std::optional<Micros> t = parse_rfc3339(it->second);
  if (!t) {
    if (const auto d = parse_date(it->second)) t = end_of_day(*d);
  }
  if (!t) {
    return bad("knownAt", "must be an RFC 3339 time or a date YYYY-MM-DD, in the years 1900-9999");
  }
  return std::min(*t, now);
}

struct Range {
  Days from;
  Days to;
};

// from/to: dates, inclusive. Defaults: to = today, from = 1 January of to's year.
Result<Range> range_params(const Params& p, Micros now) {
  Range r{0, day_of(now)};
  if (const auto it = p.find("to"); it != p.end()) {
    const auto d = parse_date(it->second);
    if (!d) return bad("to", "must be a date YYYY-MM-DD in the years 1900-9999");
    r.to = *d;
  }
  r.from = days_from_civil({civil_from_days(r.to).year, 1, 1});
  if (const auto it = p.find("from"); it != p.end()) {
    const auto d = parse_date(it->second);
    if (!d) return bad("from", "must be a date YYYY-MM-DD in the years 1900-9999");
    r.from = *d;
  }
  if (r.from > r.to) return bad("from", "must not lie after to");
  if (r.to - r.from > Days{366} * 20) return bad("from", "the range may span at most 20 years");
  return r;
}

Status only(const Params& p, std::initializer_list<std::string_view> allowed) {
  if (auto field = unknown_param(p, allowed)) return bad(field->field, field->message);
  return Ok{};
}

// Read models as of one time: occupancy, stay alerts, caseload, data quality.
Result<boost::json::object> at_time(RouteId route, const Params& p, const HistoryView& h,
                                    Micros now) {
  if (auto s = only(p, {"asOf", "knownAt"}); !s) return s.take_error();
  auto t = as_of_param(p, now);
  if (!t) return t.take_error();
  return route == RouteId::occupancy      ? occupancy_json(h, *t)
         : route == RouteId::stay_alerts  ? stay_alerts_json(h, *t)
         : route == RouteId::data_quality ? data_quality_json(h, *t)
                                          : caseload_json(h, *t);
}

Result<boost::json::object> escalations(const Params& p, const HistoryView& h, Micros now) {
  if (auto s = only(p, {"asOf", "knownAt", "status"}); !s) return s.take_error();
  auto t = as_of_param(p, now);
  if (!t) return t.take_error();
  EscalationStatus status = EscalationStatus::open;
  if (const auto it = p.find("status"); it != p.end()) {
    if (it->second == "resolved") {
      status = EscalationStatus::resolved;
    } else if (it->second == "all") {
      status = EscalationStatus::all;
    } else if (it->second != "open") {
      return bad("status", "must be one of: open resolved all");
    }
  }
  return escalations_json(h, *t, status);
}

Result<boost::json::object> perspective(const Params& p, const HistoryView& h, Micros now) {
  if (auto s = only(p, {"asOf", "knownAt", "admittedFrom", "admittedTo"}); !s) {
    return s.take_error();
  }
  auto t = as_of_param(p, now);
  if (!t) return t.take_error();
  Params range;  // admittedFrom/admittedTo, with the defaults of from/to up to asOf's date
  if (const auto it = p.find("admittedFrom"); it != p.end()) range["from"] = it->second;
  range["to"] = format_date(day_of(*t));
  if (const auto it = p.find("admittedTo"); it != p.end()) range["to"] = it->second;
  auto r = range_params(range, now);
  if (!r) {
    Error e = r.take_error();
    for (auto& f : e.fields) f.field = f.field == "from" ? "admittedFrom" : "admittedTo";
    e.message = "bad query parameter " + e.fields.front().field;
    return e;
  }
  return perspective_json(h, *t, r->from, r->to);
}

// Read models over a range of dates: participation, utilisation, outcomes, returns, intake
// funnel.
Result<boost::json::object> over_range(RouteId route, const Params& p, const HistoryView& h,
                                       Micros now) {
  if (auto s = only(p, {"from", "to", "asOf", "knownAt"}); !s) return s.take_error();
  auto t = as_of_param(p, now);
  if (!t) return t.take_error();
  auto r = range_params(p, *t);  // defaults: up to asOf's date, from 1 January of its year
  if (!r) return r.take_error();
  return route == RouteId::utilisation     ? utilisation_json(h, r->from, r->to, *t)
         : route == RouteId::outcomes      ? outcomes_json(h, r->from, r->to, *t)
         : route == RouteId::returns       ? returns_json(h, r->from, r->to, *t)
         : route == RouteId::participation ? participation_json(h, r->from, r->to, *t)
                                           : intake_funnel_json(h, r->from, r->to, *t);
}

// A month YYYY-MM in the years 1900-9999: its first day; nullopt for anything else.
std::optional<Days> parse_month(std::string_view m) {
  const auto digits = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (m[i] < '0' || m[i] > '9') return -1;
      v = v * 10 + (m[i] - '0');
    }
    return v;
  };
  const int year = m.size() == 7 && m[4] == '-' ? digits(0, 4) : -1;
  const int month = year >= 0 ? digits(5, 2) : -1;
  if (year < 1900 || month < 1 || month > 12) return std::nullopt;
  return days_from_civil({year, static_cast<unsigned>(month), 1});
}

constexpr const char* kMonthRule = "must be a month YYYY-MM in the years 1900-9999";

// GET /v1/reports/monthly: month=YYYY-MM (required) and knownAt.
Result<boost::json::object> monthly(const Params& p, const HistoryView& h) {
  if (auto s = only(p, {"month", "knownAt"}); !s) return s.take_error();
  const auto it = p.find("month");
  const auto first = it == p.end() ? std::nullopt : parse_month(it->second);
  if (!first) return bad("month", kMonthRule);
  const auto c = civil_from_days(*first);
  return monthly_report_json(h, c.year, static_cast<int>(c.month));
}

// GET /v1/series: from, to (months YYYY-MM, inclusive; defaults: the month of knownAt and the
// 23 before it), at most 120 months, and knownAt.
Result<boost::json::object> series(const Params& p, const HistoryView& h, Micros now) {
  if (auto s = only(p, {"from", "to", "knownAt"}); !s) return s.take_error();
  const auto month_param = [&](const char* name, Days fallback) -> Result<Days> {
    const auto it = p.find(name);
    if (it == p.end()) return fallback;
    const auto first = parse_month(it->second);
    if (!first) return bad(name, kMonthRule);
    return *first;
  };
  const auto today = civil_from_days(day_of(now));
  auto to = month_param("to", days_from_civil({today.year, today.month, 1}));
  if (!to) return to.take_error();
  auto from = month_param("from", add_months(*to, -23));
  if (!from) return from.take_error();
  if (*from > *to) return bad("from", "must not lie after to");
  const auto a = civil_from_days(*from);
  const auto b = civil_from_days(*to);
  const int months =
      (b.year - a.year) * 12 + static_cast<int>(b.month) - static_cast<int>(a.month) + 1;
  if (months > 120) return bad("from", "the series may span at most 120 months");
  return series_json(h, *from, months);
}

// `now`: the default asOf, which is the knownAt of the read.
Result<boost::json::object> render(RouteId route, const Params& p, const HistoryView& h,
                                   Micros now) {
  switch (route) {
    case RouteId::occupancy:
    case RouteId::stay_alerts:
    case RouteId::caseload:
    case RouteId::data_quality:
      return at_time(route, p, h, now);
    case RouteId::escalations:
      return escalations(p, h, now);
    case RouteId::perspective:
      return perspective(p, h, now);
    case RouteId::participation:
    case RouteId::utilisation:
    case RouteId::outcomes:
    case RouteId::intake_funnel:
    case RouteId::returns:
      return over_range(route, p, h, now);
    case RouteId::monthly_report:
      return monthly(p, h);
    case RouteId::series:
      return series(p, h, now);
    default:
      return make_error(ErrorCode::not_found, "no such read model");
  }
}

// The read model as known at `known` (spec/evaluation.md, "Known-at"), with "knownAt" and
// "position" added. `log` (null: the history holds only what was known then, as in replay)
// gives the events recorded after `known`, which the view leaves out; `cache` (optional)
// keeps them folded for the next read with the same `known`. `settled`: the answer is final
// (an event recorded after `known` was counted out), so repeating `known` gives these bytes.
Result<boost::json::object> answer(RouteId route, const Params& p, const History& history,
                                   Micros known, const EventStore* log, KnownAtCache* cache,
                                   bool& settled) {
  const auto render_view = [&](const HistoryView& view) -> Result<boost::json::object> {
    auto body = render(route, p, view, known);
    if (!body) return body;
    (*body)["knownAt"] = format_rfc3339(known);
    (*body)["position"] = view.position();
    if (route == RouteId::monthly_report) {
      // The same month and knownAt give the same bytes on any server holding the same log:
      // the digest is of those bytes, which end with it as the last member.
      (*body)["digest"] = to_hex(sha256(json_text(*body)));
    }
    return body;
  };
  settled = false;
  if (log == nullptr) return history.read([&](const History& h) { return render_view(h); });
  const auto late = cache != nullptr ? cache->entry(known) : std::make_shared<LateEvents>();
  std::lock_guard lock(late->mu);
  // Folded before the history's lock, which the projector waits for: the lock covers only
  // the events folded in the meantime.
  std::uint64_t folded = 0;
  CapacityFacts defaults{};
  history.read([&](const History& h) {
    folded = h.position();
    defaults = h.capacity().front();
    return 0;
  });
  if (auto s = catch_up(*late, *log, known, folded, defaults); !s) return s.take_error();
  // Read again: from now on from the events up to the cut alone, as a read as of now reads.
  if (cache != nullptr && late->reads > 0 && late->cut <= cache->max_events()) {
    if (auto s = keep_forward(*late, *log, defaults); !s) return s.take_error();
  }
  auto body = [&]() -> Result<boost::json::object> {
    if (late->settled && late->forward) {
      return late->events.read([&](const History& e) { return render_view(e); });
    }
    return history.read([&](const History& h) -> Result<boost::json::object> {
      if (auto s = catch_up(*late, *log, known, h.position(), defaults); !s) {
        return s.take_error();
      }
      if (!late->settled) return render_view(h);  // all folded was recorded by `known`
      if (late->forward) {                        // settled just now, with the events up to the cut
        return late->events.read([&](const History& e) { return render_view(e); });
      }
      return render_view(HistoryView(h, late->events, late->cut));
    });
  }();
  settled = late->settled;
  if (settled) ++late->reads;  // a read again of a settled cut turns the entry forward
  if (cache != nullptr) cache->trim(known, *late);
  return body;
}

// Leaves out the entries of the cases `visible` refuses: every object with a caseId in a
// list at the top of the answer.
void keep_visible(boost::json::object& body, const CaseVisibility& visible) {
  for (auto& member : body) {
    if (!member.value().is_array()) continue;
    auto& list = member.value().as_array();
    std::size_t kept = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto* entry = list[i].if_object();
      const auto* id = entry != nullptr ? entry->if_contains("caseId") : nullptr;
      if (id != nullptr && (!id->is_string() || !visible(id->as_string()))) continue;
      if (kept != i) list[kept] = std::move(list[i]);
      ++kept;
    }
    list.resize(kept);
  }
}

}  // namespace

std::optional<std::string> NowCache::find(std::uint64_t position, Micros latest_occurred_at,
                                          Micros now) const {
  const std::string time = '"' + format_rfc3339(now) + '"';
  std::lock_guard lock(mu_);
  if (!held_ || position != position_ || latest_occurred_at > now_) return std::nullopt;
  std::string body = pieces_.front();
  for (std::size_t i = 1; i < pieces_.size(); ++i) {
    body += time;
    body += pieces_[i];
  }
  return body;
}

void NowCache::keep(std::uint64_t position, Micros now, const boost::json::object& body) {
  // A control character cannot occur unescaped in JSON text: serialised, each marker shows
  // exactly where the asOf or knownAt value goes (the key's quotes are not escaped, so a
  // string holding the same text is not taken for it).
  constexpr std::string_view kValue = R"("\u0001")";
  boost::json::object marked = body;
  marked["asOf"] = "\x01";
  marked["knownAt"] = "\x01";
  const std::string text = json_text(marked);
  std::vector<std::size_t> values;  // where each marked value starts
  for (const std::string_view key : {R"("asOf":)", R"("knownAt":)"}) {
    const auto at = text.find(std::string{key} + std::string{kValue});
    if (at != std::string::npos) values.push_back(at + key.size());
  }
  std::sort(values.begin(), values.end());
  std::vector<std::string> pieces;
  std::size_t from = 0;
  for (const auto at : values) {
    pieces.push_back(text.substr(from, at - from));
    from = at + kValue.size();
  }
  pieces.push_back(text.substr(from));
  std::lock_guard lock(mu_);
  held_ = values.size() == 2;
  if (!held_) return;
  position_ = position;
  now_ = now;
  pieces_ = std::move(pieces);
}

Response read_model(RouteId route, std::string_view target, const History& history, Micros now,
                    const EventStore* log, ReadModelCaches* caches, const CaseVisibility& visible) {
  NowCache* cache = caches != nullptr ? &caches->now : nullptr;
  const auto q = target.find('?');
  // Occupancy lists no case ids (lists_cases): the cached answer serves every reader.
  if (cache != nullptr && route == RouteId::occupancy && q == std::string_view::npos) {
    // position and latest occurredAt, and the fold if needed, under one read lock
    return json_response(200, history.read([&](const History& h) {
      if (auto body = cache->find(h.position(), h.latest_occurred_at(), now)) {
        return std::move(*body);
      }
      boost::json::object body = occupancy_json(h, now);
      body["knownAt"] = format_rfc3339(now);
      body["position"] = h.position();
      cache->keep(h.position(), now, body);
      return json_text(body);
    }));
  }
  auto params = target_query(target);
  if (!params) return problem(params.error());
  const auto known = known_at_param(*params, now);
  if (!known) return problem(known.error());
  bool settled = false;
  auto body = answer(route, *params, history, *known, *known < now ? log : nullptr,
                     caches != nullptr ? &caches->known : nullptr, settled);
  if (!body) return problem(body.error());
  if (visible) keep_visible(*body, visible);  // after the history's lock is released
  Response res = json_response(200, *body);
  if (route == RouteId::monthly_report) {
    res.set(boost::beast::http::field::etag,
            "\"" + std::string{body->at("digest").as_string()} + "\"");
    // A report as known at a settled time never changes; one as known now may with the next
    // event.
    res.set(boost::beast::http::field::cache_control,
            settled ? "private, max-age=31536000, immutable" : "no-store");
  }
  return res;
}

}  // namespace perspectief::api
