#pragma once

#include <cstdint>
#include <vector>

#include "domain/domain_event.hpp"
#include "domain/events.hpp"

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

// The stream's rules for an event that occurred at `occurred_at`, and its fold.
Status decide(const ProgrammeState& state, const ProgrammeEvent& event, Micros occurred_at,
              Micros now);
void evolve_in_place(ProgrammeState& state, const ProgrammeEvent& event, Micros occurred_at);

// The same for an untyped event (tests, stored envelopes): parsed first; an event that does not
// parse as one of this stream (damaged data) only counts in the version.
Result<std::vector<DomainEvent>> decide(const ProgrammeState& state, const DomainEvent& event,
                                        Micros now);
ProgrammeState evolve(ProgrammeState state, const EventRef& event);

}  // namespace perspectief
