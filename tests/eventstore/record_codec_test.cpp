#include "eventstore/record_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "domain/canonical_json.hpp"

namespace perspectief {
namespace {

// What the store writes (format 2) and what versions before it wrote (format 1).
using Encoder = std::string (*)(const Envelope&, std::string_view, std::string_view);
constexpr Encoder kFormats[] = {encode_record, encode_json_record};

TEST(RecordCodec, RoundTripsEveryEnvelopeField) {
  for (const Encoder encode : kFormats) {
    Envelope e;
    e.position = 1017;
    e.stream = "case-42";
    e.version = 3;
    e.event_id = "7d3f0000-0000-4000-8000-000000000001";
    e.type = "BedAssigned";
    e.occurred_at = 1614592800LL * kMicrosPerSecond;
    e.recorded_at = e.occurred_at + 2123000;
    e.actor = {"jan \"j\"", "hvo-querido", Role::housing};
    e.schema_version = 3;
    e.data = boost::json::parse(R"({"locationId":"loc-1","bedLabel":"ü\n"})").as_object();
    e.sealed = std::string("\x00iv+ciphertext\xff", 16);
    const std::string bytes = encode(e, canonical_json(e.data), genesis_hash_hex());
    auto decoded = decode_record(bytes);
    ASSERT_TRUE(decoded.ok());
    const Envelope& d = decoded->envelope;
    EXPECT_EQ(d.position, e.position);
    EXPECT_EQ(d.stream, e.stream);
    EXPECT_EQ(d.version, e.version);
    EXPECT_EQ(d.event_id, e.event_id);
    EXPECT_EQ(d.type, e.type);
    EXPECT_EQ(d.schema_version, 3);
    EXPECT_EQ(d.occurred_at, e.occurred_at);
    EXPECT_EQ(d.recorded_at, e.recorded_at);
    EXPECT_EQ(d.actor.subject, e.actor.subject);
    EXPECT_EQ(d.actor.organisation, e.actor.organisation);
    EXPECT_EQ(d.actor.role, Role::housing);
    EXPECT_EQ(d.data, e.data);
    EXPECT_EQ(d.sealed, e.sealed);
    EXPECT_EQ(decoded->prev_hash_hex, std::string(64, '0'));

    const auto json = to_json(d);
    EXPECT_EQ(json.at("occurredAt").as_string(), "2021-03-01T10:00:00Z");
    EXPECT_EQ(json.at("recordedAt").as_string(), "2021-03-01T10:00:02.123Z");
    EXPECT_EQ(json.at("actor").at("role").as_string(), "housing");
  }
}

Envelope plain_envelope() {
  Envelope e;
  e.position = 88;
  e.stream = "case-c000017";
  e.version = 2;
  e.event_id = "7d3f0000-0000-4000-8000-000000000002";
  e.type = "IntakeCompleted";
  e.occurred_at = 1614592800LL * kMicrosPerSecond;
  e.recorded_at = e.occurred_at + 5;
  e.actor = {"anna", "stichting-x", Role::intake};
  e.data = boost::json::parse(R"({"eligible":true,"notes":{"a":[1,"}"]}})").as_object();
  return e;
}

// Format 2, format 1's fast path (no escapes in the envelope strings) and its general parse
// give the same envelope, with and without sealed personal fields, through one reused decoder.
TEST(RecordCodec, DecoderReadsRecordsInTurnWithAndWithoutSealedFields) {
  Envelope sealed = plain_envelope();
  sealed.sealed = std::string("\x00\x01\xff\"}sealed", 10);
  // Every field differs from `sealed`, so nothing of one record can be left in the other's.
  Envelope open;
  open.position = 89;
  open.stream = "location-loc-7";
  open.version = 11;
  open.event_id = "7d3f0000-0000-4000-8000-000000000099";
  open.type = "BedAssigned";
  open.schema_version = 2;
  open.occurred_at = sealed.occurred_at + 60;
  open.recorded_at = sealed.recorded_at + 61;
  open.actor = {"escaped \"name\"", "hvo-querido", Role::housing};  // takes the general parse
  open.data = boost::json::parse(R"({"bedLabel":"B-1"})").as_object();
  const std::string prev(64, 'a');
  RecordDecoder decoder;
  StoredRecord r;
  const std::pair<const Envelope*, Encoder> records[] = {{&sealed, encode_json_record},
                                                         {&open, encode_json_record},
                                                         {&sealed, encode_record},
                                                         {&open, encode_record},
                                                         {&sealed, encode_json_record}};
  for (const auto& [e, encode] : records) {
    ASSERT_TRUE(decoder.decode(encode(*e, canonical_json(e->data), prev), r).ok());
    EXPECT_EQ(r.envelope.position, e->position);
    EXPECT_EQ(r.envelope.stream, e->stream);
    EXPECT_EQ(r.envelope.version, e->version);
    EXPECT_EQ(r.envelope.event_id, e->event_id);
    EXPECT_EQ(r.envelope.type, e->type);
    EXPECT_EQ(r.envelope.schema_version, e->schema_version);
    EXPECT_EQ(r.envelope.occurred_at, e->occurred_at);
    EXPECT_EQ(r.envelope.recorded_at, e->recorded_at);
    EXPECT_EQ(r.envelope.actor.subject, e->actor.subject);
    EXPECT_EQ(r.envelope.actor.organisation, e->actor.organisation);
    EXPECT_EQ(r.envelope.actor.role, e->actor.role);
    EXPECT_EQ(r.envelope.data, e->data);
    EXPECT_EQ(r.envelope.sealed, e->sealed);
    EXPECT_EQ(r.prev_hash_hex, prev);
  }
}

// A record in another member order (an older or hand-made writer) still decodes.
TEST(RecordCodec, ReadsOtherMemberOrders) {
  const std::string bytes =
      R"({"stream":"case-1","position":5,"version":1,"eventId":"e","type":"CaseRegistered",)"
      R"("schemaVersion":1,"occurredAt":10,"recordedAt":11,"data":{"x":1},)"
      R"("actor":{"subject":"s","organisation":"o","role":"regie"},"prev":")" +
      std::string(64, '0') + R"("})";
  auto r = decode_record(bytes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->envelope.position, 5u);
  EXPECT_EQ(r->envelope.actor.role, Role::regie);
  EXPECT_EQ(r->envelope.data.at("x").as_int64(), 1);
}

// What the fast path does not take (a `prev` that is not lower-case hex, a number with a
// leading zero) goes to the general parse: decoded as before, or refused as before.
TEST(RecordCodec, OddRecordsTakeTheGeneralParse) {
  const Envelope e = plain_envelope();
  const std::string upper(64, 'A');
  auto r = decode_record(encode_json_record(e, canonical_json(e.data), upper));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->prev_hash_hex, upper);
  EXPECT_EQ(r->envelope.data, e.data);
  std::string zero = encode_json_record(e, canonical_json(e.data), std::string(64, '0'));
  zero.replace(zero.find(R"("version":2)"), 11, R"("version":02)");
  EXPECT_FALSE(decode_record(zero).ok());  // not JSON
}

// The fast path checks characters eight at a time: an escape or a control character at any
// position of an envelope string or of `prev` must still come out as the general parse reads
// it, and other bytes (UTF-8) at any position as they are.
TEST(RecordCodec, EscapesAtEveryPositionDecodeAsTheGeneralParse) {
  RecordDecoder decoder;
  StoredRecord r;
  for (std::size_t k = 0; k < 20; ++k) {
    for (const std::string& odd : {std::string("\"\n"), std::string("\\"), std::string("\x01"),
                                   std::string("\x1f"), std::string("\xc3\xbc")}) {
      Envelope e = plain_envelope();
      e.actor.subject = std::string(k, 's') + odd + "tail";
      e.actor.organisation = std::string(k, 'o') + odd;
      ASSERT_TRUE(
          decoder.decode(encode_json_record(e, canonical_json(e.data), genesis_hash_hex()), r)
              .ok());
      EXPECT_EQ(r.envelope.actor.subject, e.actor.subject) << k;
      EXPECT_EQ(r.envelope.actor.organisation, e.actor.organisation) << k;
      EXPECT_EQ(r.envelope.stream, e.stream);
    }
  }
  const Envelope e = plain_envelope();
  for (std::size_t k = 0; k < 63; ++k) {
    std::string prev(64, 'b');
    prev[k] = '\\';
    prev[k + 1] = 'n';  // the JSON escape of a newline: `prev` reads as 63 characters
    std::string expected(64, 'b');
    expected.replace(k, 2, "\n");
    ASSERT_TRUE(decoder.decode(encode_json_record(e, canonical_json(e.data), prev), r).ok()) << k;
    EXPECT_EQ(r.prev_hash_hex, expected) << k;
  }
}

// Flat data is read into the decoder's reused object, other data by Boost.JSON: records of
// both kinds in turn through one decoder give each record's own data, nothing left over.
TEST(RecordCodec, FlatAndNestedDataInTurnThroughOneDecoder) {
  RecordDecoder decoder;
  StoredRecord r;
  const char* datas[] = {
      R"({"amountCents":24000,"period":"2021-02"})",  // flat
      R"({"eligible":true,"notes":{"a":[1]}})",       // nested: Boost.JSON
      R"({"locationId":"loc-1"})",                    // flat, fewer members than before
      R"({})",                                        // flat, empty
      R"({"n":-5,"ok":false,"x":null,"s":"café"})",   // not ASCII: Boost.JSON
      R"({"n":-5,"ok":false,"x":null})",              // flat again
  };
  for (const Encoder encode : kFormats) {
    for (const char* data : datas) {
      Envelope e = plain_envelope();
      e.data = boost::json::parse(data).as_object();
      ASSERT_TRUE(decoder.decode(encode(e, canonical_json(e.data), genesis_hash_hex()), r).ok());
      EXPECT_EQ(canonical_json(r.envelope.data), canonical_json(e.data)) << data;
      EXPECT_EQ(r.envelope.data.size(), e.data.size()) << data;
    }
  }
}

// A format 1 record in the writer's layout whose data alone is not JSON: the envelope is read,
// the data marked damaged (as in format 2).
TEST(RecordCodec, Format1DataThatIsNotJsonIsMarkedDamaged) {
  const Envelope e = plain_envelope();
  const std::string bad = std::string(R"({"hours":)") + std::string(64, '\0') + "}";
  auto r = decode_record(encode_json_record(e, bad, std::string(64, '0')));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->envelope.data_damaged);
  EXPECT_TRUE(r->envelope.data.empty());
  EXPECT_EQ(r->envelope.stream, e.stream);
  EXPECT_EQ(r->envelope.event_id, e.event_id);
  auto good = decode_record(encode_json_record(e, canonical_json(e.data), std::string(64, '0')));
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(good->envelope.data_damaged);
}

TEST(RecordCodec, RefusesDamagedFormat1Records) {
  EXPECT_FALSE(decode_record("not json").ok());
  EXPECT_FALSE(decode_record(R"({"position":1})").ok());
  const Envelope e = plain_envelope();
  const std::string bytes = encode_json_record(e, canonical_json(e.data), std::string(64, '0'));
  EXPECT_TRUE(decode_record(bytes).ok());
  EXPECT_FALSE(decode_record(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(decode_record(bytes.substr(0, bytes.size() / 2)).ok());
  std::string bad_role = bytes;
  bad_role.replace(bad_role.find("intake"), 6, "nobody");
  EXPECT_FALSE(decode_record(bad_role).ok());
}

}  // namespace
}  // namespace perspectief
