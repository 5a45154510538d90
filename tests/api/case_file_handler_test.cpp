#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

TEST(CaseFileHandler, AReaderWithPersonalDataSeesThePersonAndIsRecorded) {
  ApiHarness h;
  h.seed_programme();
  const auto r = h.get("/v1/cases/c-a", "t-legal");
  ASSERT_EQ(r.status, 200U);
  EXPECT_EQ(r.header(http::field::etag), "\"4\"");
  const auto body = r.json();
  EXPECT_EQ(body.at("caseId"), "c-a");
  EXPECT_EQ(body.at("person"), boost::json::parse(R"({"name":"P"})"));
  const auto log = h.access_log().list("c-a", {}, "", 10);
  ASSERT_EQ(log->entries.size(), 1U);
  EXPECT_EQ(log->entries[0].what, "case-file");
  EXPECT_EQ(log->entries[0].actor.subject, "s-legal");
}

TEST(CaseFileHandler, ParticipationSeesNoPersonAndIsNotRecorded) {
  ApiHarness h;
  h.seed_programme();
  const auto r = h.get("/v1/cases/c-a", "t-participation");
  ASSERT_EQ(r.status, 200U);
  EXPECT_TRUE(r.json().at("person").is_null());
  EXPECT_TRUE(h.access_log().list("c-a", {}, "", 10)->entries.empty());
}

TEST(CaseFileHandler, HousingReadsItsScopeOnly) {
  ApiHarness h;
  h.seed_programme();
  EXPECT_EQ(h.get("/v1/cases/c-a", "t-housing").status, 200U);        // housed in l1
  EXPECT_EQ(h.get("/v1/cases/c-b", "t-housing-other").status, 200U);  // waiting for a bed
  const auto other = h.get("/v1/cases/c-a", "t-housing-other");
  EXPECT_EQ(other.status, 403U);
  EXPECT_EQ(other.json().at("detail"),
            "this case is neither waiting for a bed nor housed in a location of yours");
  const auto list = h.get("/v1/cases", "t-housing-other");
  ASSERT_EQ(list.status, 200U);
  const auto body = list.json();
  ASSERT_EQ(body.at("cases").as_array().size(), 1U);
  EXPECT_EQ(body.at("cases").at(0).at("caseId"), "c-b");
  EXPECT_TRUE(body.at("next").is_null());
}

TEST(CaseFileHandler, RefusalsAndMissingCases) {
  ApiHarness h;
  h.seed_programme();
  const auto ops = h.get("/v1/cases/c-a", "t-ops");
  EXPECT_EQ(ops.status, 403U);
  EXPECT_EQ(ops.json().at("detail"), "role ops may not read case files");
  EXPECT_EQ(h.get("/v1/cases/c-zz", "t-intake").status, 404U);
  EXPECT_EQ(h.get("/v1/cases?limit=1", "t-intake").json().at("next"), "c-a");
  const auto status = h.get("/v1/cases?status=gone", "t-intake");
  EXPECT_EQ(status.status, 400U);
  EXPECT_EQ(status.json().at("detail"), "bad query parameter status");
  const auto location = h.get("/v1/cases?locationId=a%20b", "t-intake");
  EXPECT_EQ(location.json().at("errors"),
            boost::json::parse(R"([{"field":"locationId",)"
                               R"("message":"must be 1-64 characters of [A-Za-z0-9_-]"}])"));
}

}  // namespace
}  // namespace perspectief::api
