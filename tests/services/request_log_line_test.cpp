#include "services/request_log_line.hpp"

#include <gtest/gtest.h>

namespace perspectief {
namespace {

TEST(RequestLogLine, OneJsonObjectWithTheRouteTemplate) {
  const api::RequestLog r{"req-1", "POST", "/v1/cases/{caseId}/events", "intake", 201, 0.0125};
  const Micros now = 1'700'000'000 * kMicrosPerSecond;
  EXPECT_EQ(request_log_line(r, now),
            R"({"time":")" + format_rfc3339(now) +
                R"(","requestId":"req-1","method":"POST","route":"/v1/cases/{caseId}/events",)"
                R"("status":201,"durationMs":12.500,"role":"intake"})");
}

TEST(RequestLogLine, EscapesStrings) {
  const api::RequestLog r{"a\"b", "GET", "unmatched", "-", 404, 0};
  EXPECT_EQ(request_log_line(r, 0), R"({"time":")" + format_rfc3339(0) +
                                        R"(","requestId":"a\"b","method":"GET",)"
                                        R"("route":"unmatched","status":404,"durationMs":0.000,)"
                                        R"("role":"-"})");
}

}  // namespace
}  // namespace perspectief
