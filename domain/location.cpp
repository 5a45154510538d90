#include "domain/location.hpp"

#include <variant>

#include "domain/untyped_event.hpp"

namespace perspectief {
namespace {

Status rule(const LocationState& s, const LocationOpened& /*e*/) {
  if (s.exists) return refuse("location-opened-first", "the location is already opened");
  return Ok{};
}
Status rule(const LocationState& s, const LocationCapacityChanged& e) {
  if (!s.open) return refuse("location-not-open", "the location is closed");
  if (e.beds < s.occupied) {
    return refuse(
        "capacity-below-occupancy",
        "beds may not drop below the " + std::to_string(s.occupied) + " people housed there");
  }
  return Ok{};
}
Status rule(const LocationState& s, const LocationClosed& /*e*/) {
  if (!s.open) return refuse("location-not-open", "the location is already closed");
  if (s.occupied > 0) {
    return refuse("location-occupied", "a location closes only when nobody is housed there (" +
                                           std::to_string(s.occupied) + " are)");
  }
  return Ok{};
}
Status rule(const LocationState& /*s*/, const NeighbourhoodContactRecorded& /*e*/) {
  return Ok{};
}

void apply(LocationState& s, const LocationOpened& e) {
  s.exists = true;
  s.open = true;
  s.name = e.name;
  s.operator_id = e.operator_id;
  s.beds = e.beds;
}
void apply(LocationState& s, const LocationCapacityChanged& e) {
  s.beds = e.beds;
}
void apply(LocationState& s, const LocationClosed& /*e*/) {
  s.open = false;
}
void apply(LocationState& /*s*/, const NeighbourhoodContactRecorded& /*e*/) {}

}  // namespace

Status decide(const LocationState& state, const LocationEvent& event, Micros occurred_at,
              Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, occurred_at, now); !t) return t;
  if (!state.exists && !std::holds_alternative<LocationOpened>(event))
    return refuse("location-opened-first", "the first event of a location is LocationOpened");
  return std::visit([&](const auto& e) { return rule(state, e); }, event);
}

void evolve_in_place(LocationState& state, const LocationEvent& event, Micros occurred_at) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  count_event(state, occurred_at);
}

Result<std::vector<DomainEvent>> decide(const LocationState& state, const DomainEvent& event,
                                        Micros now) {
  return decide_untyped<LocationEvent>(state, event, now);
}

LocationState evolve(LocationState state, const EventRef& event) {
  evolve_untyped<LocationEvent>(state, event);
  return state;
}

}  // namespace perspectief
