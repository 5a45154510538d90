#include "eventstore/record_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "domain/canonical_json.hpp"

namespace perspectief {
namespace {

TEST(RecordCodec, RoundTripsEveryEnvelopeField) {
  Envelope e;
  e.position = 1017;
  e.stream = "case-42";
  e.version = 3;
  e.event_id = "7d3f0000-0000-4000-8000-000000000001";
  e.type = "BedAssigned";
  e.schema_version = 1;
  e.occurred_at = 1614592800LL * kMicrosPerSecond;
  e.recorded_at = e.occurred_at + 2123000;
  e.actor = {"jan \"j\"", "hvo-querido", Role::housing};
  e.data = boost::json::parse(R"({"locationId":"loc-1","bedLabel":"ü\n"})").as_object();
  const std::string bytes = encode_record(e, canonical_json(e.data), genesis_hash_hex());
  auto decoded = decode_record(bytes);
  ASSERT_TRUE(decoded.ok());
  const Envelope& d = decoded->envelope;
  EXPECT_EQ(d.position, e.position);
  EXPECT_EQ(d.stream, e.stream);
  EXPECT_EQ(d.version, e.version);
  EXPECT_EQ(d.event_id, e.event_id);
  EXPECT_EQ(d.type, e.type);
  EXPECT_EQ(d.occurred_at, e.occurred_at);
  EXPECT_EQ(d.recorded_at, e.recorded_at);
  EXPECT_EQ(d.actor.subject, e.actor.subject);
  EXPECT_EQ(d.actor.role, Role::housing);
  EXPECT_EQ(d.data, e.data);
  EXPECT_EQ(decoded->prev_hash_hex, std::string(64, '0'));

  const auto json = to_json(d);
  EXPECT_EQ(json.at("occurredAt").as_string(), "2021-03-01T10:00:00Z");
  EXPECT_EQ(json.at("recordedAt").as_string(), "2021-03-01T10:00:02.123Z");
  EXPECT_EQ(json.at("actor").at("role").as_string(), "housing");
}

TEST(RecordCodec, RefusesDamagedRecords) {
  EXPECT_FALSE(decode_record("not json").ok());
  EXPECT_FALSE(decode_record(R"({"position":1})").ok());
}

}  // namespace
}  // namespace perspectief
