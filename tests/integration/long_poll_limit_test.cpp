// A token holds at most 16 long polls (GET /v1/events?wait=) open at once: one more is
// answered 429 problem JSON with Retry-After at once, other tokens are not affected, and a
// commit answers the waiting ones and frees their places.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

using LongPollLimit = ServerTest;

constexpr int kPerToken = 16;  // CommitSignalOptions::max_waits_per_token's default

TEST_F(LongPollLimit, OneLongPollOverTheTokensLimitGets429WithRetryAfter) {
  const unsigned short port = server_->port();
  std::mutex mu;
  std::condition_variable answered;
  std::vector<HttpResult> results;
  std::vector<std::thread> polls;
  // One more than the limit, all at once, on an empty store: the first 16 wait (up to 60 s),
  // one is refused at once, whichever it is.
  for (int i = 0; i < kPerToken + 1; ++i) {
    polls.emplace_back([&, port] {
      HttpClient c{port};
      auto r = c.get("/v1/events?after=0&wait=60", "t-researcher");
      std::lock_guard lock(mu);
      results.push_back(std::move(r));
      answered.notify_all();
    });
  }
  // A commit answers every poll that waits; the threads end then.
  const auto commit = [&] {
    return post(
        "/v1/programme/events", "regie",
        R"({"type":"ProgrammeCapacitySet","data":{"places":10,"lvvPlaces":8,"maxStayMonths":18}})");
  };
  HttpResult first;
  {
    std::unique_lock lock(mu);
    if (answered.wait_for(lock, std::chrono::seconds(30), [&] { return !results.empty(); })) {
      first = results.front();
    }
  }
  if (first.status == 0) {  // nothing refused: release the polls, then fail
    EXPECT_EQ(commit().status, 201);
    for (auto& t : polls) t.join();
    FAIL() << "no long poll was refused within 30 s";
  }
  EXPECT_EQ(first.status, 429) << first.body;
  EXPECT_EQ(first.header("retry-after"), "5");
  EXPECT_EQ(first.header("content-type"), "application/problem+json");
  const auto v = first.json();
  EXPECT_EQ(v.at("type").as_string(), "urn:perspectief:problem:too-many-requests");
  EXPECT_EQ(v.at("status").as_int64(), 429);
  EXPECT_EQ(v.at("errors").at(0).at("field").as_string(), "wait");
  // Another token has places of its own (its poll waits its second and returns empty).
  const auto other = get("/v1/events?after=0&wait=1", "regie");
  EXPECT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.json().at("events").as_array().size(), 0U);

  // A commit answers the 16 that wait.
  EXPECT_EQ(commit().status, 201);
  for (auto& t : polls) t.join();
  ASSERT_EQ(results.size(), static_cast<std::size_t>(kPerToken + 1));
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(results[i].status, 200) << results[i].body;
    EXPECT_EQ(results[i].json().at("events").as_array().size(), 1U) << results[i].body;
  }
  // Their places are free again: a long poll of the same token is accepted.
  const auto again = get("/v1/events?after=1&wait=1", "researcher");
  EXPECT_EQ(again.status, 200) << again.body;
}

// --max-long-polls-per-token sets the limit: with 1, of two long polls of one token one is
// refused at once and the other waits for the commit; and the flag's range is checked.
TEST_F(LongPollLimit, TheLimitIsSetByFlag) {
  server_.reset();
  start({"--max-long-polls-per-token", "1"});
  const unsigned short port = server_->port();
  std::mutex mu;
  std::condition_variable answered;
  std::vector<HttpResult> results;
  std::vector<std::thread> polls;
  for (int i = 0; i < 2; ++i) {
    polls.emplace_back([&, port] {
      HttpClient c{port};
      auto r = c.get("/v1/events?after=0&wait=30", "t-researcher");
      std::lock_guard lock(mu);
      results.push_back(std::move(r));
      answered.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    answered.wait_for(lock, std::chrono::seconds(20), [&] { return !results.empty(); });
  }
  EXPECT_EQ(
      post(
          "/v1/programme/events", "regie",
          R"({"type":"ProgrammeCapacitySet","data":{"places":10,"lvvPlaces":8,"maxStayMonths":18}})")
          .status,
      201);
  for (auto& t : polls) t.join();
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].status, 429) << results[0].body;
  EXPECT_EQ(results[0].header("retry-after"), "5");
  EXPECT_EQ(results[1].status, 200) << results[1].body;
  EXPECT_EQ(results[1].json().at("events").as_array().size(), 1U);
  server_.reset();
  const auto bad =
      run_command(std::string{PERSPECTIEF_SERVER_BIN} + " --listen 127.0.0.1:0 --tokens " +
                  tokens_ + " --data-dir " + dir_.sub("data") + " --max-long-polls-per-token 0");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--max-long-polls-per-token must be 1..100000"), std::string::npos)
      << bad.output;
}

}  // namespace
}  // namespace perspectief::testing
