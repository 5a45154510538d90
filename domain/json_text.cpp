#include "domain/json_text.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace perspectief {
namespace {

constexpr std::size_t kMaxFixedDouble = 400;

// The escape of each byte below 0x80, as Boost.JSON's serializer writes it: 0 for none, 'u'
// for \u00XX, otherwise the letter after the backslash. Bytes from 0x80 on (UTF-8) pass.
constexpr std::array<char, 128> kEscape = [] {
  std::array<char, 128> t{};
  for (std::size_t c = 0; c < 0x20; ++c) t[c] = 'u';
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

// Whether any of the eight bytes at p needs an escape: a control byte (below 0x20), '"' or
// '\\' (the bit tricks of "Bit Twiddling Hacks", "Determine if a word has a byte less than
// n"; a byte from 0x80 on never matches). Text is mostly plain: this skips it eight bytes at
// a time, and a word with a match is then looked at byte by byte.
bool word_needs_escape(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101U;
  constexpr std::uint64_t kHighs = 0x8080808080808080U;
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const std::uint64_t below_space = (w - kOnes * 0x20U) & ~w & kHighs;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

bool has_double(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (has_double(kv.value())) return true;
      }
      return false;
    case boost::json::kind::array:
      for (const auto& item : v.get_array()) {
        if (has_double(item)) return true;
      }
      return false;
    default:
      return false;
  }
}

void write(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, kv.key());
        out += ':';
        write(kv.value(), out);
      }
      out += '}';
      break;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(item, out);
      }
      out += ']';
      break;
    }
    case boost::json::kind::double_: {
      const double d = v.get_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      // The shortest fixed form of any finite double fits: at most 309 integer digits, or
      // "0." and 323 zeros before at most 17 significant digits, and a sign.
      std::array<char, kMaxFixedDouble> buf{};
      auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::fixed);
      if (r.ec != std::errc{}) {
        r = std::to_chars(buf.data(), buf.data() + buf.size(), d);  // cannot happen; never junk
      }
      out.append(buf.data(), r.ptr);
      break;
    }
    case boost::json::kind::string:
      append_json_string(out, v.get_string());
      break;
    default:  // integers, booleans, null
      out += boost::json::serialize(v);
  }
}

}  // namespace

std::string json_text(const boost::json::value& v) {
  // Boost.JSON's serializer is the faster writer (json_text_bench): it writes whatever holds
  // no double. Doubles need the fixed form, and so the writer above.
  if (!has_double(v)) return boost::json::serialize(v);
  std::string out;
  write(v, out);
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + sizeof(std::uint64_t) <= s.size() && !word_needs_escape(s.data() + i)) {
      i += sizeof(std::uint64_t);
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i++]);
    if (c >= kEscape.size() || kEscape[c] == 0) continue;
    out.append(s.data() + plain, i - 1 - plain);
    plain = i;
    out += '\\';
    if (kEscape[c] != 'u') {
      out += kEscape[c];
      continue;
    }
    out += "u00";
    out += kHex[c >> 4U];
    out += kHex[c & 15U];
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

}  // namespace perspectief
