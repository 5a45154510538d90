#include "api/append_parsing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace perspectief::api {
namespace {

TEST(AppendParsing, OneEventWithDefaults) {
  auto r = parse_append_body(R"({"type":"IntakeCompleted","data":{"eligible":true}})",
                             StreamKind::case_file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1U);
  const NewEvent& e = r->front();
  EXPECT_EQ(e.type, "IntakeCompleted");
  EXPECT_EQ(e.event_id.size(), 36U);
  EXPECT_FALSE(e.occurred_at.has_value());
  EXPECT_EQ(e.data_json, R"({"eligible":true})");
  EXPECT_EQ(e.content_hash.size(), 32U);
}

TEST(AppendParsing, ArrayWithIdsAndTimes) {
  auto r = parse_append_body(
      R"([{"type":"LocationOpened","eventId":"7D3F0000-0000-4000-8000-000000000001","occurredAt":"2021-03-01T10:00:00Z","data":{"name":"L","operator":"hvo","beds":3}},
          {"type":"LocationClosed"}])",
      StreamKind::location);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].event_id, "7d3f0000-0000-4000-8000-000000000001");
  EXPECT_EQ((*r)[0].occurred_at, 1614592800LL * kMicrosPerSecond);
  EXPECT_EQ((*r)[1].type, "LocationClosed");
}

struct BadBody {
  const char* body;
  StreamKind kind;
  const char* field;  // first error's field, "" when the error has no fields
  const char* detail;
};

TEST(AppendParsing, RefusesBadBodiesWithTheField) {
  const std::vector<BadBody> cases{
      {"{", StreamKind::case_file, "", "the body is not valid JSON"},
      {"", StreamKind::case_file, "", "the body is not valid JSON"},
      {"[]", StreamKind::case_file, "", "the array holds no events"},
      {"42", StreamKind::case_file, "$", "an event must be a JSON object"},
      {R"({"data":{}})", StreamKind::case_file, "type", "the event is not valid"},
      {R"({"type":"Teleported"})", StreamKind::case_file, "type", "the event is not valid"},
      {R"({"type":"LocationClosed"})", StreamKind::case_file, "type", "the event is not valid"},
      {R"({"type":"PersonalDataErased"})", StreamKind::case_file, "type", "the event is not valid"},
      {R"({"type":"IntakeCompleted","eventId":"nope","data":{"eligible":true}})",
       StreamKind::case_file, "eventId", "the event is not valid"},
      {R"({"type":"IntakeCompleted","occurredAt":"yesterday","data":{"eligible":true}})",
       StreamKind::case_file, "occurredAt", "the event is not valid"},
      {R"({"type":"IntakeCompleted","data":[]})", StreamKind::case_file, "data",
       "the event is not valid"},
      {R"({"type":"IntakeCompleted","data":{"eligible":true},"extra":1})", StreamKind::case_file,
       "$", "the event is not valid"},
      {R"({"type":"IntakeCompleted","schemaVersion":2,"data":{"eligible":true}})",
       StreamKind::case_file, "schemaVersion", "the event is not valid"},
      {R"([{"type":"IntakeCompleted","data":{"eligible":true}},{"type":"IntakeCompleted","data":{}}])",
       StreamKind::case_file, "[1].data.eligible", "the event is not valid"},
  };
  for (const auto& c : cases) {
    auto r = parse_append_body(c.body, c.kind);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, ErrorCode::invalid) << c.body;
    EXPECT_EQ(r.error().message, c.detail) << c.body;
    if (std::string{c.field}.empty()) {
      EXPECT_TRUE(r.error().fields.empty()) << c.body;
    } else {
      ASSERT_FALSE(r.error().fields.empty()) << c.body;
      EXPECT_EQ(r.error().fields[0].field, c.field) << c.body;
    }
  }
}

TEST(AppendParsing, NullOptionalFieldsAreDropped) {
  auto with_null = parse_append_body(
      R"({"type":"StayEnded","data":{"outcome":"other","notes":null}})", StreamKind::case_file);
  auto without = parse_append_body(R"({"type":"StayEnded","data":{"outcome":"other"}})",
                                   StreamKind::case_file);
  ASSERT_TRUE(with_null.ok());
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(with_null->front().data_json, R"({"outcome":"other"})");
  EXPECT_EQ(with_null->front().content_hash, without->front().content_hash);
}

TEST(AppendParsing, LimitsEventsPerRequestAndDepth) {
  std::string many = "[";
  for (std::size_t i = 0; i <= kMaxEventsPerRequest; ++i)
    many += std::string(i ? "," : "") + R"({"type":"LocationClosed"})";
  many += "]";
  auto r = parse_append_body(many, StreamKind::location);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "at most 1000 events per request");
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(parse_append_body(deep, StreamKind::location).ok());
}

TEST(AppendParsing, IfMatch) {
  EXPECT_EQ(parse_if_match("")->kind, ExpectedVersion::Kind::any);
  EXPECT_EQ(parse_if_match("\"0\"")->kind, ExpectedVersion::Kind::no_stream);
  auto three = parse_if_match("\"3\"");
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->kind, ExpectedVersion::Kind::exact);
  EXPECT_EQ(three->version, 3U);
  EXPECT_EQ(parse_if_match("7")->version, 7U);
  for (const char* bad :
       {"\"\"", "\"-1\"", "W/\"3\"", "*", "\"3", "abc", "\"99999999999999999999999\""}) {
    auto r = parse_if_match(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().fields.at(0).field, "If-Match");
  }
}

}  // namespace
}  // namespace perspectief::api
