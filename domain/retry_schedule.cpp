#include "domain/retry_schedule.hpp"

#include <algorithm>

namespace perspectief {

namespace {

// base * 2^(failed_attempts - 1), at most cap; doubles step by step so a large attempt count
// cannot overflow.
std::chrono::milliseconds backoff(const RetryPolicy& policy, int failed_attempts) {
  auto delay = std::max(policy.base, std::chrono::milliseconds(1));
  for (int i = 1; i < failed_attempts && delay < policy.cap; ++i) delay *= 2;
  return std::min(delay, policy.cap);
}

}  // namespace

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int failed_attempts,
                                      double jitter01) {
  // NaN counts as 0: a broken draw must not turn into an undefined conversion.
  const double jitter = jitter01 >= 0.0 ? std::min(jitter01, 1.0) : 0.0;
  const auto full = static_cast<double>(backoff(policy, failed_attempts).count());
  const auto jittered = static_cast<std::chrono::milliseconds::rep>(full * (0.5 + 0.5 * jitter));
  return std::chrono::milliseconds(std::max<std::chrono::milliseconds::rep>(jittered, 1));
}

bool should_park(const RetryPolicy& policy, int failed_attempts,
                 std::chrono::milliseconds since_first_attempt) {
  return failed_attempts >= policy.max_attempts || since_first_attempt >= policy.max_age;
}

}  // namespace perspectief
