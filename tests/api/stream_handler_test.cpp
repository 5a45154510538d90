#include <gtest/gtest.h>

#include "domain/canonical_json.hpp"
#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

constexpr const char* kCapacity =
    R"({"type":"ProgrammeCapacitySet","eventId":"00000000-0000-4000-8000-000000000001",)"
    R"("occurredAt":"2021-12-31T10:00:00Z","data":{"places":400,"lvvPlaces":300,"maxStayMonths":18}})";

std::string detail(const ApiHarness::Reply& r) {
  return std::string{r.json().at("detail").as_string()};
}

TEST(StreamHandler, AnAppendIs201WithTheStoredEnvelopeAndTheVersionAsETag) {
  ApiHarness h;
  const auto r = h.post("/v1/programme/events", "t-regie", kCapacity);
  EXPECT_EQ(r.status, 201U);
  EXPECT_EQ(r.header(http::field::etag), "\"1\"");
  EXPECT_EQ(r.json(),
            boost::json::parse(R"({"stream":"programme","version":1,"position":1,"events":[
      {"position":1,"stream":"programme","version":1,
       "eventId":"00000000-0000-4000-8000-000000000001","type":"ProgrammeCapacitySet",
       "schemaVersion":1,"occurredAt":"2021-12-31T10:00:00Z","recordedAt":"2022-01-01T00:00:00Z",
       "actor":{"subject":"s-regie","organisation":"org","role":"regie"},
       "data":{"places":400,"lvvPlaces":300,"maxStayMonths":18}}]})"));
}

TEST(StreamHandler, AResendIs200ForItsSenderAnd409ForAnyoneElse) {
  ApiHarness h;
  ASSERT_EQ(h.post("/v1/programme/events", "t-regie", kCapacity).status, 201U);
  const auto again = h.post("/v1/programme/events", "t-regie", kCapacity);
  EXPECT_EQ(again.status, 200U);
  EXPECT_EQ(again.json().at("events").as_array().size(), 1U);
  EXPECT_EQ(h.store().last_position(), 1U);
  const std::string intake_event =
      R"({"type":"IntakeCompleted","eventId":"00000000-0000-4000-8000-000000000002",)"
      R"("data":{"eligible":true}})";
  ASSERT_EQ(h.post("/v1/cases/c-x/events", "t-intake", intake_event).status, 201U);
  const auto other = h.post("/v1/cases/c-x/events", "t-regie", intake_event);
  EXPECT_EQ(other.status, 409U);
  EXPECT_EQ(detail(other), "eventId is already stored with other content");
}

TEST(StreamHandler, RefusalsBeforeTheStoreHaveExactStatusesAndDetails) {
  ApiHarness h;
  h.seed_programme();
  const auto bad_id = h.get("/v1/cases/no%20id/events", "t-researcher");
  EXPECT_EQ(bad_id.status, 400U);  // the path before the role
  EXPECT_EQ(detail(bad_id), "the id in the path must be 1-64 characters of [A-Za-z0-9_-]");
  const auto text =
      h.call(http::verb::post, "/v1/programme/events", "t-regie", kCapacity, {}, "text/plain");
  EXPECT_EQ(text.status, 415U);
  EXPECT_EQ(detail(text), "send the events as application/json");
  const auto type = h.post("/v1/cases/c-a/events", "t-legal",
                           R"({"type":"BedAssigned","data":{"locationId":"l1"}})");
  EXPECT_EQ(type.status, 403U);
  EXPECT_EQ(detail(type), "role legal may not append BedAssigned");
  // Out of scope comes before a malformed If-Match.
  const auto scope = h.call(http::verb::post, "/v1/cases/c-c/events", "t-housing",
                            R"({"type":"StayEnded","data":{"outcome":"other"}})", "x");
  EXPECT_EQ(scope.status, 403U);
  EXPECT_EQ(detail(scope),
            "this case is neither waiting for a bed nor housed in a location of yours");
  const auto if_match = h.call(http::verb::post, "/v1/programme/events", "t-regie", kCapacity, "x");
  EXPECT_EQ(if_match.status, 400U);
  EXPECT_EQ(detail(if_match), "If-Match must be a stream version in quotes, e.g. \"3\"");
  const auto stale =
      h.call(http::verb::post, "/v1/programme/events", "t-regie", kCapacity, "\"7\"");
  EXPECT_EQ(stale.status, 412U);
  EXPECT_EQ(h.store().last_position(), 10U);  // the seed only
}

TEST(StreamHandler, PersonalFieldsAreSealedOnceAndShownBackToTheAppender) {
  ApiHarness h;
  const auto r = h.post("/v1/cases/c-x/events", "t-intake",
                        R"([{"type":"CaseRegistered","data":{"person":{"name":"Ama"}}},
                            {"type":"IntakeCompleted","data":{"eligible":true}}])");
  ASSERT_EQ(r.status, 201U) << r.body;
  const auto body = r.json();
  const auto& events = body.at("events").as_array();
  EXPECT_EQ(events.at(0).at("data"), boost::json::parse(R"({"person":{"name":"Ama"}})"));
  const auto& sent = h.store().last_request()->events;
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_FALSE(sent[0].sealed.empty());
  EXPECT_TRUE(sent[0].data.empty());
  EXPECT_EQ(sent[0].data_json, "{}");
  EXPECT_EQ(sent[0].content_hash.size(), 32U);
  EXPECT_FALSE(h.store().last_request()->new_data_key.empty());
  EXPECT_TRUE(sent[1].sealed.empty());
  EXPECT_EQ(sent[1].data_json, R"({"eligible":true})");
  EXPECT_EQ(sent[1].content_hash, content_hash("IntakeCompleted", 1, R"({"eligible":true})"));
}

TEST(StreamHandler, AStoreFailureIsItsProblem) {
  ApiHarness h;
  h.store().fail_next_append(make_error(ErrorCode::unavailable, "the store is closed"));
  const auto r = h.post("/v1/programme/events", "t-regie", kCapacity);
  EXPECT_EQ(r.status, 503U);
  EXPECT_EQ(detail(r), "the store is closed");
}

TEST(StreamHandler, ReadsAreScopedOpenedAndRecorded) {
  ApiHarness h;
  h.seed_programme();
  const auto other = h.get("/v1/locations/l2/events", "t-housing");
  EXPECT_EQ(other.status, 403U);
  EXPECT_EQ(detail(other), "a housing organisation reads the events of its own locations");
  EXPECT_EQ(h.get("/v1/locations/l9/events", "t-housing").status, 404U);
  EXPECT_EQ(h.get("/v1/locations/l1/events", "t-housing").status, 200U);
  const auto denied = h.get("/v1/cases/c-a/events", "t-legal");
  EXPECT_EQ(denied.status, 403U);
  EXPECT_EQ(detail(denied), "role legal may not read these events");
  EXPECT_EQ(h.get("/v1/cases/c-c/events", "t-housing").status, 403U);
  const auto mine = h.get("/v1/cases/c-a/events", "t-intake");
  ASSERT_EQ(mine.status, 200U);
  EXPECT_EQ(mine.header(http::field::etag), "\"4\"");
  EXPECT_EQ(mine.json().at("events").at(0).at("data"),
            boost::json::parse(R"({"person":{"name":"P"}})"));
  const auto log = h.access_log().list("c-a", {}, "", 10);
  ASSERT_EQ(log->entries.size(), 1U);
  EXPECT_EQ(log->entries[0].what, "case-events");
  EXPECT_EQ(h.get("/v1/cases/c-none/events", "t-intake").status, 404U);
  const auto programme = h.get("/v1/programme/events", "t-legal");
  EXPECT_EQ(programme.status, 200U);
  EXPECT_EQ(programme.body, R"({"events":[]})");
}

}  // namespace
}  // namespace perspectief::api
