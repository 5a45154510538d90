// libFuzzer target, differential: the fast readers a rebuild uses on every stored record
// (eventstore/json_fast_path.hpp) against Boost.JSON. Whatever the fast path takes, Boost.JSON
// must read to the same value; a difference traps.
// Build: the `fuzz` preset (clang); run:
// build/fuzz/tests/fuzz/record_fuzzer tests/fuzz/record-corpus
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "eventstore/json_fast_path.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perspectief::fast_json;
  const std::string_view input{reinterpret_cast<const char*>(data), size};

  boost::json::object fast{{"stale", 1}};
  if (flat_object(input, fast)) {
    boost::system::error_code ec;
    const auto general = boost::json::parse(input, ec);
    if (ec || !general.is_object()) __builtin_trap();
    if (boost::json::serialize(fast) != boost::json::serialize(general)) __builtin_trap();
  }

  // What an integer reader takes is a JSON integer, and Boost.JSON reads the same number.
  const auto same_number = [&](const Cursor& c, auto n) {
    const std::string_view read = input.substr(0, input.size() - c.in.size());
    boost::system::error_code ec;
    const auto general = boost::json::parse(read, ec);
    if (ec || !general.is_int64() || general.as_int64() != static_cast<std::int64_t>(n)) {
      __builtin_trap();
    }
  };
  Cursor c{input};
  if (std::int64_t n = 0; c.integer(n)) same_number(c, n);
  Cursor u{input};
  if (std::uint64_t n = 0; u.integer(n)) same_number(u, n);
  Cursor i{input};
  if (int n = 0; i.integer(n)) same_number(i, n);

  Cursor t{input};
  std::string text;
  if (t.text(text)) {
    const std::string_view read = input.substr(0, input.size() - t.in.size());
    boost::system::error_code ec;
    const auto general = boost::json::parse(read, ec);
    if (ec || !general.is_string() || general.as_string() != text) __builtin_trap();
  }
  return 0;
}
