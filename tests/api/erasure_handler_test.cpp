#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

TEST(ErasureHandler, ErasesOnceShredsTheKeyAndAsksForAPurge) {
  ApiHarness h;
  h.seed_programme();
  const auto r = h.call(http::verb::delete_, "/v1/cases/c-c/personal-data", "t-intake");
  ASSERT_EQ(r.status, 200U);
  EXPECT_EQ(r.json(), boost::json::parse(R"({"caseId":"c-c","version":2,"position":11})"));
  EXPECT_TRUE(h.store().last_request()->shred_data_key);
  EXPECT_EQ(h.store().last_request()->events.at(0).type, "PersonalDataErased");
  EXPECT_EQ(h.purges(), 1);
  EXPECT_EQ(h.ring().find("case-c-c")->state, privacy::KeyRing::State::erased);
  EXPECT_TRUE(h.get("/v1/cases/c-c", "t-intake").json().at("person").is_null());
  // Again: the case as it is, nothing appended.
  const auto again = h.call(http::verb::delete_, "/v1/cases/c-c/personal-data", "t-regie");
  EXPECT_EQ(again.status, 200U);
  EXPECT_EQ(again.body, R"({"caseId":"c-c","version":2})");
  EXPECT_EQ(h.store().last_position(), 11U);
  EXPECT_EQ(h.purges(), 1);
}

TEST(ErasureHandler, RefusesOtherRolesBadIdsAndUnknownCases) {
  ApiHarness h;
  const auto legal = h.call(http::verb::delete_, "/v1/cases/c-a/personal-data", "t-legal");
  EXPECT_EQ(legal.status, 403U);
  EXPECT_EQ(legal.json().at("detail"), "only intake and regie may erase personal data");
  EXPECT_EQ(h.call(http::verb::delete_, "/v1/cases/a%20b/personal-data", "t-intake").status, 400U);
  const auto unknown = h.call(http::verb::delete_, "/v1/cases/c-a/personal-data", "t-intake");
  EXPECT_EQ(unknown.status, 404U);
  EXPECT_EQ(unknown.json().at("detail"), "no such case");
}

}  // namespace
}  // namespace perspectief::api
