#include <array>

#include "projections/read_models.hpp"

namespace perspectief {

namespace {

// Each track by name, then "none".
boost::json::object active_by_track(const ActiveByTrack& by_track) {
  boost::json::object out;
  for (std::size_t i = 0; i < enum_count<Track>(); ++i)
    out[enum_names<Track>()[i]] = by_track[i + 1];
  out["none"] = by_track[0];
  return out;
}

// The counts by slot, keyed by track name and "none".
std::map<std::string, std::int64_t> by_track_name(const ActiveByTrack& by_track) {
  std::map<std::string, std::int64_t> out;
  out["none"] = by_track[0];
  for (std::size_t i = 0; i < enum_count<Track>(); ++i) {
    out[std::string{enum_names<Track>()[i]}] = by_track[i + 1];
  }
  return out;
}

}  // namespace

std::map<std::string, std::int64_t> active_cases_by_track(const History& h, Micros now) {
  return by_track_name(h.active_by_track(now));
}

std::map<std::string, std::int64_t> active_cases_by_track(const HistoryView& h, Micros now) {
  ActiveByTrack by_track{};
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts.facts, now);
    if (c.active()) ++by_track[code_of(c.track)];
  }
  return by_track_name(by_track);
}

boost::json::object perspective_json(const HistoryView& h, Micros as_of, Days admitted_from,
                                     Days admitted_to) {
  ActiveByTrack by_track{};  // by code_of(track)
  std::vector<std::int64_t> days_to_track;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts.facts, as_of);
    if (c.active()) ++by_track[code_of(c.track)];
    if (c.admission_decided == kNever) continue;
    const Days decided = day_of(c.admission_decided);
    if (decided < admitted_from || decided > admitted_to) continue;
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      const auto track = f.kind == Fact::Kind::track ? from_code<Track>(f.code) : std::nullopt;
      if (track && *track != Track::undecided && f.at >= c.admission_decided) {
        days_to_track.push_back(day_of(f.at) - decided);
        break;
      }
    }
  }
  const std::size_t cases = days_to_track.size();
  return {{"asOf", format_rfc3339(as_of)},
          {"admittedFrom", format_date(admitted_from)},
          {"admittedTo", format_date(admitted_to)},
          {"activeByTrack", active_by_track(by_track)},
          {"daysToTrack",
           {{"cases", cases},
            {"median", cases == 0 ? boost::json::value(nullptr)
                                  : boost::json::value(median_of(days_to_track))}}}};
}

}  // namespace perspectief
