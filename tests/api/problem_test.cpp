#include "api/problem.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace perspectief::api {
namespace {

TEST(Problem, MapsEveryErrorCode) {
  EXPECT_EQ(http_status(ErrorCode::invalid), 400U);
  EXPECT_EQ(http_status(ErrorCode::not_found), 404U);
  EXPECT_EQ(http_status(ErrorCode::conflict), 409U);
  EXPECT_EQ(http_status(ErrorCode::precondition_failed), 412U);
  EXPECT_EQ(http_status(ErrorCode::unavailable), 503U);
}

TEST(Problem, IsRfc9457Json) {
  Error e = make_error(ErrorCode::conflict, "no free bed at location loc-1");
  e.rule = "bed-capacity";
  e.fields.push_back({"data.locationId", "has no free bed"});
  const Response res = problem(e);
  EXPECT_EQ(res.result_int(), 409U);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
  const auto body = boost::json::parse(res.body()).as_object();
  EXPECT_EQ(body.at("type").as_string(), "urn:perspectief:problem:bed-capacity");
  EXPECT_EQ(body.at("status").as_int64(), 409);
  EXPECT_EQ(body.at("detail").as_string(), "no free bed at location loc-1");
  EXPECT_EQ(body.at("rule").as_string(), "bed-capacity");
  EXPECT_EQ(body.at("errors").as_array().at(0).at("field").as_string(), "data.locationId");
  const auto plain = boost::json::parse(problem(404, "no such route").body()).as_object();
  EXPECT_EQ(plain.at("type").as_string(), "urn:perspectief:problem:not-found");
  EXPECT_EQ(plain.at("title").as_string(), "Not found");
  EXPECT_FALSE(plain.contains("errors"));
}

}  // namespace
}  // namespace perspectief::api
