#pragma once

#include <chrono>

namespace perspectief {

// When a failed webhook delivery is tried again, and when it is given up (spec/integrations.md:
// "exponential backoff and jitter (1 s doubling to 10 min); after 8 failed attempts (or 24 h)
// the batch is parked"). Pure: the caller brings the attempt count, the elapsed time and the
// random draw, so the schedule is testable without a clock.
struct RetryPolicy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{600000};
  int max_attempts = 8;
  std::chrono::milliseconds max_age{std::chrono::hours(24)};
};

// The wait before the next attempt after `failed_attempts` (>= 1; less counts as 1) failures:
// base * 2^(failed_attempts - 1), at most `cap`, then scaled into [0.5, 1.0] of that by
// `jitter01` (a uniform draw from [0, 1]; clamped into it), "equal jitter", so receivers that
// failed together do not come back together yet no retry comes much sooner than planned.
// Never less than 1 ms.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts,
                                      double jitter01);

// True when a batch that failed `failed_attempts` times, the first attempt
// `since_first_attempt` ago, is to be parked instead of tried again: max_attempts failures or
// max_age elapsed, whichever comes first.
bool should_park(const RetryPolicy& policy, int failed_attempts,
                 std::chrono::milliseconds since_first_attempt);

}  // namespace perspectief
