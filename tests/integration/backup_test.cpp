// perspectief backup while the server takes appends, restore into a new directory: the copy
// verifies, and a server on it serves exactly the first N events of the original.
#include <atomic>
#include <regex>
#include <thread>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

using Backup = ServerTest;

TEST_F(Backup, OnlineBackupRestoresAndServesTheSameEvents) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(post("/v1/cases/b" + std::to_string(i) + "/events", "intake", registered()).status,
              201);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    HttpClient c(server_->port());
    for (int i = 0; !stop; ++i) {
      if (c.post("/v1/cases/w" + std::to_string(i) + "/events", "t-intake", registered()).status ==
          201)
        ++written;
    }
  });
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto backup = run_command(tool() + " backup --data-dir " + dir_.sub("data") + " --to " +
                                  dir_.sub("backup"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  writer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(backup.output, m, std::regex("backup: (\\d+) events .*verify: ok")))
      << backup.output;
  const std::size_t backed_up = std::stoul(m[1]);
  EXPECT_GE(backed_up, 40U);

  // A backup is never written over.
  EXPECT_EQ(
      run_command(tool() + " backup --data-dir " + dir_.sub("data") + " --to " + dir_.sub("backup"))
          .exit_code,
      1);

  const auto restore = run_command(tool() + " restore --from " + dir_.sub("backup") +
                                   " --data-dir " + dir_.sub("restored"));
  ASSERT_EQ(restore.exit_code, 0) << restore.output;

  const auto original = get("/v1/events?limit=10000", "regie").json().at("events").as_array();
  ASSERT_GT(original.size(), backed_up);  // the writer went on after the backup
  ServerProcess second(tokens_, dir_.sub("restored"));
  HttpClient c(second.port());
  const auto restored = c.get("/v1/events?limit=10000", "t-regie").json().at("events").as_array();
  ASSERT_EQ(restored.size(), backed_up);
  for (std::size_t i = 0; i < restored.size(); ++i) {
    EXPECT_EQ(restored[i], original[i]) << "position " << i + 1;
  }
  EXPECT_EQ(c.get("/v1/cases/b3", "t-intake").body, get("/v1/cases/b3", "intake").body);
  // The restored store takes appends where the backup ends.
  const auto next = c.post("/v1/cases/after-restore/events", "t-intake", registered());
  ASSERT_EQ(next.status, 201);
  EXPECT_EQ(next.json().at("position").as_int64(), static_cast<std::int64_t>(backed_up + 1));
}

}  // namespace
}  // namespace perspectief::testing
