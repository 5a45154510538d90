#include "domain/time.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

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

namespace perspectief {
namespace {

// Times and dates are accepted only in the years 1900..9999 (of the UTC form, for a time),
// so that every one is written back as it must be read: year 0 once came back as
// "-001-12-31T23:30:00Z", and 9999-12-31T23:00:00-02:00 as "10000-01-01T01:00:00Z".
TEST(TimeRange, OnlyYears1900To9999) {
  EXPECT_FALSE(parse_rfc3339("0000-01-01T00:30:00+01:00").has_value());
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:00:00-02:00").has_value());
  EXPECT_FALSE(parse_rfc3339("1899-12-31T23:59:59Z").has_value());
  EXPECT_FALSE(parse_rfc3339("1900-01-01T00:30:00+01:00").has_value());
  EXPECT_FALSE(parse_rfc3339("1000-01-01T00:00:00Z").has_value());
  const auto first = parse_rfc3339("1900-01-01T00:00:00Z");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(format_rfc3339(*first), "1900-01-01T00:00:00Z");
  const auto last = parse_rfc3339("9999-12-31T23:59:59.999999Z");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(format_rfc3339(*last), "9999-12-31T23:59:59.999999Z");
  const auto east = parse_rfc3339("1900-01-01T00:30:00-01:00");
  ASSERT_TRUE(east.has_value());
  EXPECT_EQ(format_rfc3339(*east), "1900-01-01T01:30:00Z");
  // The UTC form counts: a local time on the last day of 1899 can lie in 1900.
  const auto west = parse_rfc3339("1899-12-31T23:30:00-01:00");
  ASSERT_TRUE(west.has_value());
  EXPECT_EQ(format_rfc3339(*west), "1900-01-01T00:30:00Z");
  EXPECT_FALSE(parse_date("1899-12-31").has_value());
  EXPECT_FALSE(parse_date("0000-01-01").has_value());
  EXPECT_EQ(format_date(*parse_date("1900-01-01")), "1900-01-01");
  EXPECT_EQ(format_date(*parse_date("9999-12-31")), "9999-12-31");
  EXPECT_FALSE(is_year_month("1899-12"));
  EXPECT_FALSE(is_year_month("0000-01"));
  EXPECT_TRUE(is_year_month("9999-12"));
}

// What is already stored is read whatever its year: a log written before the range was
// checked folds and replays as it did.
TEST(TimeRange, StoredDatesAndTimesAreReadInAnyYear) {
  EXPECT_EQ(parse_stored_date("1800-02-29"), std::nullopt);  // not a calendar day
  ASSERT_TRUE(parse_stored_date("1800-03-01").has_value());
  EXPECT_EQ(format_date(*parse_stored_date("1800-03-01")), "1800-03-01");
  EXPECT_EQ(parse_stored_date("0001-01-01"), days_from_civil({1, 1, 1}));
  const auto old = parse_stored_rfc3339("1850-06-01T12:00:00+02:00");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(format_rfc3339(*old), "1850-06-01T10:00:00Z");
  EXPECT_FALSE(parse_stored_rfc3339("1850-06-01T12:00:00").has_value());
}

TEST(TimeRange, BoundsAreTheCalendarsYears) {
  EXPECT_EQ(days_from_civil({1900, 1, 1}), -25'567);
  EXPECT_EQ(days_from_civil({10000, 1, 1}), 2'932'897);
}

// The digit writer against printf's forms, the fields taken apart by std::chrono's calendar
// (not by the code under test), over instants from 1900 to 9999 with and without fractions,
// and beyond: years below 0 or above 9999 keep printf's forms (a sign, more digits).
std::string printf_form(Micros t) {
  using namespace std::chrono;
  const sys_time<microseconds> instant{microseconds{t}};
  const auto day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> time{instant - day};
  const auto frac = static_cast<int>(time.subseconds().count());
  std::array<char, 64> buf{};
  int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                        static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  if (frac != 0 && frac % 1000 == 0) n += std::snprintf(buf.data() + n, 16, ".%03d", frac / 1000);
  if (frac != 0 && frac % 1000 != 0) n += std::snprintf(buf.data() + n, 16, ".%06d", frac);
  std::snprintf(buf.data() + n, 4, "Z");
  return buf.data();
}

TEST(Time, FormatsAsPrintfWould) {
  std::mt19937_64 random(21);
  std::uniform_int_distribution<Micros> instant(-25'567 * kMicrosPerDay,
                                                2'932'897 * kMicrosPerDay - 1);
  for (int i = 0; i < 200'000; ++i) {
    Micros t = instant(random);
    if (i % 3 == 1) t -= t % kMicrosPerSecond;  // whole seconds
    if (i % 3 == 2) t -= t % 1000;              // milliseconds
    ASSERT_EQ(format_rfc3339(t), printf_form(t)) << t;
    ASSERT_EQ(format_date(day_of(t)), printf_form(t).substr(0, 10)) << t;
  }
  for (const Micros t :
       {Micros{0}, Micros{-1}, -719'528 * kMicrosPerDay, -719'529 * kMicrosPerDay + 1,
        2'932'897 * kMicrosPerDay, INT64_C(9'000'000) * kMicrosPerDay}) {
    EXPECT_EQ(format_rfc3339(t), printf_form(t)) << t;
  }
  EXPECT_EQ(format_rfc3339(-719'529 * kMicrosPerDay), "-001-12-31T00:00:00Z");
  EXPECT_EQ(format_rfc3339(2'932'897 * kMicrosPerDay + 1000), "10000-01-01T00:00:00.001Z");
  EXPECT_EQ(format_date(-719'528), "0000-01-01");
}

}  // namespace
}  // namespace perspectief
