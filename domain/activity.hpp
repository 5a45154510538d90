#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/domain_event.hpp"
#include "domain/events.hpp"

namespace perspectief {

// An `activity-{id}` stream: one participation activity. Counts only, never names.
struct ActivityState {
  bool scheduled = false;
  bool held = false;
  bool cancelled = false;
  ActivityCategory category{};
  std::string organisation;
  bool co_designed = false;
  Micros last_occurred = INT64_MIN;
  std::uint64_t version = 0;
};

// The stream's rules for an event that occurred at `occurred_at`, and its fold.
Status decide(const ActivityState& state, const ActivityEvent& event, Micros occurred_at,
              Micros now);
void evolve_in_place(ActivityState& state, const ActivityEvent& event, Micros occurred_at);

// The same for an untyped event (tests, stored envelopes): parsed first; an event that does not
// parse as one of this stream (damaged data) only counts in the version.
Result<std::vector<DomainEvent>> decide(const ActivityState& state, const DomainEvent& event,
                                        Micros now);
ActivityState evolve(ActivityState state, const EventRef& event);

}  // namespace perspectief
