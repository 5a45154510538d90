#include "domain/location.hpp"

namespace perspectief {

Result<std::vector<DomainEvent>> decide(const LocationState& state, const DomainEvent& event,
                                        Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, event.occurred_at, now); !t)
    return t.take_error();
  const std::string& type = event.type;
  if (type == "LocationOpened") {
    if (state.exists) return refuse("location-opened-first", "the location is already opened");
  } else if (!state.exists) {
    return refuse("location-opened-first", "the first event of a location is LocationOpened");
  } else if (type == "LocationCapacityChanged") {
    if (!state.open) return refuse("location-not-open", "the location is closed");
    if (int_of(event.data, "beds") < state.occupied) {
      return refuse(
          "capacity-below-occupancy",
          "beds may not drop below the " + std::to_string(state.occupied) + " people housed there");
    }
  } else if (type == "LocationClosed") {
    if (!state.open) return refuse("location-not-open", "the location is already closed");
    if (state.occupied > 0) {
      return refuse("location-occupied", "a location closes only when nobody is housed there (" +
                                             std::to_string(state.occupied) + " are)");
    }
  }
  return std::vector<DomainEvent>{event};
}

LocationState evolve(LocationState state, const EventRef& event) {
  if (event.type == "LocationOpened") {
    state.exists = true;
    state.open = true;
    state.name = text_of(event.data, "name");
    state.operator_id = text_of(event.data, "operator");
    state.beds = int_of(event.data, "beds");
  } else if (event.type == "LocationCapacityChanged") {
    state.beds = int_of(event.data, "beds");
  } else if (event.type == "LocationClosed") {
    state.open = false;
  }
  state.last_occurred = std::max(state.last_occurred, event.occurred_at);
  ++state.version;
  return state;
}

}  // namespace perspectief
