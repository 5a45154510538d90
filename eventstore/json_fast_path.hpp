#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace perspectief::fast_json {

// The pieces of JSON a rebuild meets in every stored record, read without a general parser:
// each reader takes only the plain form encode_json_record writes (format 1 records) and the
// canonical JSON of `data` (both formats), and answers false on anything else; the caller
// then hands the record, or its `data`, to Boost.JSON, which decides. So a fast
// read never differs from the general parse (tests/eventstore/json_fast_path_test.cpp,
// tests/fuzz/record_fuzzer.cpp). Strings are taken only when they are ASCII: Boost.JSON
// validates UTF-8, and other text is left to it.
// Character checks look at eight bytes at a time: GCC 12 does not vectorise them at -O2.

// 64 lowercase hex digits at p.
[[nodiscard]] bool is_hex64(const char* p);

// Reads from the front of `in` and advances it past what was read.
struct Cursor {
  std::string_view in;

  // `s` is a string literal: its length is known here, so the compare is inlined.
  template <std::size_t N>
  [[nodiscard]] bool literal(const char (&s)[N]) {
    constexpr std::size_t n = N - 1;
    if (in.size() < n || std::memcmp(in.data(), s, n) != 0) return false;
    in.remove_prefix(n);
    return true;
  }
  // An integer of at most 18 digits (never overflows), no leading zero, no fraction or
  // exponent after it; "-0" is left to the general parse. On false, `out` and `in` are as
  // they were.
  [[nodiscard]] bool integer(std::int64_t& out);
  [[nodiscard]] bool integer(std::uint64_t& out);
  [[nodiscard]] bool integer(int& out);
  // An ASCII string without escapes or control characters, as a view into `in`.
  [[nodiscard]] bool text(std::string_view& out);
  [[nodiscard]] bool text(std::string& out);
};

// `text` as one flat object: members whose values are ASCII strings without escapes,
// integers, true, false or null, without whitespace or repeated keys. Replaces `out`'s
// members (its table is reused). False on anything else, with `out` unspecified.
[[nodiscard]] bool flat_object(std::string_view text, boost::json::object& out);

}  // namespace perspectief::fast_json
