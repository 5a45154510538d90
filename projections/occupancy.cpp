#include <map>

#include "projections/read_models.hpp"

namespace perspectief {

boost::json::object occupancy_json(const HistoryView& h, Micros as_of) {
  const CapacityFacts cap = h.capacity_at(as_of);
  std::map<std::uint32_t, std::int64_t> per_location;
  std::int64_t lvv = 0;
  std::int64_t municipal = 0;
  std::int64_t waiting = 0;
  std::int64_t waitlisted = 0;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts.facts, as_of);
    if (c.ended || !c.decision) continue;
    if (c.housed) {
      ++per_location[c.location];
      (c.funding == Funding::lvv ? lvv : municipal) += 1;
    } else if (*c.decision == Decision::admitted) {
      ++waiting;
    } else if (*c.decision == Decision::waitlisted) {
      ++waitlisted;
    }
  }
  boost::json::array locations;
  for (const auto& [id, l] : h.locations()) {
    if (l.opened > as_of) continue;
    const bool open = l.open_at(as_of);
    const std::int64_t beds = l.beds_at(as_of);
    const auto it = per_location.find(h.location_ref(id));
    const std::int64_t occupied = it == per_location.end() ? 0 : it->second;
    locations.push_back({{"locationId", id},
                         {"name", l.name},
                         {"operator", l.operator_id},
                         {"beds", beds},
                         {"occupied", occupied},
                         {"free", open ? std::max<std::int64_t>(0, beds - occupied) : 0},
                         {"open", open}});
  }
  const std::int64_t occupied = lvv + municipal;
  boost::json::object programme{{"places", cap.places},
                                {"lvvPlaces", cap.lvv_places},
                                {"municipalPlaces", cap.places - cap.lvv_places},
                                {"occupied", occupied},
                                {"lvvOccupied", lvv},
                                {"municipalOccupied", municipal},
                                {"free", std::max<std::int64_t>(0, cap.places - occupied)}};
  return {{"asOf", format_rfc3339(as_of)},
          {"programme", std::move(programme)},
          {"locations", std::move(locations)},
          {"waitingForBed", waiting},
          {"waitlisted", waitlisted}};
}

}  // namespace perspectief
