#include "domain/time.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace perspectief {
namespace {

// 1900-01-01T00:00:00Z and the last microsecond of 9999-12-31 (days from 1970-01-01: -25567
// and 2932897; TimeRange.BoundsAreTheCalendarsYears checks them against days_from_civil).
constexpr Micros kMinInstant = -25'567 * kMicrosPerDay;
constexpr Micros kMaxInstant = 2'932'897 * kMicrosPerDay - 1;

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int y, unsigned m) {
  constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at pos; advances pos.
bool read_digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// `in_range`: the year must lie in kMinYear..kMaxYear (a date; a time checks its UTC instant).
std::optional<Days> parse_date_at(std::string_view s, std::size_t& pos, bool in_range) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, m) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  if ((in_range && (y < kMinYear || y > kMaxYear)) || m < 1 || m > 12 || d < 1 ||
      static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m))) {
    return std::nullopt;
  }
  return days_from_civil({y, static_cast<unsigned>(m), static_cast<unsigned>(d)});
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
Days days_from_civil(CivilDate d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = d.month > 2 ? d.month - 3 : d.month + 9;
  const unsigned doy = (153 * mp + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<Days>(era) * 146097 + static_cast<Days>(doe) - 719468;
}

CivilDate civil_from_days(Days z) {
  z += 719468;
  const Days era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const auto y = static_cast<Days>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

Days add_months(Days d, int months) {
  const CivilDate c = civil_from_days(d);
  const int total = c.year * 12 + static_cast<int>(c.month) - 1 + months;
  const int year = total >= 0 ? total / 12 : (total - 11) / 12;
  const auto month = static_cast<unsigned>(total - year * 12 + 1);
  const unsigned day = std::min(c.day, days_in_month(year, month));
  return days_from_civil({year, month, day});
}

std::optional<Days> parse_date(std::string_view text) {
  std::size_t pos = 0;
  auto d = parse_date_at(text, pos, true);
  if (!d || pos != text.size()) return std::nullopt;
  return d;
}

bool is_year_month(std::string_view s) {
  std::size_t pos = 0;
  int y = 0;
  int m = 0;
  return read_digits(s, pos, 4, y) && expect(s, pos, '-') && read_digits(s, pos, 2, m) &&
         pos == s.size() && y >= kMinYear && y <= kMaxYear && m >= 1 && m <= 12;
}

namespace {

std::optional<Micros> parse_rfc3339_in(std::string_view s, bool in_range) {
  std::size_t pos = 0;
  auto day = parse_date_at(s, pos, false);
  if (!day) return std::nullopt;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
  ++pos;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!read_digits(s, pos, 2, hh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mm) ||
      !expect(s, pos, ':') || !read_digits(s, pos, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  Micros frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac = frac * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (int i = digits; i < 6; ++i) frac *= 10;
  }
  Micros offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0;
    int om = 0;
    if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = sign * (static_cast<Micros>(oh) * 3600 + om * 60) * kMicrosPerSecond;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const Micros secs = static_cast<Micros>(hh) * 3600 + mm * 60 + ss;
  const Micros t = *day * kMicrosPerDay + secs * kMicrosPerSecond + frac - offset;
  // The offset can carry a time on the first or last day of the range out of it.
  if (in_range && (t < kMinInstant || t > kMaxInstant)) return std::nullopt;
  return t;
}

}  // namespace

std::optional<Micros> parse_rfc3339(std::string_view s) {
  return parse_rfc3339_in(s, true);
}

std::optional<Micros> parse_stored_rfc3339(std::string_view s) {
  return parse_rfc3339_in(s, false);
}

std::optional<Days> parse_stored_date(std::string_view text) {
  std::size_t pos = 0;
  auto d = parse_date_at(text, pos, false);
  if (!d || pos != text.size()) return std::nullopt;
  return d;
}

std::string format_date(Days d) {
  const CivilDate c = civil_from_days(d);
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf.data();
}

std::string format_rfc3339(Micros t) {
  const Days d = day_of(t);
  const Micros in_day = t - d * kMicrosPerDay;
  const auto secs = in_day / kMicrosPerSecond;
  const auto frac = in_day % kMicrosPerSecond;
  std::array<char, 48> buf{};
  const CivilDate c = civil_from_days(d);
  int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d", c.year, c.month,
                        c.day, static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                        static_cast<int>(secs % 60));
  if (frac != 0) {
    if (frac % 1000 == 0) {
      n += std::snprintf(buf.data() + n, buf.size() - static_cast<std::size_t>(n), ".%03d",
                         static_cast<int>(frac / 1000));
    } else {
      n += std::snprintf(buf.data() + n, buf.size() - static_cast<std::size_t>(n), ".%06d",
                         static_cast<int>(frac));
    }
  }
  std::snprintf(buf.data() + n, buf.size() - static_cast<std::size_t>(n), "Z");
  return buf.data();
}

}  // namespace perspectief
