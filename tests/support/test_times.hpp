#pragma once

#include "domain/time.hpp"

namespace perspectief::testing {

// The instant the unit tests' histories start from (2021-03-01T10:00:00Z), and their step.
inline constexpr Micros kT0 = 1614592800LL * kMicrosPerSecond;
inline constexpr Micros kMinute = 60 * kMicrosPerSecond;

}  // namespace perspectief::testing
