#include <gtest/gtest.h>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

TEST(ReadModelHandler, GrantsDecideWhoReadsWhich) {
  ApiHarness h;
  h.seed_programme();
  EXPECT_EQ(h.get("/v1/occupancy", "t-housing").status, 200U);
  EXPECT_EQ(h.get("/v1/outcomes", "t-researcher").status, 200U);
  const auto caseload = h.get("/v1/caseload", "t-housing");
  EXPECT_EQ(caseload.status, 403U);
  EXPECT_EQ(caseload.json().at("detail"), "role housing may not read this read model");
  EXPECT_EQ(h.get("/v1/occupancy", "t-ops").status, 403U);
}

TEST(ReadModelHandler, QueryFaultsNameTheParameter) {
  ApiHarness h;
  const auto as_of = h.get("/v1/occupancy?asOf=soon", "t-intake");
  EXPECT_EQ(as_of.status, 400U);
  EXPECT_EQ(as_of.json().at("detail"), "bad query parameter asOf");
  const auto unknown = h.get("/v1/occupancy?at=1", "t-intake");
  EXPECT_EQ(unknown.json().at("detail"), "bad query parameter at");
  EXPECT_EQ(unknown.json().at("errors").at(0).at("message"), "is not a parameter of this route");
  const auto range = h.get("/v1/outcomes?from=2022-02-01&to=2022-01-01", "t-intake");
  EXPECT_EQ(range.json().at("errors"),
            boost::json::parse(R"([{"field":"from","message":"must not lie after to"}])"));
}

}  // namespace
}  // namespace perspectief::api
