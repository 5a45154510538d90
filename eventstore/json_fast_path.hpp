#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "domain/flat_fields.hpp"

namespace perspectief::fast_json {

// The pieces of JSON a rebuild meets in every stored record, read without a general parser:
// each reader takes only the plain form encode_json_record writes (format 1 records) and the
// canonical JSON of `data` (both formats), and answers false on anything else; the caller
// then hands the record, or its `data`, to Boost.JSON, which decides. So a fast
// read never differs from the general parse (tests/eventstore/json_fast_path_test.cpp,
// tests/fuzz/record_fuzzer.cpp). Strings are taken when they are well-formed UTF-8
// (eventstore/utf8.hpp), as Boost.JSON requires; other text is left to it, which refuses it.
// Character checks look at eight bytes at a time: GCC 12 does not vectorise them at -O2.

// 64 lowercase hex digits at p.
[[nodiscard]] bool is_hex64(const char* p);

// Reads from the front of `in` and advances it past what was read.
struct Cursor {
  std::string_view in;

  // `s` is a string literal: its length is known here, so the compare is inlined.
  template <std::size_t N>
  // NOLINTNEXTLINE(modernize-avoid-c-arrays): the type of a string literal, its length in N
  [[nodiscard]] bool literal(const char (&s)[N]) {
    constexpr std::size_t kLength = N - 1;
    if (in.size() < kLength || std::memcmp(in.data(), s, kLength) != 0) return false;
    in.remove_prefix(kLength);
    return true;
  }
  // An integer of at most 18 digits (never overflows), no leading zero, no fraction or
  // exponent after it; "-0" is left to the general parse. On false, `out` and `in` are as
  // they were.
  [[nodiscard]] bool integer(std::int64_t& out);
  [[nodiscard]] bool integer(std::uint64_t& out);
  [[nodiscard]] bool integer(int& out);
  // A string of well-formed UTF-8 without escapes or control characters, as a view into `in`.
  [[nodiscard]] bool text(std::string_view& out);
  [[nodiscard]] bool text(std::string& out);
};

// `text` as one flat object: members whose values are UTF-8 strings without escapes,
// integers, true, false or null, without whitespace or repeated keys. Replaces `out`'s
// members (its table is reused). False on anything else, with `out` unspecified.
[[nodiscard]] bool flat_object(std::string_view text, boost::json::object& out);
// The same members as views into `text` (`out` replaced, its capacity kept), without a JSON
// object: true exactly when flat_object is, and then `out` holds what `out` of flat_object
// would, in the same order.
[[nodiscard]] bool flat_members(std::string_view text, std::vector<FlatField>& out);

}  // namespace perspectief::fast_json
