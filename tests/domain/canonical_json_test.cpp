#include "domain/canonical_json.hpp"
#include "domain/json_text.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <limits>

#include <string>
#include <vector>

namespace perspectief {
namespace {

TEST(CanonicalJson, SortsKeysAtEveryLevel) {
  const auto a = boost::json::parse(R"({"b":1,"a":{"y":[2,{"d":1,"c":2}],"x":null}})");
  const auto b = boost::json::parse(R"({"a":{"x":null,"y":[2,{"c":2,"d":1}]},"b":1})");
  EXPECT_EQ(canonical_json(a), R"({"a":{"x":null,"y":[2,{"c":2,"d":1}]},"b":1})");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
}

TEST(CanonicalJson, KeepsArrayOrderAndEscapes) {
  const auto a = boost::json::parse(R"({"k":["b","a"],"q":"\"\n"})");
  EXPECT_EQ(canonical_json(a), R"({"k":["b","a"],"q":"\"\n"})");
}

}  // namespace
}  // namespace perspectief

namespace perspectief {
namespace {

// json_text writes every finite double as valid JSON: 1e300 (309 digits) and a subnormal
// once came out as 64 NUL bytes. Within the catalogue's decimal domains (two decimals, at most
// 100000) it reads back as the same double; beyond them Boost.JSON 1.81 may round the
// longest forms (DBL_MAX reads back as inf), so only validity is asserted there.
TEST(JsonText, EveryFiniteDoubleIsValidJson) {
  for (const double d : {1e300, -1e300, 1e-320, 4.9406564584124654e-324, 1.7976931348623157e308,
                         -2.2250738585072014e-308, 123456.789}) {
    const std::string text = json_text(boost::json::value(d));
    boost::system::error_code ec;
    const auto back = boost::json::parse(text, ec);
    ASSERT_FALSE(ec) << text;
    EXPECT_TRUE(back.is_number()) << text;
    EXPECT_EQ(text.find('\0'), std::string::npos);
  }
  EXPECT_EQ(json_text(boost::json::value(1.25)), "1.25");
  EXPECT_EQ(json_text(boost::json::value(101.0)), "101");
  EXPECT_EQ(json_text(boost::json::value(1e300)).size(), 301U);
}

TEST(JsonText, TwoDecimalNumbersReadBackExactly) {
  for (long cents = 0; cents <= 10'000'000; cents += 7) {
    const std::string sent = std::to_string(cents / 100) + "." + std::to_string(cents % 100 / 10) +
                             std::to_string(cents % 10);
    const auto v = boost::json::parse(sent);
    const auto back = boost::json::parse(json_text(v));
    ASSERT_EQ(back.to_number<double>(), v.to_number<double>()) << sent;
  }
}

// Strings, integers, booleans and null come out byte for byte as Boost.JSON's serializer
// writes them (stored JSON records and replies written before json_text wrote them itself
// must not change). json_text hands a value without doubles to the serializer; beside a
// double it writes the whole value itself, and append_json_string always does: those are
// what is checked here, for every byte value alone and at every offset in text, two escapes
// in one eight-byte word, and the integer extremes.
TEST(JsonText, ScalarsAsBoostJsonWritesThem) {
  for (int c = 0; c < 256; ++c) {
    const std::string s{static_cast<char>(c)};
    std::vector<std::string> texts{s, "ab" + s + "cd" + s + s};
    // Every offset in and across the eight-byte words the writer skips plain text by.
    for (std::size_t at = 0; at < 17; ++at)
      texts.push_back(std::string(at, 'a') + s + "bcdefghijklmnop");
    texts.push_back("\n\n\"\\abcdefgh" + s + "\t\x01\x7f\x1f");
    texts.push_back("caf\u00e9 " + s + " \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9" + s);
    for (const std::string& text : texts) {
      const boost::json::value v(text);
      const boost::json::value with_double = {1.5, text};
      ASSERT_EQ(json_text(with_double), "[1.5," + boost::json::serialize(v) + "]") << "byte " << c;
      std::string out = "x";
      append_json_string(out, text);
      ASSERT_EQ(out, "x" + boost::json::serialize(v)) << "byte " << c;
    }
  }
  EXPECT_EQ(json_text(boost::json::value("tab\there \"q\" \u00e9")), R"("tab\there \"q\" )"
                                                                     "\u00e9"
                                                                     R"(")");
  const boost::json::value values = {std::numeric_limits<std::int64_t>::min(),
                                     std::numeric_limits<std::int64_t>::max(),
                                     std::numeric_limits<std::uint64_t>::max(),
                                     0,
                                     -1,
                                     true,
                                     false,
                                     nullptr,
                                     boost::json::object{{"k\n", {1, "v"}}}};
  boost::json::array mixed = values.get_array();
  mixed.emplace_back(0.25);
  EXPECT_EQ(
      json_text(mixed),
      R"([-9223372036854775808,9223372036854775807,18446744073709551615,0,-1,true,false,null,{"k\n":[1,"v"]},0.25])");
  EXPECT_EQ(
      json_text(values),
      R"([-9223372036854775808,9223372036854775807,18446744073709551615,0,-1,true,false,null,{"k\n":[1,"v"]}])");
}

}  // namespace
}  // namespace perspectief
