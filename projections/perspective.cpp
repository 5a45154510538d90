#include "projections/read_models.hpp"

namespace perspectief {

namespace {

constexpr std::string_view kTrackKeys[] = {"none", "legal_stay_nl", "return", "onward_migration",
                                           "undecided"};  // indexed by Track

}  // namespace

std::map<std::string, std::int64_t> active_cases_by_track(const History& h, Micros now) {
  std::map<std::string, std::int64_t> out;
  for (const auto k : kTrackKeys) out[std::string{k}] = 0;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts, now);
    if (c.active()) ++out[std::string{kTrackKeys[static_cast<int>(c.track)]}];
  }
  return out;
}

boost::json::object perspective_json(const History& h, Micros as_of, Days admitted_from,
                                     Days admitted_to) {
  std::int64_t by_track[5] = {0, 0, 0, 0, 0};  // indexed by Track
  std::vector<std::int64_t> days_to_track;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts, as_of);
    if (c.active()) ++by_track[static_cast<int>(c.track)];
    if (c.admission_decided == kNever) continue;
    const Days decided = day_of(c.admission_decided);
    if (decided < admitted_from || decided > admitted_to) continue;
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      if (f.kind == Fact::Kind::track && static_cast<Track>(f.code) != Track::undecided &&
          static_cast<Track>(f.code) != Track::none && f.at >= c.admission_decided) {
        days_to_track.push_back(day_of(f.at) - decided);
        break;
      }
    }
  }
  const std::size_t cases = days_to_track.size();
  return {{"asOf", format_rfc3339(as_of)},
          {"admittedFrom", format_date(admitted_from)},
          {"admittedTo", format_date(admitted_to)},
          {"activeByTrack",
           {{"legal_stay_nl", by_track[static_cast<int>(Track::legal_stay_nl)]},
            {"return", by_track[static_cast<int>(Track::return_track)]},
            {"onward_migration", by_track[static_cast<int>(Track::onward_migration)]},
            {"undecided", by_track[static_cast<int>(Track::undecided)]},
            {"none", by_track[static_cast<int>(Track::none)]}}},
          {"daysToTrack",
           {{"cases", cases},
            {"median", cases == 0 ? boost::json::value(nullptr)
                                  : boost::json::value(median_of(days_to_track))}}}};
}

}  // namespace perspectief
