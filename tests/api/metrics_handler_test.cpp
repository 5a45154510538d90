#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

TEST(MetricsHandler, OpsAndRegieReadThePrometheusText) {
  ApiHarness h;
  h.seed_programme();
  for (const char* token : {"t-ops", "t-regie"}) {
    const auto r = h.get("/metrics", token);
    ASSERT_EQ(r.status, 200U);
    EXPECT_EQ(r.header(http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(r.header(http::field::cache_control), "no-store");
    EXPECT_NE(r.body.find("\nperspectief_store_last_position 10\n"), std::string::npos) << r.body;
  }
}

TEST(MetricsHandler, OtherRolesAreRefused) {
  ApiHarness h;
  const auto r = h.get("/metrics", "t-intake");
  EXPECT_EQ(r.status, 403U);
  EXPECT_EQ(r.json().at("detail"), "the metrics are for ops and regie");
}

}  // namespace
}  // namespace perspectief::api
