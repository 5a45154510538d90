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

  // A second backup into the same directory adds one; restoring the first gives the store
  // as it was then.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(post("/v1/cases/c" + std::to_string(i) + "/events", "intake", registered()).status,
              201);
  }
  const auto again = run_command(tool() + " backup --data-dir " + dir_.sub("data") + " --to " +
                                 dir_.sub("backup"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(" as backup 2 in "), std::string::npos) << again.output;
  const auto listed = run_command(tool() + " backup list --to " + dir_.sub("backup"));
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("backup 1 "), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("backup 2 "), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("position " + std::to_string(backed_up) + " "), std::string::npos)
      << listed.output;
  const auto checked = run_command(tool() + " backup verify --to " + dir_.sub("backup"));
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("2 backups"), std::string::npos) << checked.output;

  const auto restore = run_command(tool() + " restore --from " + dir_.sub("backup") +
                                   " --backup-id 1 --data-dir " + dir_.sub("restored"));
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("restore: backup 1 (" + std::to_string(backed_up) + " events)"),
            std::string::npos)
      << restore.output;
  // Into a directory that is not empty: refused.
  EXPECT_EQ(run_command(tool() + " restore --from " + dir_.sub("backup") + " --data-dir " +
                        dir_.sub("restored"))
                .exit_code,
            1);

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

// "(F files, B bytes, A bytes added)" of a backup's output: A.
std::uint64_t bytes_added(const std::string& output) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(R"(, (\d+) bytes added\))"))) return 0;
  return std::stoull(m[1]);
}

TEST_F(Backup, ASecondBackupAddsOnlyWhatIsNewAndPurgeKeepsTheNewest) {
  server_.reset();
  // A demo history, compacted into table files by the tool.
  const auto demo = run_command(tool() + " demo --data-dir " + dir_.sub("data") +
                                " --cases 300 --years 1 --seed 4");
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(demo.output, m, std::regex(R"(demo: (\d+) events)")));
  const std::uint64_t events = std::stoull(m[1]);
  const std::string to = dir_.sub("backups");
  const auto first = run_command(tool() + " backup --data-dir " + dir_.sub("data") + " --to " + to);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  start();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(post("/v1/cases/q" + std::to_string(i) + "/events", "intake", registered()).status,
              201);
  }
  server_.reset();
  const auto second =
      run_command(tool() + " backup --data-dir " + dir_.sub("data") + " --to " + to);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  // The table files of the first backup are shared, not copied again.
  EXPECT_GT(bytes_added(first.output), 0U) << first.output;
  EXPECT_LT(bytes_added(second.output) * 2, bytes_added(first.output))
      << first.output << second.output;

  const auto purged = run_command(tool() + " backup purge --to " + to + " --keep 1");
  ASSERT_EQ(purged.exit_code, 0) << purged.output;
  const auto listed = run_command(tool() + " backup list --to " + to);
  EXPECT_EQ(listed.output.find("backup 1 "), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("backup 2 "), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("position " + std::to_string(events + 10) + " "), std::string::npos)
      << listed.output;
  EXPECT_EQ(run_command(tool() + " backup verify --to " + to).exit_code, 0);
  // The newest by default.
  const auto restored =
      run_command(tool() + " restore --from " + to + " --data-dir " + dir_.sub("restored"));
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("restore: backup 2 (" + std::to_string(events + 10) + " events)"),
            std::string::npos)
      << restored.output;
  EXPECT_EQ(run_command(tool() + " restore --from " + to + " --backup-id 1 --data-dir " +
                        dir_.sub("again"))
                .exit_code,
            1);  // purged

  // A checkpoint of the stopped store; refused while a server holds it.
  const auto checkpoint = run_command(tool() + " checkpoint --data-dir " + dir_.sub("data") +
                                      " --to " + dir_.sub("before-upgrade"));
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.output;
  EXPECT_EQ(run_command(tool() + " verify --data-dir " + dir_.sub("before-upgrade")).exit_code, 0);
  start();
  EXPECT_EQ(run_command(tool() + " checkpoint --data-dir " + dir_.sub("data") + " --to " +
                        dir_.sub("while-running"))
                .exit_code,
            1);
}

}  // namespace
}  // namespace perspectief::testing
