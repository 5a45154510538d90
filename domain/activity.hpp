#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/domain_event.hpp"

namespace perspectief {

// An `activity-{id}` stream: one participation activity. Counts only, never names.
struct ActivityState {
  bool scheduled = false;
  bool held = false;
  bool cancelled = false;
  std::string category;
  std::string organisation;
  bool co_designed = false;
  Micros last_occurred = INT64_MIN;
  std::uint64_t version = 0;
};

Result<std::vector<DomainEvent>> decide(const ActivityState& state, const DomainEvent& event,
                                        Micros now);
ActivityState evolve(ActivityState state, const EventRef& event);

}  // namespace perspectief
