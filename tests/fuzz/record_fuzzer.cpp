// libFuzzer target, differential: the fast readers a rebuild uses on every stored record
// (eventstore/json_fast_path.hpp) against Boost.JSON. Whatever the fast path takes, Boost.JSON
// must read to the same value; a difference traps.
// Build: the `fuzz` preset (clang); run: build/fuzz/tests/fuzz/record_fuzzer tests/fuzz/corpus
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

  Cursor c{input};
  std::int64_t n = 0;
  if (c.integer(n)) {
    // What was read is a JSON integer, and Boost.JSON reads the same number from it.
    const std::string_view read = input.substr(0, input.size() - c.in.size());
    boost::system::error_code ec;
    const auto general = boost::json::parse(read, ec);
    if (ec || !general.is_int64() || general.as_int64() != n) __builtin_trap();
  }

  Cursor t{input};
  std::string text;
  if (t.text(text)) {
    const std::string_view read = input.substr(0, input.size() - t.in.size());
    boost::system::error_code ec;
    const auto general = boost::json::parse(read, ec);
    // Boost.JSON also checks UTF-8, which this reader leaves to RocksDB's checksums and the
    // hash chain; where both read it, they agree.
    if (!ec && (!general.is_string() || general.as_string() != text)) __builtin_trap();
  }
  return 0;
}
