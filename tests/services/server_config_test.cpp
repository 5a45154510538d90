#include "services/server_config.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace perspectief {
namespace {

// A tokens file the server accepts (owner only), and the arguments that name it.
class ServerConfigTest : public ::testing::Test {
 protected:
  ServerConfigTest() {
    std::ofstream(tokens_) << R"([{"token":"t","subject":"s","organisation":"o","role":"ops"}])";
    ::chmod(tokens_.c_str(), 0600);
  }

  Result<ServerConfig> read(std::vector<std::string> extra) const {
    std::vector<std::string> args{"--tokens", tokens_, "--data-dir", data_dir_};
    args.insert(args.end(), extra.begin(), extra.end());
    return read_server_config(args);
  }
  std::string refusal(std::vector<std::string> extra) const {
    auto c = read(std::move(extra));
    return c ? "(accepted)" : c.error().message;
  }

  testing::TempDir dir_;
  std::string tokens_ = dir_.sub("tokens.json");
  std::string data_dir_ = dir_.sub("data");
};

TEST_F(ServerConfigTest, DefaultsAndNothingCreated) {
  auto c = read({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->help);
  EXPECT_FALSE(c->demo);
  EXPECT_EQ(c->tls, nullptr);
  EXPECT_EQ(c->listen.host, "127.0.0.1");
  EXPECT_EQ(c->listen.port, 8080);
  EXPECT_EQ(c->max_body, 1U << 20);
  EXPECT_EQ(c->max_connections, 1024U);
  EXPECT_EQ(c->max_buffered_bytes, std::uint64_t{256} << 20);
  EXPECT_EQ(c->max_long_polls_per_token, 16U);
  EXPECT_EQ(c->snapshot_interval_s, 300U);
  EXPECT_EQ(c->request_timeout_s, 15U);
  EXPECT_EQ(c->idle_timeout_s, 60U);
  EXPECT_EQ(c->data_dir, data_dir_);
  EXPECT_EQ(c->keys_dir, default_keys_dir(data_dir_));
  EXPECT_FALSE(c->keys.complete());
  EXPECT_EQ(c->defaults.places, 500);
  EXPECT_EQ(c->defaults.lvv_places, 360);
  EXPECT_EQ(c->defaults.max_stay_months, 18);
  EXPECT_EQ(c->dashboard_dir, "");
  // Reading the configuration creates neither the store nor the keys.
  EXPECT_FALSE(std::filesystem::exists(c->data_dir));
  EXPECT_FALSE(std::filesystem::exists(c->keys_dir));
}

// The shipped deploy/perspectief.conf is a valid config file; flags go over it.
TEST_F(ServerConfigTest, TheShippedConfigFileAndFlagsOverIt) {
  const std::string conf = dir_.sub("perspectief.conf");
  {
    std::ifstream shipped(std::string{PERSPECTIEF_SOURCE_DIR} + "/deploy/perspectief.conf");
    ASSERT_TRUE(shipped.good());
    std::ofstream out(conf);
    for (std::string line; std::getline(shipped, line);) {
      // The shipped paths, pointed at this test's files.
      if (line.starts_with("tokens =")) line = "tokens = " + tokens_;
      if (line.starts_with("data-dir =")) line = "data-dir = " + data_dir_;
      if (line.starts_with("keys-dir =")) line = "keys-dir = " + dir_.sub("keys");
      out << line << "\n";
    }
  }
  auto c = read_server_config({"--config", conf, "--max-body", "2048"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->data_dir, data_dir_);
  EXPECT_EQ(c->keys_dir, dir_.sub("keys"));
  EXPECT_EQ(c->listen.host, "127.0.0.1");
  EXPECT_EQ(c->listen.port, 8080);
  EXPECT_EQ(c->max_body, 2048U);
  {
    std::ofstream out(conf, std::ios::app);
    out << "max-bodyy = 1\n";
  }
  EXPECT_EQ(read_server_config({"--config", conf}).error().message,
            "unknown key max-bodyy in the config file " + conf + "\n" + kServerUsage);
}

TEST_F(ServerConfigTest, HelpReadsNothingElse) {
  auto c = read_server_config({"--help", "--threads", "0"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->help);
}

TEST_F(ServerConfigTest, UnknownFlagsAndAMissingTokensFileShowTheUsage) {
  EXPECT_EQ(read_server_config({"--nope"}).error().message,
            std::string{"unknown flag --nope\n"} + kServerUsage);
  EXPECT_EQ(read_server_config({}).error().message,
            std::string{"--tokens is required\n"} + kServerUsage);
}

// The first refusal in the server's order of checks is the one reported.
TEST_F(ServerConfigTest, RefusesInTheOrderOfTheChecks) {
  EXPECT_EQ(read_server_config({"--tls-cert", "c.pem", "--threads", "0"}).error().message,
            "--tls-cert and --tls-key go together");
  EXPECT_EQ(refusal({"--threads", "0", "--max-body", "0"}), "--threads must be 1..256");
  EXPECT_EQ(refusal({"--max-body", "0", "--places", "x"}),
            "--max-body must be a positive number of bytes");
  EXPECT_EQ(refusal({"--max-connections", "1000001"}), "--max-connections must be 1..1000000");
  EXPECT_EQ(refusal({"--max-body", "100", "--max-buffered-bytes", "99"}),
            "--max-buffered-bytes must be a number of bytes >= --max-body");
  EXPECT_EQ(refusal({"--max-long-polls-per-token", "0", "--snapshot-interval", "0"}),
            "--max-long-polls-per-token must be 1..100000");
  EXPECT_EQ(refusal({"--snapshot-interval", "0", "--idle-timeout", "0"}),
            "--snapshot-interval takes seconds > 0");
  EXPECT_EQ(refusal({"--idle-timeout", "3601", "--places", "x"}),
            "--request-timeout and --idle-timeout take 1..3600 seconds");
  EXPECT_EQ(refusal({"--places", "x"}),
            "--places, --lvv-places, --max-stay-months take whole numbers");
  EXPECT_EQ(refusal({"--places", "10", "--lvv-places", "11"}),
            "need lvv-places <= places <= 1000000 and 1 <= max-stay-months <= 120");
}

// --follow: the writer's data directory, another than this server's; keys by default beside
// the writer's data; no demo; an interval of 10..60000 ms.
TEST_F(ServerConfigTest, AFollowerOfAWritersDataDirectory) {
  const std::string writer = dir_.sub("writer-data");
  std::filesystem::create_directories(writer);
  auto c = read({"--follow", writer});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->follow, writer);
  EXPECT_EQ(c->follow_interval_ms, 100U);
  EXPECT_EQ(c->keys_dir, default_keys_dir(writer));
  EXPECT_EQ(read({"--follow", writer, "--follow-interval-ms", "250"})->follow_interval_ms, 250U);
  EXPECT_EQ(read({})->follow, "");
  EXPECT_EQ(refusal({"--follow", writer, "--follow-interval-ms", "9"}),
            "--follow-interval-ms takes 10..60000");
  EXPECT_EQ(refusal({"--follow", writer, "--demo"}),
            "--demo and --follow do not go together: a follower writes nothing");
  EXPECT_EQ(refusal({"--follow", dir_.sub("nowhere")}),
            "--follow " + dir_.sub("nowhere") + " is not a directory (the writer's --data-dir)");
  std::filesystem::create_directories(data_dir_);
  EXPECT_EQ(refusal({"--follow", data_dir_ + "/"}),
            "--follow names the writer's --data-dir; the follower needs a --data-dir of its own");
}

TEST_F(ServerConfigTest, ReadsEveryFlag) {
  auto c = read({"--listen",
                 "[::1]:0",
                 "--threads",
                 "3",
                 "--max-body",
                 "10",
                 "--max-connections",
                 "5",
                 "--max-buffered-bytes",
                 "20",
                 "--max-long-polls-per-token",
                 "2",
                 "--snapshot-interval",
                 "7",
                 "--request-timeout",
                 "8",
                 "--idle-timeout",
                 "9",
                 "--places",
                 "10",
                 "--lvv-places",
                 "4",
                 "--max-stay-months",
                 "6",
                 "--demo",
                 "--dashboard-dir",
                 "/d",
                 "--keys-dir",
                 dir_.sub("keys")});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->listen.host, "::1");
  EXPECT_EQ(c->listen.port, 0);
  EXPECT_EQ(c->threads, 3U);
  EXPECT_EQ(c->max_body, 10U);
  EXPECT_EQ(c->max_connections, 5U);
  EXPECT_EQ(c->max_buffered_bytes, 20U);
  EXPECT_EQ(c->max_long_polls_per_token, 2U);
  EXPECT_EQ(c->snapshot_interval_s, 7U);
  EXPECT_EQ(c->request_timeout_s, 8U);
  EXPECT_EQ(c->idle_timeout_s, 9U);
  EXPECT_EQ(c->defaults.places, 10);
  EXPECT_EQ(c->defaults.lvv_places, 4);
  EXPECT_EQ(c->defaults.max_stay_months, 6);
  EXPECT_TRUE(c->demo);
  EXPECT_EQ(c->dashboard_dir, "/d");
  EXPECT_EQ(c->keys_dir, dir_.sub("keys"));
}

}  // namespace
}  // namespace perspectief
