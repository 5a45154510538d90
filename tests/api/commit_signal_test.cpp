// CommitSignal: a commit wakes only the long polls it gives something new; the others cost
// it nothing and stay asleep. And a token holds a bounded number of long polls.

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>

#include "api/commit_signal.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

namespace asio = boost::asio;

class CommitSignalTest : public StoreTest {
 protected:
  // A long poll beyond `after` on its own strand; `done` is set when it returns.
  void spawn_wait(api::CommitSignal& signal, std::uint64_t after, bool& done) {
    asio::co_spawn(
        asio::make_strand(ioc_),
        [&signal, after, &done]() -> asio::awaitable<void> {
          co_await signal.wait_beyond(after, std::chrono::seconds(60));
          done = true;
        },
        asio::detached);
  }

  // Runs what is ready on the test's thread, every handler that can run now.
  void poll() {
    ioc_.restart();  // poll() stops the context once it ran out of work
    ioc_.poll();
  }

  void commit_one() {
    ASSERT_TRUE(append("case-x", {event("CaseRegistered", R"({"person":{"name":"N"}})")}).ok());
  }

  asio::io_context ioc_;
};

TEST_F(CommitSignalTest, ACommitWakesOnlyTheWaitersItPasses) {
  commit_one();  // position 1
  api::CommitSignal signal{*store_};
  bool beyond_1 = false;
  bool beyond_3 = false;
  spawn_wait(signal, 1, beyond_1);
  spawn_wait(signal, 3, beyond_3);
  poll();  // both run up to their wait
  ASSERT_EQ(signal.waiting(), 2U);
  ASSERT_FALSE(beyond_1);
  ASSERT_FALSE(beyond_3);

  commit_one();  // position 2: passes 1, not 3
  poll();        // the store posted its wake-ups before append_sync returned
  EXPECT_TRUE(beyond_1);
  EXPECT_FALSE(beyond_3);
  EXPECT_EQ(signal.wake_ups(), 1U);
  EXPECT_EQ(signal.waiting(), 1U);

  commit_one();  // position 3: still not beyond 3: nothing woken
  poll();
  EXPECT_FALSE(beyond_3);
  EXPECT_EQ(signal.wake_ups(), 1U);
  EXPECT_EQ(signal.waiting(), 1U);

  commit_one();  // position 4
  poll();
  EXPECT_TRUE(beyond_3);
  EXPECT_EQ(signal.wake_ups(), 2U);
  EXPECT_EQ(signal.waiting(), 0U);
}

TEST_F(CommitSignalTest, AWaitForWhatIsStoredReturnsAtOnceAndShutdownWakesTheRest) {
  commit_one();
  commit_one();  // position 2
  api::CommitSignal signal{*store_};
  bool beyond_1 = false;
  bool beyond_9 = false;
  spawn_wait(signal, 1, beyond_1);
  spawn_wait(signal, 9, beyond_9);
  poll();
  EXPECT_TRUE(beyond_1);  // position 2 is stored already: never waited
  EXPECT_FALSE(beyond_9);
  EXPECT_EQ(signal.waiting(), 1U);
  EXPECT_EQ(signal.wake_ups(), 0U);

  signal.shutdown();
  poll();
  EXPECT_TRUE(beyond_9);
  EXPECT_EQ(signal.wake_ups(), 1U);
  EXPECT_EQ(signal.waiting(), 0U);
  // After shutdown a wait returns at once.
  bool later = false;
  spawn_wait(signal, 9, later);
  poll();
  EXPECT_TRUE(later);
  EXPECT_EQ(signal.waiting(), 0U);
}

TEST_F(CommitSignalTest, ATokenHoldsAtMostItsLongPolls) {
  api::CommitSignal signal{*store_, api::CommitSignalOptions{2}};
  auto a = signal.try_reserve("token-a");
  auto b = signal.try_reserve("token-a");
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(signal.try_reserve("token-a").has_value());
  EXPECT_TRUE(signal.try_reserve("token-b").has_value());  // another token has its own
  a.reset();                                               // one long poll answered
  EXPECT_TRUE(signal.try_reserve("token-a").has_value());
}

}  // namespace
}  // namespace perspectief::testing
