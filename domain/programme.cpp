#include "domain/programme.hpp"

#include <variant>

#include "domain/untyped_event.hpp"

namespace perspectief {
namespace {

// lvvPlaces <= places is a schema check (domain/event_catalogue.cpp).
Status rule(const ProgrammeState& /*s*/, const ProgrammeCapacitySet& /*e*/) {
  return Ok{};
}

void apply(ProgrammeState& s, const ProgrammeCapacitySet& e) {
  s.places = e.places;
  s.lvv_places = e.lvv_places;
  s.max_stay_months = e.max_stay_months;
}

}  // namespace

ProgrammeState initial_programme(std::int64_t places, std::int64_t lvv_places,
                                 std::int64_t max_stay_months) {
  ProgrammeState s;
  s.places = places;
  s.lvv_places = lvv_places;
  s.max_stay_months = max_stay_months;
  return s;
}

Status decide(const ProgrammeState& state, const ProgrammeEvent& event, Micros occurred_at,
              Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, occurred_at, now); !t) return t;
  return std::visit([&](const auto& e) { return rule(state, e); }, event);
}

void evolve_in_place(ProgrammeState& state, const ProgrammeEvent& event, Micros occurred_at) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  count_event(state, occurred_at);
}

Result<std::vector<DomainEvent>> decide(const ProgrammeState& state, const DomainEvent& event,
                                        Micros now) {
  return decide_untyped<ProgrammeEvent>(state, event, now);
}

ProgrammeState evolve(ProgrammeState state, const EventRef& event) {
  evolve_untyped<ProgrammeEvent>(state, event);
  return state;
}

}  // namespace perspectief
