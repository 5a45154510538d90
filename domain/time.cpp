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

// Writes v as exactly `width` decimal digits (v < 10^width); returns the end.
char* put_digits(char* p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

bool has_four_digit_year(const CivilDate& c) {
  return c.year >= 0 && c.year <= 9999;
}

// The forms of printf's %04d for a year outside 0-9999 (a sign, or more digits), for instants
// outside the range the API accepts.
std::string format_date_slowly(const CivilDate& c) {
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf.data();
}

std::string format_rfc3339_slowly(const CivilDate& c, unsigned secs, unsigned frac) {
  std::string out = format_date_slowly(c);
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "T%02u:%02u:%02u", secs / 3600, secs / 60 % 60, secs % 60);
  out += buf.data();
  if (frac != 0) {
    if (frac % 1000 == 0) {
      std::snprintf(buf.data(), buf.size(), ".%03u", frac / 1000);
    } else {
      std::snprintf(buf.data(), buf.size(), ".%06u", frac);
    }
    out += buf.data();
  }
  return out + "Z";
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
    offset =
        sign * (static_cast<Micros>(oh) * 3600 + static_cast<Micros>(om) * 60) * kMicrosPerSecond;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const Micros secs = static_cast<Micros>(hh) * 3600 + static_cast<Micros>(mm) * 60 + ss;
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
  if (!has_four_digit_year(c)) return format_date_slowly(c);
  std::string out(10, '-');
  put_digits(out.data(), static_cast<unsigned>(c.year), 4);
  put_digits(out.data() + 5, c.month, 2);
  put_digits(out.data() + 8, c.day, 2);
  return out;
}

std::string format_rfc3339(Micros t) {
  const Days d = day_of(t);
  const Micros in_day = t - d * kMicrosPerDay;
  const auto secs = static_cast<unsigned>(in_day / kMicrosPerSecond);
  const auto frac = static_cast<unsigned>(in_day % kMicrosPerSecond);
  const CivilDate c = civil_from_days(d);
  if (!has_four_digit_year(c)) return format_rfc3339_slowly(c, secs, frac);
  // yyyy-mm-ddThh:mm:ss, then .mmm or .uuuuuu when there is a fraction, then Z.
  std::array<char, 28> buf{};
  char* p = put_digits(buf.data(), static_cast<unsigned>(c.year), 4);
  *p++ = '-';
  p = put_digits(p, c.month, 2);
  *p++ = '-';
  p = put_digits(p, c.day, 2);
  *p++ = 'T';
  p = put_digits(p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, secs % 60, 2);
  if (frac != 0) {
    *p++ = '.';
    p = frac % 1000 == 0 ? put_digits(p, frac / 1000, 3) : put_digits(p, frac, 6);
  }
  *p++ = 'Z';
  return {buf.data(), p};
}

}  // namespace perspectief
