#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

TEST(AccessLogHandler, ListsTheReadsOfACasePageByPage) {
  ApiHarness h;
  h.seed_programme();
  ASSERT_EQ(h.get("/v1/cases/c-a", "t-legal").status, 200U);
  h.clock().advance(1'000'000);
  ASSERT_EQ(h.get("/v1/cases/c-a/events", "t-intake").status, 200U);
  const auto first = h.get("/v1/access-log?caseId=c-a&limit=1", "t-regie");
  ASSERT_EQ(first.status, 200U);
  const auto body = first.json();
  EXPECT_EQ(body.at("caseId"), "c-a");
  EXPECT_EQ(body.at("entries"), boost::json::parse(R"([{"at":"2022-01-01T00:00:00Z",
      "subject":"s-legal","organisation":"org","role":"legal","what":"case-file"}])"));
  const std::string next{body.at("next").as_string()};
  const auto second = h.get("/v1/access-log?caseId=c-a&after=" + next, "t-regie");
  EXPECT_EQ(second.json().at("entries").at(0).at("what"), "case-events");
  EXPECT_TRUE(second.json().at("next").is_null());
}

TEST(AccessLogHandler, RefusesOtherRolesAndBadQueries) {
  ApiHarness h;
  const auto intake = h.get("/v1/access-log?caseId=c-a", "t-intake");
  EXPECT_EQ(intake.status, 403U);
  EXPECT_EQ(intake.json().at("detail"), "the access log is for regie");
  const auto missing = h.get("/v1/access-log", "t-regie");
  EXPECT_EQ(missing.status, 400U);
  EXPECT_EQ(missing.json().at("detail"), "caseId is required");
  const auto unknown = h.get("/v1/access-log?caseId=c-a&x=1", "t-regie");
  EXPECT_EQ(unknown.json().at("detail"), "unknown query parameter");
  EXPECT_EQ(h.get("/v1/access-log?caseId=c-a&limit=0", "t-regie").status, 400U);
}

}  // namespace
}  // namespace perspectief::api
