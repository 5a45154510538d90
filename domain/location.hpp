#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/domain_event.hpp"
#include "domain/events.hpp"

namespace perspectief {

// A `location-{id}` stream: one shelter location run by a housing organisation.
struct LocationState {
  bool exists = false;  // LocationOpened seen
  bool open = false;    // and not closed
  std::string name;
  std::string operator_id;  // the housing organisation's id
  std::int64_t beds = 0;
  std::int64_t occupied = 0;  // cases housed here: kept by the programme model (case events)
  Micros last_occurred = INT64_MIN;
  std::uint64_t version = 0;

  std::int64_t free_beds() const { return open ? std::max<std::int64_t>(0, beds - occupied) : 0; }
};

// The stream's rules for an event that occurred at `occurred_at`, and its fold.
Status decide(const LocationState& state, const LocationEvent& event, Micros occurred_at,
              Micros now);
void evolve_in_place(LocationState& state, const LocationEvent& event, Micros occurred_at);

// The same for an untyped event (tests, stored envelopes): parsed first; an event that does not
// parse as one of this stream (damaged data) only counts in the version.
Result<std::vector<DomainEvent>> decide(const LocationState& state, const DomainEvent& event,
                                        Micros now);
LocationState evolve(LocationState state, const EventRef& event);

}  // namespace perspectief
