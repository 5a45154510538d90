#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

TEST(OpenRoutes, HealthAndReadinessNeedNoToken) {
  ApiHarness h;
  const auto health = h.get("/healthz", "");
  EXPECT_EQ(health.status, 200U);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  EXPECT_EQ(h.get("/readyz", "").body, R"({"status":"ready","position":0,"role":"writer"})");
  h.api().set_ready(false);
  EXPECT_EQ(h.get("/readyz", "").status, 503U);
  h.api().set_ready(true);
  h.store().set_writable(false);
  EXPECT_EQ(h.get("/readyz", "").json().at("detail"), "the service is not ready");
}

TEST(OpenRoutes, TheContractAndTheDashboardAreServedWithoutAToken) {
  ApiHarness h;
  const auto contract = h.get("/v1/openapi.json", "");
  EXPECT_EQ(contract.status, 200U);
  EXPECT_EQ(contract.header(http::field::content_type), "application/json");
  EXPECT_EQ(h.get("/", "").status, 200U);
  EXPECT_EQ(h.get("/dashboard/index.html", "").status, 404U);
  EXPECT_EQ(h.get("/dashboard/openapi.json", "").status, 404U);
}

TEST(Dispatcher, UnknownRoutesMethodsAndTokens) {
  ApiHarness h;
  EXPECT_EQ(h.get("/v2/nothing", "t-regie").status, 404U);
  const auto method = h.call(http::verb::put, "/v1/events", "t-regie");
  EXPECT_EQ(method.status, 405U);
  EXPECT_EQ(method.header(http::field::allow), "GET, HEAD");
  const auto anonymous = h.get("/v1/events", "");
  EXPECT_EQ(anonymous.status, 401U);
  EXPECT_EQ(anonymous.header(http::field::www_authenticate), "Bearer");
  EXPECT_EQ(h.get("/v1/events", "t-unknown").status, 401U);
  EXPECT_TRUE(h.api().refused_on_headers(http::verb::post, "/v1/cases/c/events", ""));
  EXPECT_FALSE(h.api().refused_on_headers(http::verb::post, "/v1/cases/c/events", "Bearer t-ops"));
  EXPECT_FALSE(h.api().refused_on_headers(http::verb::get, "/healthz", ""));
}

}  // namespace
}  // namespace perspectief::api
