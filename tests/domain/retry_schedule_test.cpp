// The retry schedule of webhook delivery: exponential backoff with equal jitter, capped, and
// parking after max_attempts failures or max_age.

#include "domain/retry_schedule.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <vector>

namespace perspectief {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

struct DelayCase {
  int failed_attempts;
  double jitter01;
  milliseconds expected;
};

TEST(RetrySchedule, DelayDoublesFromOneSecondToTenMinutesWithEqualJitter) {
  const RetryPolicy policy;
  const std::vector<DelayCase> cases{
      {1, 1.0, 1000ms},
      {1, 0.0, 500ms},
      {1, 0.5, 750ms},
      {2, 1.0, 2000ms},
      {3, 1.0, 4000ms},
      {7, 1.0, 64000ms},
      {7, 0.0, 32000ms},
      {10, 1.0, 512000ms},
      {11, 1.0, 600000ms},  // 1024 s, capped
      {11, 0.0, 300000ms},
      {50, 1.0, 600000ms},
      {1000, 0.25, 375000ms},
      {0, 1.0, 1000ms},
      {-3, 1.0, 1000ms},  // fewer than one failure counts as one
      {1, 2.0, 1000ms},
      {1, -1.0, 500ms},  // the draw is clamped into [0, 1]
      {1, std::numeric_limits<double>::quiet_NaN(), 500ms},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(retry_delay(policy, c.failed_attempts, c.jitter01), c.expected)
        << "failed_attempts " << c.failed_attempts << ", jitter " << c.jitter01;
  }
}

TEST(RetrySchedule, DelayIsNeverBelowOneMillisecond) {
  const RetryPolicy zero{.base = 0ms, .cap = 0ms};
  EXPECT_EQ(retry_delay(zero, 1, 0.0), 1ms);
  const RetryPolicy one{.base = 1ms, .cap = 1ms};
  EXPECT_EQ(retry_delay(one, 5, 0.0), 1ms);
}

TEST(RetrySchedule, DelayFollowsAnotherPolicy) {
  const RetryPolicy policy{.base = 100ms, .cap = 1000ms};
  EXPECT_EQ(retry_delay(policy, 1, 1.0), 100ms);
  EXPECT_EQ(retry_delay(policy, 4, 1.0), 800ms);
  EXPECT_EQ(retry_delay(policy, 5, 1.0), 1000ms);
  EXPECT_EQ(retry_delay(policy, 5, 0.0), 500ms);
}

struct ParkCase {
  int failed_attempts;
  milliseconds since_first_attempt;
  bool park;
};

TEST(RetrySchedule, ParksAfterEightFailuresOrADay) {
  const RetryPolicy policy;
  const std::vector<ParkCase> cases{
      {1, 0ms, false},       {7, 1h, false}, {8, 1h, true},  {9, 0ms, true},
      {1, 24h - 1ms, false}, {1, 24h, true}, {3, 25h, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(should_park(policy, c.failed_attempts, c.since_first_attempt), c.park)
        << "failed_attempts " << c.failed_attempts << ", since " << c.since_first_attempt.count()
        << " ms";
  }
}

}  // namespace
}  // namespace perspectief
