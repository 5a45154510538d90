#include "eventstore/binary_record.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <cstring>
#include <stdexcept>

#include "domain/canonical_json.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {
namespace {

Envelope sample() {
  Envelope e;
  e.position = 0x0102030405060708ULL;
  e.stream = "case-c000017";
  e.version = 2;
  e.event_id = "7d3f0000-0000-4000-8000-000000000002";
  e.type = "IntakeCompleted";
  e.schema_version = 1;
  e.occurred_at = 1614592800LL * kMicrosPerSecond;
  e.recorded_at = -5;
  e.actor = {"anna", "stichting-x", Role::intake};
  e.data = boost::json::parse(R"({"eligible":true})").as_object();
  e.sealed = std::string("\x00\x01sealed", 8);
  return e;
}

const std::string kPrev = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string encoded(const Envelope& e) {
  return encode_record(e, canonical_json(e.data), kPrev);
}

template <class T>
T at(const std::string& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// The stored layout is a contract with every store already written: it is pinned here byte
// for byte, as binary_record.hpp documents it.
TEST(BinaryRecord, LayoutIsAsDocumented) {
  const Envelope e = sample();
  const std::string bytes = encoded(e);
  const std::string data = R"({"eligible":true})";
  ASSERT_EQ(bytes.size(), 70U + 12 + 36 + 15 + 4 + 11 + data.size() + 8 + 32);
  EXPECT_EQ(bytes[0], '\x02');
  EXPECT_EQ(bytes[1], '\x08');  // little-endian
  EXPECT_EQ(at<std::uint64_t>(bytes, 1), e.position);
  EXPECT_EQ(at<std::uint64_t>(bytes, 9), 2U);
  EXPECT_EQ(at<std::int64_t>(bytes, 17), e.occurred_at);
  EXPECT_EQ(at<std::int64_t>(bytes, 25), -5);
  EXPECT_EQ(at<std::int32_t>(bytes, 33), 1);
  EXPECT_EQ(bytes[37], '\x01');  // intake
  const std::uint32_t sizes[] = {12, 36, 15, 4, 11, static_cast<std::uint32_t>(data.size()), 8, 32};
  for (std::size_t k = 0; k < 8; ++k) EXPECT_EQ(at<std::uint32_t>(bytes, 38 + 4 * k), sizes[k]);
  EXPECT_EQ(bytes.substr(70, 12 + 36 + 15 + 4 + 11),
            "case-c000017" + e.event_id + "IntakeCompletedannastichting-x");
  EXPECT_EQ(bytes.substr(148, data.size()), data);
  EXPECT_EQ(bytes.substr(148 + data.size(), 8), e.sealed);
  EXPECT_EQ(bytes.substr(bytes.size() - 32, 2), std::string("\x00\x11", 2));
  EXPECT_EQ(bytes.back(), '\xff');
}

TEST(BinaryRecord, RoleCodesAreFixed) {
  const std::pair<Role, int> codes[] = {{Role::intake, 1},        {Role::housing, 2},
                                        {Role::legal, 3},         {Role::return_support, 4},
                                        {Role::participation, 5}, {Role::regie, 6},
                                        {Role::researcher, 7},    {Role::ops, 8}};
  for (const auto& [role, code] : codes) {
    EXPECT_EQ(binary_record::role_code(role), code);
    Envelope e = sample();
    e.actor.role = role;
    auto r = decode_record(encoded(e));
    ASSERT_TRUE(r.ok()) << code;
    EXPECT_EQ(r->envelope.actor.role, role);
  }
}

TEST(BinaryRecord, DecodesThePreviousHashAsLowerCaseHex) {
  Envelope e = sample();
  std::string upper = kPrev;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto r = decode_record(encode_record(e, canonical_json(e.data), upper));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->prev_hash_hex, kPrev);
}

TEST(BinaryRecord, FromHexReadsWhatToHexWritesAndNothingElse) {
  const std::string bytes("\x00\x11\xab\xff", 4);
  const auto* raw = reinterpret_cast<const std::uint8_t*>(bytes.data());
  EXPECT_EQ(to_hex(raw, bytes.size()), "0011abff");
  EXPECT_EQ(from_hex("0011abff"), bytes);
  EXPECT_EQ(from_hex("0011ABFF"), bytes);
  EXPECT_EQ(from_hex(""), std::string());
  EXPECT_EQ(from_hex("001"), std::nullopt);
  EXPECT_EQ(from_hex("0g"), std::nullopt);
  EXPECT_EQ(from_hex("0 "), std::nullopt);
}

TEST(BinaryRecord, EncoderRefusesAHashThatIsNotSixtyFourHexDigits) {
  const Envelope e = sample();
  const std::string data = canonical_json(e.data);
  EXPECT_THROW((void)encode_record(e, data, std::string(63, '0')), std::invalid_argument);
  EXPECT_THROW((void)encode_record(e, data, std::string(65, '0')), std::invalid_argument);
  EXPECT_THROW((void)encode_record(e, data, std::string(64, 'g')), std::invalid_argument);
}

TEST(BinaryRecord, RefusesEveryTruncationAndTrailingBytes) {
  const std::string bytes = encoded(sample());
  ASSERT_TRUE(decode_record(bytes).ok());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_record(bytes.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(decode_record(bytes + '\0').ok());
  EXPECT_FALSE(decode_record(bytes + bytes).ok());
}

// Any change to a length makes the lengths disagree with the size; a role code outside 1-8
// and a hash that is not 32 bytes are refused.
TEST(BinaryRecord, RefusesDamagedLengthsAndRoles) {
  const std::string bytes = encoded(sample());
  for (std::size_t offset = 38; offset < 70; ++offset) {
    for (const int delta : {1, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[offset] = static_cast<char>(damaged[offset] ^ delta);
      EXPECT_FALSE(decode_record(damaged).ok()) << offset << " " << delta;
    }
  }
  for (const unsigned char code : {0, 9, 0x80, 0xff}) {
    std::string damaged = bytes;
    damaged[37] = static_cast<char>(code);
    EXPECT_FALSE(decode_record(damaged).ok()) << int{code};
  }
  // A 31-byte hash, with the lengths made to add up again (one more byte of pii).
  std::string short_hash = bytes;
  short_hash[38 + 4 * 6] = 9;
  short_hash[38 + 4 * 7] = 31;
  EXPECT_FALSE(decode_record(short_hash).ok());
}

// Envelope strings are JSON text to every reader: ill-formed UTF-8 is refused, as Boost.JSON
// refuses it in a format 1 record, and well-formed text of any script is kept.
TEST(BinaryRecord, EnvelopeStringsMustBeWellFormedUtf8) {
  const char* bad[] = {
      "\x80",              // a continuation byte alone
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong
      "\xed\xa0\x80",      // a surrogate (U+D800)
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xf5\x80\x80\x80",  // no such lead byte
      "\xc3",              // cut off at the end of the string
      "\xe2\x82",          // cut off
      "\xf0\x9f\x98",      // cut off
      "\xc3\x41",          // a lead byte before ASCII
      "\xe2\x82\x41",      // a bad third byte
      "\xf0\x9f\x98\x41",  // a bad fourth byte
      "\xf0\x8f\xbf\xbf",  // overlong in four bytes
      "\xc1\xbf",          // overlong
      "\xed\xbf\xbf",      // the last surrogate (U+DFFF)
  };
  for (const char* b : bad) {
    for (const std::size_t prefix : {0, 5, 6, 7, 8, 9}) {
      Envelope e = sample();
      e.actor.subject = std::string(prefix, 'a') + b;
      EXPECT_FALSE(decode_record(encoded(e)).ok()) << prefix << " " << b;
      Envelope f = sample();
      f.stream = std::string(prefix, 's') + b;
      EXPECT_FALSE(decode_record(encoded(f)).ok()) << prefix << " " << b;
    }
  }
  // A character cut between two strings is not one character: each string is checked alone.
  Envelope split = sample();
  split.actor.subject = "anna\xc3";
  split.actor.organisation = "\xbcstichting";
  EXPECT_FALSE(decode_record(encoded(split)).ok());

  const std::string good[] = {"ü",
                              "\xe2\x82\xac",
                              "\xf0\x9f\x98\x80",
                              "\xef\xbf\xbf",
                              "\xf4\x8f\xbf\xbf",
                              std::string("nul\0inside", 10)};
  for (const std::string& g : good) {
    for (const std::size_t prefix : {0, 5, 6, 7, 8, 16}) {
      Envelope e = sample();
      e.actor.subject = std::string(prefix, 'a') + g + "z";
      e.actor.organisation = g;
      auto r = decode_record(encoded(e));
      ASSERT_TRUE(r.ok()) << prefix << " " << g;
      EXPECT_EQ(r->envelope.actor.subject, e.actor.subject);
      EXPECT_EQ(r->envelope.actor.organisation, e.actor.organisation);
    }
  }
}

// Data that is not one JSON object leaves the record readable, its data empty and marked
// damaged (Envelope::data_damaged): readers go on with the rest of the log.
TEST(BinaryRecord, DataThatIsNotAJsonObjectIsMarkedDamaged) {
  Envelope e = sample();
  for (const char* data : {"[1]", "{\"a\":", "", "{} ", "1"}) {
    auto r = decode_record(encode_record(e, data, kPrev));
    ASSERT_TRUE(r.ok()) << data;
    EXPECT_TRUE(r->envelope.data.empty()) << data;
    // "{} " is what Boost.JSON reads as one object.
    EXPECT_EQ(r->envelope.data_damaged, std::string_view{data} != "{} ") << data;
    EXPECT_EQ(r->envelope.stream, e.stream);
    EXPECT_EQ(r->envelope.position, e.position);
  }
}

}  // namespace
}  // namespace perspectief
