#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

TEST(FeedHandler, RegieReadsTheEventsAsStoredAndEachCaseReadIsRecorded) {
  ApiHarness h;
  h.seed_programme();
  const auto r = h.get("/v1/events?after=2&limit=2", "t-regie");
  ASSERT_EQ(r.status, 200U);
  const auto body = r.json();
  EXPECT_EQ(body.at("next"), 4);
  const auto& events = body.at("events").as_array();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].at("stream"), "case-c-a");
  EXPECT_EQ(events[0].at("data"), boost::json::parse(R"({"person":{"name":"P"}})"));
  EXPECT_EQ(h.access_log().list("c-a", {}, "", 10)->entries.at(0).what, "feed");
  EXPECT_EQ(h.access_log().list("c-b", {}, "", 10)->entries.at(0).what, "feed");
  EXPECT_TRUE(h.access_log().list("c-c", {}, "", 10)->entries.empty());
}

TEST(FeedHandler, TheResearcherReadsItPseudonymisedAndNothingIsRecorded) {
  ApiHarness h;
  h.seed_programme();
  const auto r = h.get("/v1/events?after=2&limit=1", "t-researcher");
  ASSERT_EQ(r.status, 200U);
  const auto body = r.json();
  const auto& e = body.at("events").at(0);
  EXPECT_NE(e.at("stream"), "case-c-a");
  EXPECT_EQ(e.at("data"), boost::json::object{});
  EXPECT_EQ(e.at("actor").as_object().if_contains("subject"), nullptr);
  EXPECT_TRUE(h.access_log().list("c-a", {}, "", 10)->entries.empty());
}

TEST(FeedHandler, AnEmptyPageKeepsTheCursor) {
  ApiHarness h;
  const auto r = h.get("/v1/events?after=5", "t-regie");
  EXPECT_EQ(r.status, 200U);
  EXPECT_EQ(r.body, R"({"events":[],"next":5})");
}

TEST(FeedHandler, RefusesOpsAndBadQueries) {
  ApiHarness h;
  const auto ops = h.get("/v1/events", "t-ops");
  EXPECT_EQ(ops.status, 403U);
  EXPECT_EQ(ops.json().at("detail"), "role ops may not read the event feed");
  EXPECT_EQ(h.get("/v1/events", "t-intake").status, 200U);
  const auto category = h.get("/v1/events?categories=case,cases", "t-intake");
  EXPECT_EQ(category.status, 400U);
  EXPECT_EQ(category.json().at("errors"),
            boost::json::parse(R"([{"field":"categories","message":"unknown category cases"}])"));
  const auto type = h.get("/v1/events?types=BedAssigned,", "t-intake");
  EXPECT_EQ(type.status, 400U);
  EXPECT_EQ(type.json().at("errors"),
            boost::json::parse(R"([{"field":"types","message":"unknown event type"}])"));
  const auto unknown = h.get("/v1/events?from=1", "t-regie");
  EXPECT_EQ(unknown.status, 400U);
  EXPECT_EQ(unknown.json().at("detail"), "unknown query parameter");
  EXPECT_EQ(
      unknown.json().at("errors"),
      boost::json::parse(R"([{"field":"from","message":"is not a parameter of this route"}])"));
  const auto limit = h.get("/v1/events?limit=10001", "t-regie");
  EXPECT_EQ(limit.status, 400U);
  EXPECT_EQ(limit.json().at("errors"),
            boost::json::parse(
                R"([{"field":"limit","message":"must be a whole number from 1 to 10000"}])"));
  EXPECT_EQ(h.get("/v1/events?wait=61", "t-regie").status, 400U);
}

}  // namespace
}  // namespace perspectief::api
