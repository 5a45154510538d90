// The server's start-up checks on its keys and tokens (each refusal exits 2 with a message
// naming the file and no secret, and creates nothing), and how it reports a damaged store.
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "eventstore/clock.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

namespace fs = std::filesystem;

class StartUpChecks : public ServerTest {
 protected:
  // A store with events and its keys (dir_/keys), the server stopped.
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_EQ(post("/v1/cases/s1/events", "intake", registered()).status, 201);
    ASSERT_EQ(post("/v1/cases/s2/events", "intake", registered("Other Person")).status, 201);
    ASSERT_EQ(server_->stop(SIGTERM), 0);
    server_.reset();
  }

  // Runs the server to its refusal (or, should it start, a timeout that kills it).
  CommandResult run_server(const std::string& flags, const std::string& tokens = {}) const {
    return run_command("timeout 20 " + std::string{PERSPECTIEF_SERVER_BIN} +
                       " --listen 127.0.0.1:0 --tokens " + (tokens.empty() ? tokens_ : tokens) +
                       " " + flags);
  }

  std::string data() const { return " --data-dir " + dir_.sub("data"); }
  std::string keys() const { return dir_.sub("keys"); }

  static std::vector<std::string> listing(const std::string& path) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(StartUpChecks, AMissingResearchKeyBesideEventsIsRefusedUntilMadeOnPurpose) {
  const auto before = listing(keys());
  fs::remove(keys() + "/research.key");
  const auto refused = run_server(data());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.output, "perspectief-server: " + keys() +
                                "/research.key is missing: a new one would change every pseudonym "
                                "in the research feed. Restore it from the backup of the keys, or "
                                "make a new one on purpose with `perspectief new-research-key "
                                "--keys-dir " +
                                keys() + "` (every pseudonym then changes); nothing was created\n");
  EXPECT_FALSE(fs::exists(keys() + "/research.key"));

  const auto made = run_command(tool() + " new-research-key --keys-dir " + keys());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(listing(keys()), before);
  EXPECT_EQ(fs::status(keys() + "/research.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // Never over an existing key.
  EXPECT_EQ(run_command(tool() + " new-research-key --keys-dir " + keys()).exit_code, 2);
  start();
  EXPECT_EQ(get("/v1/cases/s1", "intake").json().at("person").at("name").as_string(),
            "Test Person");
}

TEST_F(StartUpChecks, AWrongKeysDirBesideEventsIsRefusedAndLeftUntouched) {
  const std::string missing = dir_.sub("no-such-keys");
  const auto refused = run_server(data() + " --keys-dir " + missing);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.output,
            "perspectief-server: the keys directory " + missing +
                " holds no master key, so it cannot open this store's personal data (the store "
                "at " +
                dir_.sub("data") +
                " holds events): is --keys-dir right? New keys are made only beside an empty "
                "store; nothing was created\n");
  EXPECT_FALSE(fs::exists(missing));

  const std::string empty = dir_.sub("empty-keys");
  fs::create_directory(empty);
  EXPECT_EQ(run_server(data() + " --keys-dir " + empty).exit_code, 2);
  EXPECT_EQ(listing(empty), std::vector<std::string>{});
}

TEST_F(StartUpChecks, AKeyFileOthersCanReadIsRefusedBeforeAnythingIsCreated) {
  const std::string research = keys() + "/research.key";
  fs::permissions(research, fs::perms::others_read, fs::perm_options::add);
  const std::string expected = "perspectief-server: cannot use --keys-dir " + keys() + ": " +
                               research +
                               " can be read or written by other users (mode 0604): make it the "
                               "owner's only (chmod 600), and consider the key exposed\n";
  const auto refused = run_server(data());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.output, expected);
  // A new data directory beside these keys is not created either.
  const std::string fresh = dir_.sub("fresh");
  const auto fresh_refused = run_server("--data-dir " + fresh + " --keys-dir " + keys());
  EXPECT_EQ(fresh_refused.exit_code, 2);
  EXPECT_EQ(fresh_refused.output, expected);
  EXPECT_FALSE(fs::exists(fresh));
  fs::permissions(research, fs::perms::others_read, fs::perm_options::remove);
  start();
}

TEST_F(StartUpChecks, APlainTokensFileOthersCanReadOrWriteIsRefused) {
  fs::permissions(tokens_, fs::perms::others_read, fs::perm_options::add);
  const auto readable = run_server(data());
  EXPECT_EQ(readable.exit_code, 2);
  EXPECT_EQ(readable.output,
            "perspectief-server: the tokens file " + tokens_ +
                " holds plain tokens and can be read by other users (mode "
                "0604): chmod 600 it (640 if its group is the server's own), or "
                "list the tokens as sha256 entries; consider its tokens exposed\n");
  EXPECT_EQ(readable.output.find("t-regie"), std::string::npos);

  // Hashed tokens may be read by others, but nobody else may add one.
  const std::string hashed = dir_.sub("hashed.json");
  {
    std::ofstream out(hashed);
    out << R"([{"sha256":")" << std::string(64, 'a')
        << R"(","subject":"ops-1","organisation":"gemeente","role":"ops"}])";
  }
  fs::permissions(hashed, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
  ServerProcess hashed_server(hashed, dir_.sub("data"));
  EXPECT_EQ(hashed_server.stop(SIGTERM), 0);
  fs::permissions(hashed, fs::perms::others_write, fs::perm_options::add);
  const auto writable = run_server(data(), hashed);
  EXPECT_EQ(writable.exit_code, 2);
  EXPECT_EQ(writable.output, "perspectief-server: the tokens file " + hashed +
                                 " can be written by other users (mode 0646): anyone could add a "
                                 "token; chmod 600 it\n");
}

// A damaged record is a 500 naming its position and verify (not a retryable 503), and the
// operator's log says so; the rest of the store keeps serving.
TEST_F(StartUpChecks, ACorruptRecordIsA500NamingItsPositionAndIsLogged) {
  {
    ManualClock clock{0};
    RocksStoreOptions o;
    o.path = dir_.sub("data");
    o.clock = &clock;
    auto store = RocksEventStore::open(std::move(o));
    ASSERT_TRUE(store.ok()) << store.error().internal;
    // Position 1 (case s1): the last snapshot lies beyond it, so start-up does not read it.
    ASSERT_TRUE((*store)
                    ->db()
                    ->Put({}, (*store)->column_family(1), keys::encode_u64(1), "not a record")
                    .ok());
    (*store)->close();
  }
  start();
  const auto damaged = get("/v1/cases/s1/events", "intake");
  EXPECT_EQ(damaged.status, 500);
  EXPECT_EQ(damaged.json().at("detail").as_string(),
            "the stored record at position 1 is damaged: the operator should run `perspectief "
            "verify`");
  EXPECT_EQ(get("/v1/cases/s2/events", "intake").status, 200);
  ASSERT_EQ(server_->stop(SIGTERM), 0);
  const std::string log = server_->stderr_text();
  EXPECT_NE(log.find(R"("level":"error","where":"request","code":"corrupt","message":"the stored )"
                     R"(record at position 1 is damaged)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(R"("internal":"position 1: )"), std::string::npos) << log;
  EXPECT_EQ(log.find("Test Person"), std::string::npos);
}

}  // namespace
}  // namespace perspectief::testing
