// Writers append over HTTP while the server is killed with SIGKILL; after a restart every
// acknowledged event must be at the position it was given, positions gapless, no eventId twice.
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "eventstore/sha256.hpp"
#include "eventstore/verify.hpp"
#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

struct Ack {
  std::uint64_t position;
  std::string stream;
};

class CrashTest : public ServerTest {
 protected:
  // Runs `writers` threads appending until the server dies; returns when all stopped.
  void load_until_killed(int writers, std::chrono::milliseconds run_for, int round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    const auto port = server_->port();
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        try {
          HttpClient c(port);
          for (int i = 0; !stop; ++i) {
            const std::string id = random_uuid();
            const std::string stream_id =
                "r" + std::to_string(round) + "-w" + std::to_string(w) + "-" + std::to_string(i);
            // Every request registers a new case; some are two-event batches (registration and
            // intake): both or neither must survive.
            std::string body = R"({"type":"CaseRegistered","eventId":")" + id +
                               R"(","data":{"person":{"name":"N"}}})";
            std::string second;
            if (i % 5 == 0) {
              second = random_uuid();
              body = "[" + body + R"(,{"type":"IntakeCompleted","eventId":")" + second +
                     R"(","data":{"eligible":true}}])";
            }
            const auto r = c.post("/v1/cases/" + stream_id + "/events", "t-regie", body);
            if (r.status != 201) continue;
            std::lock_guard lock(mu_);
            const auto reply = r.json();
            const auto& events = reply.at("events").as_array();
            for (const auto& e : events) {
              acked_[std::string{e.at("eventId").as_string()}] =
                  Ack{static_cast<std::uint64_t>(e.at("position").as_int64()),
                      std::string{e.at("stream").as_string()}};
            }
            if (!second.empty()) batches_.push_back({id, second});
          }
        } catch (const std::exception&) {
          // The server died under us: this writer is done.
        }
      });
    }
    std::this_thread::sleep_for(run_for);
    server_->kill_hard();
    stop = true;
    for (auto& t : threads) t.join();
  }

  void check_log() {
    std::map<std::string, std::uint64_t> stored;  // eventId -> position
    std::uint64_t expected = 1;
    std::uint64_t after = 0;
    for (;;) {
      const auto page = get("/v1/events?limit=10000&after=" + std::to_string(after), "regie");
      ASSERT_EQ(page.status, 200);
      const auto body = page.json();
      const auto& events = body.at("events").as_array();
      if (events.empty()) break;
      for (const auto& e : events) {
        const auto pos = static_cast<std::uint64_t>(e.at("position").as_int64());
        ASSERT_EQ(pos, expected) << "positions must be gapless";
        ++expected;
        const std::string id{e.at("eventId").as_string()};
        ASSERT_TRUE(stored.emplace(id, pos).second) << "eventId stored twice: " << id;
      }
      after = static_cast<std::uint64_t>(body.at("next").as_int64());
    }
    std::lock_guard lock(mu_);
    ASSERT_GT(acked_.size(), 0U);
    for (const auto& [id, ack] : acked_) {
      const auto it = stored.find(id);
      ASSERT_NE(it, stored.end()) << "acknowledged event lost: " << id;
      EXPECT_EQ(it->second, ack.position) << "acknowledged event moved: " << id;
    }
    for (const auto& [a, b] : batches_) {
      EXPECT_EQ(stored.count(a), stored.count(b)) << "a batch was half stored";
    }
    total_stored_ = stored.size();
  }

  std::mutex mu_;
  std::map<std::string, Ack> acked_;
  std::vector<std::pair<std::string, std::string>> batches_;
  std::size_t total_stored_ = 0;
};

TEST_F(CrashTest, AcknowledgedEventsSurviveSigkill) {
  for (int round = 0; round < 3; ++round) {
    load_until_killed(8, std::chrono::milliseconds(1500), round);
    start();
    check_log();
    if (HasFatalFailure()) return;
  }
  std::cout << "[ crash ] acknowledged " << acked_.size() << " events, stored " << total_stored_
            << " after 3 SIGKILLs\n";
  server_->stop(SIGTERM);
  const auto report = verify_store(dir_.sub("data"));
  EXPECT_TRUE(report.ok) << report.problem << " at " << report.bad_position;
  EXPECT_EQ(report.events, total_stored_);
}

}  // namespace
}  // namespace perspectief::testing
