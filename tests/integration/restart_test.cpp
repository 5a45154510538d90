// Restarts: a clean stop leaves a snapshot that the next start loads (folding nothing after
// it); after SIGKILL the start loads the last snapshot and folds the tail. Either way the
// answers are those of a server that never stopped.
#include <signal.h>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using Restart = ServerTest;

std::string line_with(const std::string& text, const std::string& needle) {
  std::string last;
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    const auto start = text.rfind('\n', pos);
    const auto end = text.find('\n', pos);
    last = text.substr(start == std::string::npos ? 0 : start + 1,
                       end - (start == std::string::npos ? 0 : start + 1));
    pos = end;
  }
  return last;
}

TEST_F(Restart, SnapshotOnStopAndTailAfterKill) {
  ASSERT_EQ(
      post("/v1/locations/l1/events", "regie",
           R"({"type":"LocationOpened","data":{"name":"L","operator":"org-housing","beds":3}})")
          .status,
      201);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        post(
            "/v1/cases/c" + std::to_string(i) + "/events", "intake",
            R"([{"type":"CaseRegistered","data":{"person":{"name":"N"}}},{"type":"IntakeCompleted","data":{"eligible":true}},
                       {"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}}])")
            .status,
        201);
  }
  ASSERT_EQ(
      post("/v1/cases/c0/events", "housing", R"({"type":"BedAssigned","data":{"locationId":"l1"}})")
          .status,
      201);
  const auto before = get("/v1/occupancy?asOf=2100-01-01", "regie").body;
  const auto case_before = get("/v1/cases/c0", "regie").body;

  ASSERT_EQ(server_->stop(SIGTERM), 0);
  start();
  EXPECT_NE(line_with(server_->stderr_text(), "read models at")
                .find("read models at position 11 (snapshot at 11)"),
            std::string::npos)
      << server_->stderr_text();
  EXPECT_EQ(figures_of(get("/v1/occupancy?asOf=2100-01-01", "regie").body), figures_of(before));
  EXPECT_EQ(get("/v1/cases/c0", "regie").body, case_before);

  // More after the snapshot, then a crash: the tail is folded on the next start.
  ASSERT_EQ(
      post("/v1/cases/c1/events", "housing", R"({"type":"BedAssigned","data":{"locationId":"l1"}})")
          .status,
      201);
  ASSERT_EQ(
      post("/v1/cases/c2/events", "housing", R"({"type":"BedAssigned","data":{"locationId":"l1"}})")
          .status,
      201);
  server_->kill_hard();
  start();
  EXPECT_NE(line_with(server_->stderr_text(), "read models at")
                .find("read models at position 13 (snapshot at 11)"),
            std::string::npos)
      << server_->stderr_text();
  const auto occupancy = get("/v1/occupancy?asOf=2100-01-01", "regie").json();
  EXPECT_EQ(occupancy.at("programme").at("occupied").as_int64(), 3);
  // The write model was restored too: the location is full.
  ASSERT_EQ(
      post(
          "/v1/cases/c3/events", "intake",
          R"([{"type":"CaseRegistered","data":{"person":{"name":"N"}}},{"type":"IntakeCompleted","data":{"eligible":true}},
                     {"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}}])")
          .status,
      201);
  const auto full = post("/v1/cases/c3/events", "housing",
                         R"({"type":"BedAssigned","data":{"locationId":"l1"}})");
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(full.json().at("rule").as_string(), "bed-capacity");
}

}  // namespace
}  // namespace perspectief::testing
