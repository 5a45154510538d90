// The test support's ServerProcess fails the running test when the server it stops has written a
// ThreadSanitizer report to its stderr (the tsan stage relies on it: a race the server reports
// after the test's last request, or during shutdown, must not pass unseen), and only a report
// of this run counts, not one in the stderr file left by an earlier run on the same directory.
#include <gtest/gtest-spi.h>
#include <signal.h>

#include <fstream>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using ServerProcessSupport = ServerTest;

void append_to(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

TEST_F(ServerProcessSupport, AThreadSanitizerReportInTheServersStderrFailsTheTest) {
  ASSERT_EQ(get("/healthz", "regie").status, 200);
  append_to(dir_.sub("data") + ".stderr",
            "==================\nWARNING: ThreadSanitizer: data race (pid=1)\n");
  EXPECT_NONFATAL_FAILURE(server_->stop(SIGTERM),
                          "the server reported a race (exit status 0):\n"
                          "WARNING: ThreadSanitizer: data race (pid=1)");
}

TEST_F(ServerProcessSupport, OnlyTheReportsOfThisRunCount) {
  ASSERT_EQ(server_->stop(SIGTERM), 0);
  append_to(dir_.sub("data") + ".stderr", "WARNING: ThreadSanitizer: data race (pid=1)\n");
  start();  // the same data directory, so the same stderr file, appended to
  ASSERT_EQ(get("/healthz", "regie").status, 200);
  EXPECT_EQ(server_->stop(SIGTERM), 0);  // no failure: the report was the earlier run's
}

}  // namespace
}  // namespace perspectief::testing
