// FollowerStore beside a RocksEventStore writing the same directory: it catches up on its
// thread and tells its subscribers, reads what the writer made durable, refuses appends, keeps
// its checkpoints to itself, and stops being ready when the writer's store is replaced by an
// older one.
#include "eventstore/follower_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

class FollowerStoreTest : public StoreTest {
 protected:
  std::unique_ptr<FollowerStore> follow(
      std::chrono::milliseconds interval = std::chrono::milliseconds(10)) {
    FollowerOptions o;
    o.writer_dir = dir_.sub("db");
    o.work_dir = dir_.sub("follower");
    o.interval = interval;
    auto f = FollowerStore::open(std::move(o));
    EXPECT_TRUE(f.ok()) << f.error().message << " " << f.error().internal;
    return f.ok() ? std::move(f).value() : nullptr;
  }

  // Waits up to 5 s for the follower to reach `position`.
  static bool reaches(const FollowerStore& f, std::uint64_t position) {
    for (int i = 0; i < 500 && f.last_position() < position; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return f.last_position() == position;
  }
};

TEST_F(FollowerStoreTest, CatchesUpAndTellsItsSubscribers) {
  ASSERT_TRUE(append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})")}).ok());
  auto f = follow();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->last_position(), 1U);  // what the open saw
  EXPECT_TRUE(f->follower());
  EXPECT_FALSE(f->writable());
  EXPECT_TRUE(f->ready());
  std::atomic<std::uint64_t> told{0};
  f->subscribe([&](std::uint64_t last) { told = last; });
  f->start();
  ASSERT_TRUE(append("case-1", {event("IntakeCompleted", R"({"eligible":true})"),
                                event("CaseManagerAssigned", R"({"caseManager":"cm"})")})
                  .ok());
  ASSERT_TRUE(append("case-2", {event("CaseRegistered", R"({"person":{"name":"M"}})")}).ok());
  ASSERT_TRUE(reaches(*f, 4));
  for (int i = 0; i < 500 && told.load() != 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(told.load(), 4U);
  const auto all = f->read_all(0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4U);
  EXPECT_EQ((*all)[3].stream, "case-2");
  EXPECT_EQ((*all)[2].type, "CaseManagerAssigned");
  const auto stream = f->read_stream("case-1", 0, 10, Direction::backwards);
  ASSERT_TRUE(stream.ok());
  ASSERT_EQ(stream->size(), 3U);
  EXPECT_EQ(stream->front().version, 3U);
  EXPECT_EQ(*f->stream_version("case-1"), 3U);
  EXPECT_EQ(*f->stream_version("case-3"), 0U);
  EXPECT_FALSE(f->engine_stats().column_families.empty());
  f->close();
}

TEST_F(FollowerStoreTest, RefusesAppendsAndKeepsItsCheckpointsApart) {
  auto f = follow();
  ASSERT_NE(f, nullptr);
  const auto refused = f->append_sync(request("case-1", {event("CaseRegistered")}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_EQ(refused.error().message, "this server is a read follower: appends go to the writer");
  EXPECT_EQ(store_->last_position(), 0U);

  ASSERT_TRUE(f->put_checkpoint("snapshot", "follower bytes").ok());
  EXPECT_EQ(f->get_checkpoint("snapshot"), "follower bytes");
  EXPECT_EQ(store_->get_checkpoint("snapshot"), std::nullopt);
  ASSERT_TRUE(store_->put_checkpoint("snapshot", "writer bytes").ok());
  EXPECT_EQ(f->get_checkpoint("snapshot"), "follower bytes");
  // The writer's data keys read-only; the follower's own tables take writes.
  const SideEntry entry{"k", "v"};
  EXPECT_FALSE(f->data_key_table().write({&entry, 1}, Durability::synced).ok());
  EXPECT_TRUE(f->access_log_table().write({&entry, 1}, Durability::synced).ok());
  f->close();
  // Reopened, the follower's checkpoint is still there.
  f = follow();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->get_checkpoint("snapshot"), "follower bytes");
}

// A catch-up is published (last_position, subscribers) only once its before_publish hook has
// run over its events; a failing hook holds it back until a later catch-up succeeds.
TEST_F(FollowerStoreTest, PublishesACatchUpOnlyAfterItsHook) {
  auto f = follow();
  ASSERT_NE(f, nullptr);
  std::atomic<bool> refuse{true};
  std::atomic<std::uint64_t> erasures_seen{0};
  f->before_publish([&](std::uint64_t after, std::uint64_t last) -> Status {
    if (refuse) return make_error(ErrorCode::unavailable, "not now");
    EXPECT_EQ(f->last_position(), after);  // nothing of this catch-up readable yet
    const auto events = f->read_ahead(after, 100, last);
    if (!events) return events.error();
    for (const auto& e : *events) erasures_seen += e.type == "PersonalDataErased" ? 1 : 0;
    return Ok{};
  });
  f->start();
  ASSERT_TRUE(
      append("case-1", {event("CaseRegistered", R"({"person":{}})"), event("PersonalDataErased")})
          .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(f->last_position(), 0U);
  EXPECT_GT(f->catch_up_failures(), 0U);
  EXPECT_EQ(f->read_all(0, 10)->size(), 0U);
  refuse = false;
  ASSERT_TRUE(reaches(*f, 2));
  EXPECT_EQ(erasures_seen.load(), 1U);
  const auto stats = f->engine_stats();
  ASSERT_TRUE(stats.follower.has_value());
  EXPECT_LT(stats.follower->catch_up_age_seconds, 5.0);
  f->close();
}

// The writer's store replaced (as by a restore) while the follower is not catching up: its
// next catch-up finds another IDENTITY and never reads the other store's manifest (RocksDB's
// secondary instance asserts on that); it is not ready from then on and serves no mix.
TEST_F(FollowerStoreTest, NotReadyWhenTheWritersStoreIsReplaced) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        append("case-" + std::to_string(i), {event("CaseRegistered", R"({"person":{}})")}).ok());
  }
  auto f = follow();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->last_position(), 3U);
  EXPECT_TRUE(f->ready());
  store_.reset();
  std::filesystem::remove_all(dir_.sub("db"));
  reopen();
  ASSERT_TRUE(append("case-9", {event("CaseRegistered", R"({"person":{}})")}).ok());
  f->start();
  bool ready = true;
  for (int i = 0; i < 500 && ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ready = f->ready();
  }
  EXPECT_FALSE(ready);
  EXPECT_EQ(f->last_position(), 3U);  // it serves no mix of the two logs
  f->close();
}

}  // namespace
}  // namespace perspectief::testing
