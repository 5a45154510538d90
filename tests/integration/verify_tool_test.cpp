#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

using Run = CommandResult;

Run run(const std::string& command) {
  return run_command(command);
}

using VerifyTool = ServerTest;

TEST_F(VerifyTool, PassesOnAStoreWrittenOverHttp) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(post("/v1/cases/v-" + std::to_string(i) + "/events", "intake", registered()).status,
              201);
  ASSERT_EQ(post("/v1/cases/v-0/events", "intake",
                 R"({"type":"IntakeCompleted","data":{"eligible":true}})")
                .status,
            201);
  // verify opens read-only, so it works while the server runs.
  const auto live =
      run(std::string{PERSPECTIEF_TOOL_BIN} + " verify --data-dir " + dir_.sub("data"));
  EXPECT_EQ(live.exit_code, 0) << live.output;
  EXPECT_EQ(
      live.output,
      "ok: 4 events in 3 streams, positions gapless, indexes consistent, hash chain intact, 0 "
      "fold pages match their events\n");
  server_->stop(SIGTERM);
  const auto stopped =
      run(std::string{PERSPECTIEF_TOOL_BIN} + " verify --data-dir " + dir_.sub("data"));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
}

TEST_F(VerifyTool, UsageErrors) {
  EXPECT_EQ(run(std::string{PERSPECTIEF_TOOL_BIN} + " verify").exit_code, 2);
  EXPECT_EQ(run(std::string{PERSPECTIEF_TOOL_BIN} + " frobnicate").exit_code, 2);
  const auto missing =
      run(std::string{PERSPECTIEF_TOOL_BIN} + " verify --data-dir " + dir_.sub("nothing-here"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.output.rfind("FAULT: cannot open the store", 0), 0U) << missing.output;
}

}  // namespace
}  // namespace perspectief::testing
