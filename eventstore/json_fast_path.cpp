#include "eventstore/json_fast_path.hpp"

#include <array>
#include <bit>
#include <limits>

#include "eventstore/utf8.hpp"

namespace perspectief::fast_json {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the eight-byte readers take the first character as the lowest byte");

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

std::uint64_t load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Nonzero when some byte of `w` is below `n` (n <= 128).
constexpr std::uint64_t any_below(std::uint64_t w, std::uint8_t n) {
  return (w - kOnes * n) & ~w & kHighs;
}

// Nonzero when some byte of `w` is a backslash or a control character.
constexpr std::uint64_t any_special(std::uint64_t w) {
  return any_below(w, 0x20) | any_below(w ^ (kOnes * '\\'), 1);
}

bool special(char c) {
  return c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

// Eight digit values (0-9, the first in the lowest byte) as a number (the SWAR conversion of
// fast_float and simdjson): pairs, then fours, then the eight.
std::uint64_t eight_digits(std::uint64_t w) {
  w = (w * 10) + (w >> 8);
  w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  return w;
}

// The lowest byte of `mask` (a result of the tests above) that has its high bit set. The
// tests borrow and carry only towards higher bytes, so the lowest hit is always exact.
unsigned first_hit(std::uint64_t mask) {
  return static_cast<unsigned>(__builtin_ctzll(mask)) / 8;
}

// How many of the eight bytes of `w` are ASCII digits before the first that is not, and
// their values in `values` (garbage above them).
unsigned digit_run(std::uint64_t w, std::uint64_t& values) {
  values = w - kOnes * '0';
  const std::uint64_t not_digit = ((values + kOnes * (0x80 - 10)) | values) & kHighs;
  return not_digit == 0 ? 8 : first_hit(not_digit);
}

constexpr std::array<std::uint64_t, 9> kPowers{1,      10,      100,      1000,     10000,
                                               100000, 1000000, 10000000, 100000000};

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// The magnitude of an integer at the front of `in` (after any sign): 1-18 digits, no
// leading zero, and nothing after it that would make it a longer number or not an integer.
bool magnitude(std::string_view& in, std::uint64_t& value) {
  if (in.empty() || !digit(in.front())) return false;
  if (in.front() == '0' && in.size() > 1 && digit(in[1])) return false;
  std::size_t i = 0;
  value = 0;
  // Eight bytes at a time: the run of digits in them, shifted to the top so the bytes
  // below are leading zeros.
  while (in.size() - i >= 8) {
    std::uint64_t values = 0;
    const unsigned run = digit_run(load8(in.data() + i), values);
    if (i + run > 18) return false;  // more than 18 digits: the general parse
    if (run > 0) {
      value = value * kPowers[run] + eight_digits(values << (8 * (8 - run)));
    }
    i += run;
    if (run < 8) break;
  }
  for (; i < in.size() && digit(in[i]); ++i) {
    if (i == 18) return false;  // more than 18 digits: the general parse
    value = value * 10 + static_cast<std::uint64_t>(in[i] - '0');
  }
  if (i < in.size() && (in[i] == '.' || in[i] == 'e' || in[i] == 'E')) return false;
  in.remove_prefix(i);
  return true;
}

template <class T>
bool signed_integer(std::string_view& in, T& out) {
  const bool negative = !in.empty() && in.front() == '-';
  std::string_view rest = in.substr(negative ? 1 : 0);
  if (negative && rest.starts_with('0')) return false;  // "-0": the general parse
  std::uint64_t value = 0;
  if (!magnitude(rest, value)) return false;
  if (value > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
  out = negative ? -static_cast<T>(value) : static_cast<T>(value);
  in = rest;
  return true;
}

}  // namespace

bool is_hex64(const char* p) {
  std::uint64_t bad = 0;
  for (std::ptrdiff_t i = 0; i < 8; ++i) {
    const std::uint64_t w = load8(p + (8 * i));
    // For bytes below 128, the high bit of w + (128 - lo) is set where the byte is >= lo.
    const std::uint64_t digits = (w + kOnes * (0x80 - '0')) & ~(w + kOnes * (0x80 - '9' - 1));
    const std::uint64_t af = (w + kOnes * (0x80 - 'a')) & ~(w + kOnes * (0x80 - 'f' - 1));
    bad |= (w & kHighs) | (~(digits | af) & kHighs);
  }
  return bad == 0;
}

bool Cursor::integer(std::int64_t& out) {
  return signed_integer(in, out);
}
bool Cursor::integer(int& out) {
  return signed_integer(in, out);
}
bool Cursor::integer(std::uint64_t& out) {
  std::string_view rest = in;
  std::uint64_t value = 0;
  if (!magnitude(rest, value)) return false;
  out = value;
  in = rest;
  return true;
}

bool Cursor::text(std::string_view& out) {
  if (in.empty() || in.front() != '"') return false;
  const char* const begin = in.data() + 1;
  const char* const end = in.data() + in.size();
  // One pass for the closing quote and anything before it that is not plain ASCII. A byte of a
  // multi-byte UTF-8 sequence is never a quote, a backslash or a control character.
  const char* close = nullptr;
  const char* p = begin;
  std::uint64_t high = 0;
  for (; end - p >= 8; p += 8) {
    const std::uint64_t w = load8(p);
    const std::uint64_t hits = any_special(w) | any_below(w ^ (kOnes * '"'), 1);
    if (hits != 0) {
      high |= w & kHighs & ((std::uint64_t{1} << (8 * first_hit(hits))) - 1);
      p += first_hit(hits);
      break;
    }
    high |= w & kHighs;
  }
  for (; p != end; ++p) {
    if (*p == '"') {
      close = p;
      break;
    }
    if (special(*p)) return false;
    high |= static_cast<unsigned char>(*p) & 0x80U;
  }
  if (close == nullptr) return false;
  out = {begin, static_cast<std::size_t>(close - begin)};
  if (high != 0 && !valid_utf8(out)) return false;  // Boost.JSON decides (and refuses)
  in.remove_prefix(static_cast<std::size_t>(close + 1 - in.data()));
  return true;
}

bool Cursor::text(std::string& out) {
  std::string_view view;
  if (!text(view)) return false;
  out.assign(view);
  return true;
}

namespace {

// Reads `text` as one flat object (flat_object below), calling add(key, FlatField) for each
// member in order; add answers false for a repeated key. False on anything else.
template <class Add>
bool scan_flat(std::string_view text, Add&& add) {
  Cursor c{text};
  if (!c.literal("{")) return false;
  if (c.literal("}")) return c.in.empty();
  for (;;) {
    FlatField f;
    if (!c.text(f.key) || !c.literal(":") || c.in.empty()) return false;
    const char first = c.in.front();
    if (first == '"') {
      f.kind = FlatField::Kind::text;
      if (!c.text(f.text)) return false;
    } else if (first == '-' || digit(first)) {
      f.kind = FlatField::Kind::integer;
      if (!c.integer(f.integer)) return false;
    } else if (c.literal("true")) {
      f.kind = FlatField::Kind::boolean;
      f.flag = true;
    } else if (c.literal("false")) {
      f.kind = FlatField::Kind::boolean;
    } else if (!c.literal("null")) {
      return false;  // an object, an array, or not JSON
    }
    if (!add(f)) return false;  // a repeated key: the general parse decides
    if (c.literal("}")) return c.in.empty();
    if (!c.literal(",")) return false;
  }
}

}  // namespace

bool flat_object(std::string_view text, boost::json::object& out) {
  out.clear();
  return scan_flat(text, [&](const FlatField& f) {
    switch (f.kind) {
      case FlatField::Kind::text:
        return out.emplace(f.key, f.text).second;
      case FlatField::Kind::integer:
        return out.emplace(f.key, f.integer).second;
      case FlatField::Kind::boolean:
        return out.emplace(f.key, f.flag).second;
      case FlatField::Kind::null:
        return out.emplace(f.key, nullptr).second;
    }
    return false;
  });
}

bool flat_members(std::string_view text, std::vector<FlatField>& out) {
  out.clear();
  return scan_flat(text, [&](const FlatField& f) {
    for (const auto& seen : out) {
      if (seen.key == f.key) return false;
    }
    out.push_back(f);
    return true;
  });
}

}  // namespace perspectief::fast_json
