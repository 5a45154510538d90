#include "domain/time.hpp"

#include <gtest/gtest.h>

namespace perspectief {
namespace {

TEST(Time, ParsesUtcAndOffsets) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2021-03-01T10:00:00Z"), 1614592800LL * kMicrosPerSecond);
  EXPECT_EQ(parse_rfc3339("2021-03-01T11:00:00+01:00"), 1614592800LL * kMicrosPerSecond);
  EXPECT_EQ(parse_rfc3339("2021-03-01T10:00:00.123Z"), 1614592800LL * kMicrosPerSecond + 123000);
  EXPECT_EQ(parse_rfc3339("2021-03-01T10:00:00.1234567Z"),
            1614592800LL * kMicrosPerSecond + 123456);
}

TEST(Time, RejectsMalformed) {
  for (const char* bad :
       {"", "2021-03-01", "2021-03-01T10:00Z", "2021-02-30T10:00:00Z", "2021-13-01T10:00:00Z",
        "2021-03-01T24:00:00Z", "2021-03-01T10:00:00", "2021-03-01T10:00:00.Z",
        "2021-03-01T10:00:00Zjunk", "x021-03-01T10:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(Time, FormatsWithTheFractionItHas) {
  EXPECT_EQ(format_rfc3339(1614592800LL * kMicrosPerSecond), "2021-03-01T10:00:00Z");
  EXPECT_EQ(format_rfc3339(1614592800LL * kMicrosPerSecond + 123000), "2021-03-01T10:00:00.123Z");
  EXPECT_EQ(format_rfc3339(1614592800LL * kMicrosPerSecond + 5), "2021-03-01T10:00:00.000005Z");
}

TEST(Time, DatesRoundTripAndLeapDays) {
  EXPECT_EQ(parse_date("2024-02-29"), days_from_civil({2024, 2, 29}));
  EXPECT_FALSE(parse_date("2023-02-29").has_value());
  EXPECT_EQ(format_date(*parse_date("2000-02-29")), "2000-02-29");
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(day_of(-1), -1);
  EXPECT_TRUE(is_year_month("2021-12"));
  EXPECT_FALSE(is_year_month("2021-13"));
  EXPECT_FALSE(is_year_month("2021-1"));
}

}  // namespace
}  // namespace perspectief
