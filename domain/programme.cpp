#include "domain/programme.hpp"

namespace perspectief {

ProgrammeState initial_programme(std::int64_t places, std::int64_t lvv_places,
                                 std::int64_t max_stay_months) {
  ProgrammeState s;
  s.places = places;
  s.lvv_places = lvv_places;
  s.max_stay_months = max_stay_months;
  return s;
}

Result<std::vector<DomainEvent>> decide(const ProgrammeState& state, const DomainEvent& event,
                                        Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, event.occurred_at, now); !t)
    return t.take_error();
  // ProgrammeCapacitySet is the only programme event; lvvPlaces <= places is schema.
  return std::vector<DomainEvent>{event};
}

ProgrammeState evolve(ProgrammeState state, const EventRef& event) {
  if (event.type == "ProgrammeCapacitySet") {
    state.places = int_of(event.data, "places");
    state.lvv_places = int_of(event.data, "lvvPlaces");
    state.max_stay_months = int_of(event.data, "maxStayMonths");
  }
  state.last_occurred = std::max(state.last_occurred, event.occurred_at);
  ++state.version;
  return state;
}

}  // namespace perspectief
