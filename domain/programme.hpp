#pragma once

#include <cstdint>
#include <vector>

#include "domain/domain_event.hpp"

namespace perspectief {

// The `programme` stream: capacity and stay policy.
struct ProgrammeState {
  std::int64_t places = 500;
  std::int64_t lvv_places = 360;
  std::int64_t max_stay_months = 18;
  Micros last_occurred = INT64_MIN;
  std::uint64_t version = 0;

  std::int64_t municipal_places() const { return places - lvv_places; }
};

// The defaults (server flags) until the first ProgrammeCapacitySet.
ProgrammeState initial_programme(std::int64_t places, std::int64_t lvv_places,
                                 std::int64_t max_stay_months);

Result<std::vector<DomainEvent>> decide(const ProgrammeState& state, const DomainEvent& event,
                                        Micros now);
ProgrammeState evolve(ProgrammeState state, const EventRef& event);

}  // namespace perspectief
