#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perspectief {

// Business and record times: microseconds since the Unix epoch, UTC.
using Micros = std::int64_t;

// Days since 1970-01-01 (UTC calendar date).
using Days = std::int64_t;

constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerDay = 86'400 * kMicrosPerSecond;

// The years a parsed date or time may lie in (its UTC form, for a time): every time the
// service reads is written back in the four-digit form RFC 3339 has.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

Days days_from_civil(CivilDate d);
CivilDate civil_from_days(Days days);

// RFC 3339 with a 'Z' or numeric offset, seconds required, fraction optional (up to micros);
// nullopt unless its UTC form lies in the years kMinYear..kMaxYear.
std::optional<Micros> parse_rfc3339(std::string_view text);

// "YYYY-MM-DD" with a valid calendar day, year kMinYear..kMaxYear.
std::optional<Days> parse_date(std::string_view text);

// As parse_rfc3339 and parse_date, any four-digit year: for what is already stored (a log
// written before the range was checked is read as it was), never for input.
std::optional<Micros> parse_stored_rfc3339(std::string_view text);
std::optional<Days> parse_stored_date(std::string_view text);

// "YYYY-MM" with month 01..12, year kMinYear..kMaxYear.
bool is_year_month(std::string_view text);

// UTC, 'Z'; milliseconds or microseconds only when the value has them.
std::string format_rfc3339(Micros t);
std::string format_date(Days d);

// Calendar-month arithmetic: the same day `months` later, clamped to the month's last day
// (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year).
Days add_months(Days d, int months);

inline Days day_of(Micros t) {
  return t >= 0 ? t / kMicrosPerDay : (t - kMicrosPerDay + 1) / kMicrosPerDay;
}

}  // namespace perspectief
