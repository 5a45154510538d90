#include "eventstore/json_fast_path.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <random>
#include <string>

namespace perspectief::fast_json {
namespace {

// The oracle: Boost.JSON reads the string, and it has no escape (the fast reader takes none).
bool naive_plain(std::string_view s) {
  if (s.find('\\') != std::string_view::npos) return false;
  boost::system::error_code ec;
  (void)boost::json::parse("\"" + std::string{s} + "\"", ec);
  return !ec;
}

bool naive_hex64(std::string_view s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Every byte value at every position of string bodies of 1-20 bytes (whole words and
// tails): taken when Boost.JSON reads it, without escapes, up to the first quote, and then
// exactly up to that quote.
TEST(JsonFastPath, TextAgreesWithACharacterByCharacterCheck) {
  for (std::size_t length = 1; length <= 20; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string body(length, 'x');
        body[at] = static_cast<char>(byte);
        const std::string input = "\"" + body + "\",\"next\"";
        const std::string expected = body.substr(0, body.find('"'));
        Cursor c{input};
        std::string_view got;
        const bool taken = c.text(got);
        ASSERT_EQ(taken, naive_plain(expected)) << length << " " << at << " " << byte;
        if (taken) {
          ASSERT_EQ(got, expected);
          ASSERT_EQ(c.in, input.substr(expected.size() + 2));
        } else {
          ASSERT_EQ(c.in, input);  // nothing consumed
        }
      }
    }
  }
  Cursor unterminated{"\"abcdefghijklmnop"};
  std::string_view v;
  EXPECT_FALSE(unterminated.text(v));
}

// UTF-8 sequences, well-formed and not (overlong, surrogates, beyond U+10FFFF, cut short, a
// stray continuation byte), at every position of bodies of 0-17 bytes: taken exactly when
// Boost.JSON reads the string.
TEST(JsonFastPath, TextTakesWellFormedUtf8AsBoostJsonDoes) {
  const char* const sequences[] = {"\xc3\xa9",
                                   "\xe2\x82\xac",
                                   "\xf0\x9d\x84\x9e",
                                   "\xf4\x8f\xbf\xbf",
                                   "\xed\x9f\xbf",
                                   "\xee\x80\x80",
                                   "\xc0\x80",
                                   "\xc1\xbf",
                                   "\xe0\x80\x80",
                                   "\xe0\x9f\xbf",
                                   "\xed\xa0\x80",
                                   "\xed\xbf\xbf",
                                   "\xf0\x80\x80\x80",
                                   "\xf4\x90\x80\x80",
                                   "\xf5\x80\x80\x80",
                                   "\xff",
                                   "\xc3",
                                   "\xe2\x82",
                                   "\xa9",
                                   "\xc3\x28",
                                   "\xe2\x28\xa1"};
  int taken = 0;
  for (const char* sequence : sequences) {
    for (std::size_t length = 0; length <= 17; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        std::string body(length, 'x');
        body.insert(at, sequence);
        const std::string input = "\"" + body + "\",1";
        Cursor c{input};
        std::string_view got;
        const bool expected = naive_plain(body);
        ASSERT_EQ(c.text(got), expected) << sequence << " " << length << " " << at;
        if (expected) {
          ++taken;
          EXPECT_EQ(got, body);
          EXPECT_EQ(c.in, ",1");
        }
      }
    }
  }
  EXPECT_EQ(taken, 6 * 171);  // the six well-formed sequences, in every place
}

// Every one- and two-byte string, and three- and four-byte ones around every lead byte's
// limits: the reader takes a string exactly when Boost.JSON reads it.
TEST(JsonFastPath, TextAgreesWithBoostJsonOnEveryShortByteString) {
  std::vector<std::string> bodies;
  for (int a = 0; a < 256; ++a) {
    bodies.emplace_back(1, static_cast<char>(a));
    for (int b = 0; b < 256; ++b) {
      bodies.push_back({static_cast<char>(a), static_cast<char>(b)});
      if (a < 0xE0) continue;
      for (const int c : {0x7F, 0x80, 0xBF, 0xC0}) {
        bodies.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        if (a >= 0xF0) {
          bodies.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                            static_cast<char>(0x80)});
        }
      }
    }
  }
  int taken = 0;
  for (const auto& body : bodies) {
    if (body.find('"') != std::string::npos) continue;  // the quote ends it: the test above
    const std::string input = "\"" + body + "\"";
    Cursor c{input};
    std::string_view got;
    const bool expected = naive_plain(body);
    ASSERT_EQ(c.text(got), expected) << ::testing::PrintToString(body);
    taken += expected ? 1 : 0;
  }
  EXPECT_GT(taken, 95 * 95);  // not vacuous: the printable pairs at least
}

TEST(JsonFastPath, Hex64AgreesWithACharacterByCharacterCheck) {
  const std::string base = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(is_hex64(base.data()));
  for (std::size_t at = 0; at < 64; ++at) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string s = base;
      s[at] = static_cast<char>(byte);
      ASSERT_EQ(is_hex64(s.data()), naive_hex64(s)) << at << " " << byte;
    }
  }
}

// What the fast reader takes it reads as std::from_chars does; what it leaves (19 digits and
// more, leading zeros, "-0", fractions and exponents) is refused.
TEST(JsonFastPath, IntegersAsFromCharsUpToEighteenDigits) {
  std::mt19937_64 random(7);
  for (int digits = 1; digits <= 20; ++digits) {
    for (int round = 0; round < 200; ++round) {
      std::string text(static_cast<std::size_t>(digits), '0');
      for (auto& c : text) c = static_cast<char>('0' + random() % 10);
      if (digits > 1 && text[0] == '0') text[0] = '1' + static_cast<char>(random() % 9);
      for (const std::string& number : {text, "-" + text}) {
        const std::string input = number + (round % 2 == 0 ? "," : "");
        std::int64_t expected = 0;
        const auto [end, ec] = std::from_chars(input.data(), input.data() + input.size(), expected);
        Cursor c{input};
        std::int64_t got = 0;
        const bool read = c.integer(got);
        if (number == "-0") {
          EXPECT_FALSE(read);  // left to the general parse
        } else if (digits <= 18) {
          ASSERT_EQ(ec, std::errc{}) << input;
          ASSERT_TRUE(read) << input;
          EXPECT_EQ(got, expected) << input;
          EXPECT_EQ(c.in, std::string_view(end, input.data() + input.size() - end));
        } else {
          EXPECT_FALSE(read) << input;
          EXPECT_EQ(c.in, input);  // nothing consumed
        }
      }
    }
  }
  for (const char* refused : {"01", "-0", "-01", "1.5", "2e3", "7E1", "-", "", "x", "-x"}) {
    Cursor c{refused};
    std::int64_t v = 0;
    EXPECT_FALSE(c.integer(v)) << refused;
  }
  // Exactly eight digits, then eight bytes that are not: the run ends at a word's edge.
  Cursor edge{R"(12345678,"abcdefgh")"};
  std::int64_t eight = 0;
  ASSERT_TRUE(edge.integer(eight));
  EXPECT_EQ(eight, 12345678);
  EXPECT_EQ(edge.in, R"(,"abcdefgh")");
  Cursor zero{"0}"};
  std::uint64_t u = 1;
  ASSERT_TRUE(zero.integer(u));
  EXPECT_EQ(u, 0u);
  EXPECT_EQ(zero.in, "}");
  Cursor negative{"-5"};
  EXPECT_FALSE(negative.integer(u));  // unsigned
  Cursor big{"3000000000"};
  int small = 0;
  EXPECT_FALSE(big.integer(small));  // beyond int
}

TEST(JsonFastPath, FlatObjectsReadAsBoostJsonDoes) {
  for (const char* text : {R"({})", R"({"a":1})", R"({"amountCents":24000,"period":"2021-02"})",
                           R"({"eligible":true,"x":false,"y":null,"n":-17})",
                           R"({"locationId":"loc-1","bedLabel":"B 12"})", R"({"":""})",
                           R"({"big":123456789012345678,"neg":-123456789012345678})",
                           "{\"activity\":\"Taalcaf\xc3\xa9\",\"hours\":2}",
                           "{\"\xc3\xa9\":\"\xe2\x82\xac \xf0\x9d\x84\x9e\"}"}) {
    boost::json::object fast;
    ASSERT_TRUE(flat_object(text, fast)) << text;
    EXPECT_EQ(boost::json::serialize(fast), boost::json::serialize(boost::json::parse(text)))
        << text;
  }
}

// flat_members reads what flat_object reads, member for member, as views into the text.
TEST(JsonFastPath, FlatMembersAreTheMembersOfTheFlatObject) {
  const std::string text =
      R"({"activity":"Taalcaf\u00e9","hours":2,"eligible":true,"declined":false,"x":null})";
  std::vector<FlatField> members{FlatField{}};  // reused: replaced
  EXPECT_FALSE(flat_members(text, members));    // an escape: the general parse
  const std::string plain =
      "{\"activity\":\"Taalcaf\xc3\xa9\",\"hours\":-2,\"eligible\":true,\"declined\":false,"
      "\"x\":null}";
  ASSERT_TRUE(flat_members(plain, members));
  ASSERT_EQ(members.size(), 5U);
  EXPECT_EQ(members[0].key, "activity");
  EXPECT_EQ(members[0].kind, FlatField::Kind::text);
  EXPECT_EQ(members[0].text, "Taalcaf\xc3\xa9");
  EXPECT_EQ(members[0].text.data(), plain.data() + 13);  // a view into the text
  EXPECT_EQ(members[1].kind, FlatField::Kind::integer);
  EXPECT_EQ(members[1].integer, -2);
  EXPECT_EQ(members[2].kind, FlatField::Kind::boolean);
  EXPECT_TRUE(members[2].flag);
  EXPECT_EQ(members[3].kind, FlatField::Kind::boolean);
  EXPECT_FALSE(members[3].flag);
  EXPECT_EQ(members[4].key, "x");
  EXPECT_EQ(members[4].kind, FlatField::Kind::null);
  EXPECT_FALSE(flat_members(R"({"a":1,"a":2})", members));  // a repeated key
  ASSERT_TRUE(flat_members("{}", members));
  EXPECT_TRUE(members.empty());
}

TEST(JsonFastPath, LeavesEverythingElseToTheGeneralParse) {
  for (const char* text : {R"({"a":{"b":1}})",              // nested
                           R"({"a":[1]})",                  // array
                           R"({"a":"x\ny"})",               // escape
                           R"({"a":"caf\u00e9"})",          // escape
                           "{\"a\":\"caf\xc3\"}",           // UTF-8 cut short
                           "{\"\xed\xa0\x80\":1}",          // a surrogate in a key
                           R"({"a":1.5})",                  // fraction
                           R"({"a":1e3})",                  // exponent
                           R"({"a":-0})",                   // negative zero
                           R"({"a":1234567890123456789})",  // 19 digits
                           R"({"a":1,"a":2})",              // repeated key
                           R"({ "a":1})",                   // whitespace
                           R"({"a":1} )",
                           R"({"a":1}x)",
                           R"({"a":1,})",
                           R"({"a"})",
                           R"({"a":})",
                           R"({"a":tru})",
                           R"({"a":01})",
                           R"([1])",
                           R"("x")",
                           R"({)",
                           ""}) {
    boost::json::object fast;
    EXPECT_FALSE(flat_object(text, fast)) << text;
  }
}

// A property: for random flat and not-so-flat objects, and for every one-character change of
// them, whatever the fast reader takes, Boost.JSON reads to the same object, members in the
// same order.
TEST(JsonFastPath, NeverDiffersFromBoostJsonOnRandomAndDamagedInput) {
  std::mt19937_64 random(11);
  const std::string alphabet = "az09-_ \"\\{}[],:.eE+\x01\x7f\xc3\xa9tfnul";
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  int taken = 0;
  for (int round = 0; round < 3000; ++round) {
    boost::json::object o;
    const std::size_t members = pick(5);
    for (std::size_t m = 0; m < members; ++m) {
      std::string key(pick(6), 'k');
      for (auto& c : key) c = alphabet[pick(alphabet.size())];
      switch (pick(6)) {
        case 0: {
          std::string v(pick(12), ' ');
          for (auto& c : v) c = alphabet[pick(alphabet.size())];
          o[key] = v;
          break;
        }
        case 1:
          o[key] = static_cast<std::int64_t>(random()) >> pick(64);
          break;
        case 2:
          o[key] = pick(2) == 0;
          break;
        case 3:
          o[key] = nullptr;
          break;
        case 4:
          o[key] = 0.5 * static_cast<double>(pick(100));
          break;
        default:
          o[key] = boost::json::array{1, "x"};
          break;
      }
    }
    const std::string text = boost::json::serialize(o);
    std::vector<std::string> inputs{text};
    for (int change = 0; change < 20 && !text.empty(); ++change) {
      std::string t = text;
      const std::size_t at = pick(t.size());
      switch (pick(3)) {
        case 0:
          t.erase(at, 1);
          break;
        case 1:
          t.insert(at, 1, alphabet[pick(alphabet.size())]);
          break;
        default:
          t[at] = alphabet[pick(alphabet.size())];
          break;
      }
      inputs.push_back(t);
    }
    for (const auto& input : inputs) {
      boost::json::object fast{{"stale", 1}};  // a reused object: its members are replaced
      std::vector<FlatField> members;
      const bool flat = flat_object(input, fast);
      ASSERT_EQ(flat_members(input, members), flat) << input;
      if (!flat) continue;
      ASSERT_EQ(members.size(), fast.size()) << input;
      for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& [key, value] = *(fast.begin() + static_cast<std::ptrdiff_t>(i));
        ASSERT_EQ(members[i].key, std::string_view(key)) << input;
        switch (members[i].kind) {
          case FlatField::Kind::text:
            ASSERT_EQ(members[i].text, std::string_view(value.as_string())) << input;
            break;
          case FlatField::Kind::integer:
            ASSERT_EQ(members[i].integer, value.as_int64()) << input;
            break;
          case FlatField::Kind::boolean:
            ASSERT_EQ(members[i].flag, value.as_bool()) << input;
            break;
          case FlatField::Kind::null:
            ASSERT_TRUE(value.is_null()) << input;
            break;
        }
      }
      ++taken;
      boost::system::error_code ec;
      const auto general = boost::json::parse(input, ec);
      ASSERT_FALSE(ec) << input;
      ASSERT_TRUE(general.is_object()) << input;
      ASSERT_EQ(boost::json::serialize(fast), boost::json::serialize(general)) << input;
    }
  }
  EXPECT_GT(taken, 1000);  // the property was exercised, not vacuously true
}

}  // namespace
}  // namespace perspectief::fast_json
