#include "projections/read_models.hpp"

#include <cmath>
#include <set>

namespace perspectief {

std::map<std::string, std::int64_t> activities_held_by_category(const HistoryView& h) {
  std::map<std::string, std::int64_t> out;
  for (const auto c : enum_names<ActivityCategory>()) out[std::string{c}] = 0;
  for (const auto& [id, a] : h.activities()) {
    if (a.held != kNever) ++out[std::string{to_string(a.category)}];
  }
  return out;
}

boost::json::object participation_json(const HistoryView& h, Days from, Days to, Micros as_of) {
  const auto in_range = [&](Micros at) {
    const Days d = day_of(at);
    return at <= as_of && d >= from && d <= to;
  };
  std::int64_t held = 0;
  std::int64_t co_designed = 0;
  std::int64_t residents = 0;
  std::int64_t volunteers = 0;
  std::int64_t neighbours = 0;
  double hours = 0;
  boost::json::object by_category;
  for (const auto c : enum_names<ActivityCategory>()) by_category[c] = 0;
  for (const auto& [id, a] : h.activities()) {
    if (a.held == kNever || !in_range(a.held)) continue;
    ++held;
    co_designed += a.co_designed ? 1 : 0;
    residents += a.residents;
    volunteers += a.volunteers;
    neighbours += a.neighbours;
    hours += a.volunteer_hours;
    auto& n = by_category[to_string(a.category)];
    n = n.as_int64() + 1;
  }
  std::int64_t participating = 0;
  for (const auto& [id, facts] : h.cases()) {
    for (const Fact& f : facts.facts) {
      if (f.kind == Fact::Kind::participation && in_range(f.at)) {
        ++participating;
        break;
      }
    }
  }
  boost::json::array contacts;
  for (const auto& [id, l] : h.locations()) {
    if (!l.exists() || day_of(l.opened) > to || l.opened > as_of) continue;
    boost::json::object row{{"locationId", id}};
    for (const auto k : enum_names<ContactKind>()) row[k] = 0;
    for (const auto& [at, kind] : l.contacts) {
      auto& n = row[to_string(kind)];
      if (in_range(at)) n = n.as_int64() + 1;
    }
    contacts.push_back(std::move(row));
  }
  const boost::json::value share =
      held == 0 ? boost::json::value(nullptr)
                : boost::json::value(std::round(static_cast<double>(co_designed) * 10000.0 /
                                                static_cast<double>(held)) /
                                     10000.0);
  return {{"from", format_date(from)},
          {"to", format_date(to)},
          {"activitiesHeld", held},
          {"byCategory", std::move(by_category)},
          {"residentAttendances", residents},
          {"casesParticipating", participating},
          {"volunteers", volunteers},
          {"volunteerHours", hours},
          {"neighbours", neighbours},
          {"coDesignedShare", share},
          {"neighbourhoodContacts", std::move(contacts)}};
}

}  // namespace perspectief
