// Rule 12: capacity holds under concurrency. 100 simultaneous BedAssigned requests for a
// location with 10 free beds give exactly 10 x 201 and 90 x 409.
#include <atomic>
#include <barrier>
#include <thread>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using BedRace = ServerTest;

TEST_F(BedRace, HundredSimultaneousBedAssignmentsForTenBeds) {
  ASSERT_EQ(
      post("/v1/locations/loc-10/events", "regie",
           R"({"type":"LocationOpened","data":{"name":"Tien","operator":"org-housing","beds":10}})")
          .status,
      201);
  constexpr int kCases = 100;
  for (int i = 0; i < kCases; ++i) {
    const auto r = post("/v1/cases/race-" + std::to_string(i) + "/events", "intake",
                        R"([{"type":"CaseRegistered","data":{"person":{"name":"N"}}},
                            {"type":"IntakeCompleted","data":{"eligible":true}},
                            {"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}}])");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  std::barrier start(kCases);
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  const auto port = server_->port();
  for (int i = 0; i < kCases; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(port);
      (void)c.get("/healthz", "");  // connect before the barrier
      start.arrive_and_wait();
      const auto r = c.post("/v1/cases/race-" + std::to_string(i) + "/events", "t-housing",
                            R"({"type":"BedAssigned","data":{"locationId":"loc-10"}})");
      if (r.status == 201) {
        ++created;
      } else if (r.status == 409 && r.json().at("rule").as_string() == "bed-capacity") {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 10);
  EXPECT_EQ(refused.load(), 90);
  EXPECT_EQ(other.load(), 0);
  const auto housed = get("/v1/cases?status=housed&limit=1000", "regie");
  ASSERT_EQ(housed.status, 200);
  EXPECT_EQ(housed.json().at("cases").as_array().size(), 10U);
  const auto waiting = get("/v1/cases?status=admitted&limit=1000", "regie");
  EXPECT_EQ(waiting.json().at("cases").as_array().size(), 90U);
}

}  // namespace
}  // namespace perspectief::testing
