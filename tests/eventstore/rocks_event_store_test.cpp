#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <rocksdb/db.h>

#include "eventstore/keys.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

using RocksEventStoreTest = StoreTest;

TEST_F(RocksEventStoreTest, AppendsAndReadsBack) {
  auto r = append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})"),
                             event("IntakeCompleted", R"({"eligible":true})")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->version, 2U);
  EXPECT_EQ(r->position, 2U);
  EXPECT_FALSE(r->duplicate);
  ASSERT_EQ(r->events.size(), 2U);
  EXPECT_EQ(r->events[0].position, 1U);
  EXPECT_EQ(r->events[0].version, 1U);
  EXPECT_EQ(r->events[0].occurred_at, kT0);
  EXPECT_EQ(r->events[0].recorded_at, kT0);
  EXPECT_EQ(r->events[0].actor.subject, "s-1");

  auto read = store_->read_stream("case-1", 1, 100, Direction::forwards);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 2U);
  EXPECT_EQ((*read)[1].type, "IntakeCompleted");
  EXPECT_EQ((*read)[1].data.at("eligible").as_bool(), true);
  EXPECT_EQ(*store_->stream_version("case-1"), 2U);
  EXPECT_EQ(*store_->stream_version("case-2"), 0U);
  EXPECT_EQ(store_->last_position(), 2U);
}

TEST_F(RocksEventStoreTest, SurvivesReopen) {
  ASSERT_TRUE(append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})")}).ok());
  ASSERT_TRUE(append("case-2", {event("CaseRegistered", R"({"person":{"name":"M"}})")}).ok());
  reopen();
  EXPECT_EQ(store_->last_position(), 2U);
  EXPECT_EQ(*store_->stream_version("case-2"), 1U);
  auto r = append("case-1", {event("IntakeCompleted", R"({"eligible":false})")},
                  ExpectedVersion::exact(1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->position, 3U);
  EXPECT_EQ(r->version, 2U);
  reopen();
  auto all = store_->read_all(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[2].stream, "case-1");
}

TEST_F(RocksEventStoreTest, RecordedAtIncreasesAlongTheLogEvenWhenTheClockStepsBack) {
  const Micros t = clock_.now();
  ASSERT_TRUE(append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})")}).ok());
  clock_.set(t - 60'000'000);  // the clock steps back a minute
  ASSERT_TRUE(append("case-2", {event("CaseRegistered", R"({"person":{"name":"M"}})")}).ok());
  reopen();  // the floor is the last stored event's, also after a restart
  ASSERT_TRUE(append("case-3", {event("CaseRegistered", R"({"person":{"name":"O"}})")}).ok());
  clock_.set(t + 5);
  ASSERT_TRUE(append("case-4", {event("CaseRegistered", R"({"person":{"name":"P"}})")}).ok());
  auto all = store_->read_all(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4U);
  EXPECT_EQ((*all)[0].recorded_at, t);
  EXPECT_EQ((*all)[1].recorded_at, t + 1);  // one microsecond after the one before
  EXPECT_EQ((*all)[2].recorded_at, t + 2);
  EXPECT_EQ((*all)[3].recorded_at, t + 5);
  EXPECT_EQ((*all)[1].occurred_at, t + 1);  // occurredAt defaults to the commit time
}

TEST_F(RocksEventStoreTest, ExpectedVersionConflicts) {
  ASSERT_TRUE(append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})")},
                     ExpectedVersion::no_stream())
                  .ok());
  auto again = append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})")},
                      ExpectedVersion::no_stream());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::precondition_failed);
  EXPECT_EQ(again.error().message, "expected stream version 0, but it is 1");
  auto stale = append("case-1", {event("IntakeCompleted", R"({"eligible":true})")},
                      ExpectedVersion::exact(5));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
  auto right = append("case-1", {event("IntakeCompleted", R"({"eligible":true})")},
                      ExpectedVersion::exact(1));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(store_->last_position(), 2U);  // the refused appends took no position
}

TEST_F(RocksEventStoreTest, ResendWithSameContentReturnsTheStoredEvents) {
  const std::string id = random_uuid();
  auto first =
      append("case-1", {event("CaseRegistered", R"({"person":{"name":"N","gender":"f"}})", id)});
  ASSERT_TRUE(first.ok());
  clock_.advance(kMicrosPerSecond);
  // Same content, keys in another order, no occurredAt given.
  auto again =
      append("case-1", {event("CaseRegistered", R"({"person":{"gender":"f","name":"N"}})", id)},
             ExpectedVersion::no_stream());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  ASSERT_EQ(again->events.size(), 1U);
  EXPECT_EQ(again->events[0].position, 1U);
  EXPECT_EQ(again->events[0].recorded_at, kT0);
  EXPECT_EQ(again->version, 1U);
  EXPECT_EQ(store_->last_position(), 1U);
}

TEST_F(RocksEventStoreTest, ResendWithOtherContentIsAConflict) {
  const std::string id = random_uuid();
  ASSERT_TRUE(append("case-1", {event("IntakeCompleted", R"({"eligible":true})", id, kT0)}).ok());
  auto other_data = append("case-1", {event("IntakeCompleted", R"({"eligible":false})", id, kT0)});
  ASSERT_FALSE(other_data.ok());
  EXPECT_EQ(other_data.error().code, ErrorCode::conflict);
  auto other_time =
      append("case-1", {event("IntakeCompleted", R"({"eligible":true})", id, kT0 + 1)});
  ASSERT_FALSE(other_time.ok());
  EXPECT_EQ(other_time.error().code, ErrorCode::conflict);
  auto other_stream = append("case-2", {event("IntakeCompleted", R"({"eligible":true})", id, kT0)});
  ASSERT_FALSE(other_stream.ok());
  EXPECT_EQ(other_stream.error().code, ErrorCode::conflict);
  EXPECT_EQ(store_->last_position(), 1U);
}

TEST_F(RocksEventStoreTest, PartialResendAndRepeatedIdsAreConflicts) {
  const std::string id = random_uuid();
  ASSERT_TRUE(append("case-1", {event("IntakeCompleted", R"({"eligible":true})", id)}).ok());
  auto partial = append("case-1", {event("IntakeCompleted", R"({"eligible":true})", id),
                                   event("PerspectiveChosen", R"({"track":"return"})")});
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.error().code, ErrorCode::conflict);
  const std::string twice = random_uuid();
  auto repeated = append("case-3", {event("PerspectiveChosen", R"({"track":"return"})", twice),
                                    event("PerspectiveChosen", R"({"track":"return"})", twice)});
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.error().code, ErrorCode::conflict);
  EXPECT_EQ(store_->last_position(), 1U);
  EXPECT_EQ(*store_->stream_version("case-3"), 0U);
}

TEST_F(RocksEventStoreTest, ReadsBackwardsAndFromAVersion) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(append("case-1", {event("PerspectiveChosen", R"({"track":"undecided"})")}).ok());
  ASSERT_TRUE(append("case-10", {event("PerspectiveChosen", R"({"track":"undecided"})")}).ok());
  auto back = store_->read_stream("case-1", 0, 2, Direction::backwards);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2U);
  EXPECT_EQ((*back)[0].version, 5U);
  EXPECT_EQ((*back)[1].version, 4U);
  auto from3 = store_->read_stream("case-1", 3, 100, Direction::forwards);
  ASSERT_EQ(from3->size(), 3U);
  EXPECT_EQ(from3->front().version, 3U);
  auto down_from2 = store_->read_stream("case-1", 2, 100, Direction::backwards);
  ASSERT_EQ(down_from2->size(), 2U);
  EXPECT_EQ(down_from2->back().version, 1U);
  // "case-1" must not pick up "case-10".
  EXPECT_EQ(store_->read_stream("case-1", 1, 100, Direction::forwards)->size(), 5U);
  EXPECT_TRUE(store_->read_stream("case-9", 1, 100, Direction::forwards)->empty());
  auto page = store_->read_all(2, 3);
  ASSERT_EQ(page->size(), 3U);
  EXPECT_EQ(page->front().position, 3U);
  // The largest position: nothing lies beyond it (after + 1 once wrapped to the start).
  auto beyond = store_->read_all(UINT64_MAX, 3);
  ASSERT_TRUE(beyond.ok());
  EXPECT_TRUE(beyond->empty());
  EXPECT_TRUE(store_->read_all(UINT64_MAX - 1, 3)->empty());
}

TEST_F(RocksEventStoreTest, ConcurrentAppendersGetGaplessPositionsAndVersions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 300;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::set<std::uint64_t> positions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Half the threads share one stream, so versions contend too.
        const std::string stream =
            t % 2 == 0 ? "case-shared" : "case-" + std::to_string(t * 1000 + i);
        auto r = store_->append_sync(
            request(stream, {event("PerspectiveChosen", R"({"track":"return"})")}));
        if (!r.ok()) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        positions.insert(r->position);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(positions.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*positions.begin(), 1U);
  EXPECT_EQ(*positions.rbegin(), static_cast<std::uint64_t>(kThreads * kPerThread));
  auto shared = store_->read_stream("case-shared", 1, 100000, Direction::forwards);
  ASSERT_EQ(shared->size(), static_cast<std::size_t>(kThreads / 2 * kPerThread));
  for (std::size_t i = 0; i < shared->size(); ++i) EXPECT_EQ((*shared)[i].version, i + 1);
}

TEST_F(RocksEventStoreTest, ConcurrentResendsOfOneEventStoreItOnce) {
  const std::string id = random_uuid();
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  std::atomic<int> duplicates{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      auto r = store_->append_sync(
          request("case-1", {event("IntakeCompleted", R"({"eligible":true})", id, kT0)}));
      ASSERT_TRUE(r.ok());
      (r->duplicate ? duplicates : created)++;
      EXPECT_EQ(r->events[0].position, 1U);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(duplicates.load(), 15);
  EXPECT_EQ(store_->last_position(), 1U);
}

TEST_F(RocksEventStoreTest, SubscribersHearEveryCommit) {
  std::atomic<std::uint64_t> seen{0};
  const auto id = store_->subscribe([&](std::uint64_t last) { seen = last; });
  ASSERT_TRUE(append("case-1", {event("PerspectiveChosen", R"({"track":"return"})")}).ok());
  EXPECT_EQ(seen.load(), 1U);  // called on the writer before the append's callback
  store_->unsubscribe(id);
  ASSERT_TRUE(append("case-1", {event("PerspectiveChosen", R"({"track":"return"})")}).ok());
  EXPECT_EQ(seen.load(), 1U);
}

TEST_F(RocksEventStoreTest, RefusesAppendsAfterClose) {
  store_->close();
  auto r =
      store_->append_sync(request("case-1", {event("PerspectiveChosen", R"({"track":"return"})")}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
}

TEST_F(RocksEventStoreTest, SecondOpenOfTheSameDirectoryIsRefused) {
  auto second = RocksEventStore::open(options(dir_.sub("db"), &clock_));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::unavailable);
}

TEST_F(RocksEventStoreTest, CheckpointsPersist) {
  EXPECT_FALSE(store_->get_checkpoint("occupancy").has_value());
  ASSERT_TRUE(store_->put_checkpoint("occupancy", "42").ok());
  reopen();
  EXPECT_EQ(store_->get_checkpoint("occupancy"), "42");
}

class RefuseOddCases final : public AppendPolicy {
 public:
  Status admit(const AppendRequest& request, const std::vector<Envelope>& events) override {
    if (request.stream == "case-odd") {
      Error e = make_error(ErrorCode::conflict, "odd cases are refused");
      e.rule = "test-rule";
      return e;
    }
    admitted += events.size();
    return Ok{};
  }
  std::size_t admitted = 0;
};

TEST(RocksEventStorePolicy, PolicyRefusalAppendsNothing) {
  TempDir dir;
  ManualClock clock{kT0};
  RefuseOddCases policy;
  auto store = RocksEventStore::open(options(dir.sub("db"), &clock, &policy));
  ASSERT_TRUE(store.ok());
  auto refused = (*store)->append_sync(
      request("case-odd", {event("PerspectiveChosen", R"({"track":"return"})")}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().rule, "test-rule");
  auto ok = (*store)->append_sync(
      request("case-even", {event("PerspectiveChosen", R"({"track":"return"})")}));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->position, 1U);
  EXPECT_EQ(policy.admitted, 1U);
}

// A stored record that does not decode is damage, not a passing outage: corrupt (500,
// verify named), never unavailable (a retryable 503), on every read path.
TEST_F(RocksEventStoreTest, ACorruptRecordIsReportedAsCorruptWithItsPosition) {
  ASSERT_TRUE(append("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})"),
                                event("IntakeCompleted", R"({"eligible":true})")})
                  .ok());
  ASSERT_TRUE(
      store_->db()->Put({}, store_->column_family(1), keys::encode_u64(2), "not a record").ok());
  const auto expect_corrupt = [](const Error& e) {
    EXPECT_EQ(e.code, ErrorCode::corrupt);
    EXPECT_EQ(e.message,
              "the stored record at position 2 is damaged: the operator should run "
              "`perspectief verify`");
    EXPECT_TRUE(e.internal.starts_with("position 2: ")) << e.internal;
  };
  const auto all = store_->read_all(0, 10);
  ASSERT_FALSE(all.ok());
  expect_corrupt(all.error());
  const auto stream = store_->read_stream("case-1", 1, 10, Direction::forwards);
  ASSERT_FALSE(stream.ok());
  expect_corrupt(stream.error());
  const auto version = store_->stream_version("case-1");
  ASSERT_FALSE(version.ok());
  expect_corrupt(version.error());
  // The record before it still reads.
  const auto first = store_->read_all(0, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 1U);
}

// RocksDB read errors are never taken for "absent" (version 0, no such event).
TEST(RocksEventStoreFaults, AReadErrorIsUnavailableNeverNotFound) {
  TempDir dir;
  ManualClock clock{kT0};
  std::optional<StoreLookup> failing;
  auto o = options(dir.sub("db"), &clock);
  o.fail_lookup = [&failing](StoreLookup kind, std::string_view) -> std::optional<std::string> {
    if (failing == kind) return "injected I/O error";
    return std::nullopt;
  };
  auto store = std::move(RocksEventStore::open(std::move(o))).value();
  const std::string id = random_uuid();
  ASSERT_TRUE(store
                  ->append_sync(request(
                      "case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})", id)}))
                  .ok());
  ASSERT_EQ(*store->stream_version("case-1"), 1U);

  failing = StoreLookup::stream_index;
  const auto version = store->stream_version("case-1");
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, ErrorCode::unavailable);
  EXPECT_NE(version.error().internal.find("injected I/O error"), std::string::npos);
  const auto read = store->read_stream("case-1", 1, 10, Direction::forwards);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::unavailable);

  // The writer's lookups: a fresh store has no cached head, so the head is read from RocksDB.
  store->close();
  store.reset();
  failing = StoreLookup::stream_head;
  auto o2 = options(dir.sub("db"), &clock);
  o2.fail_lookup = [&failing](StoreLookup kind, std::string_view) -> std::optional<std::string> {
    if (failing == kind) return "injected I/O error";
    return std::nullopt;
  };
  store = std::move(RocksEventStore::open(std::move(o2))).value();
  const auto head = store->append_sync(request(
      "case-1", {event("IntakeCompleted", R"({"eligible":true})")}, ExpectedVersion::exact(1)));
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code, ErrorCode::unavailable);
  failing = StoreLookup::event_id;
  const auto resend = store->append_sync(
      request("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})", id)}));
  ASSERT_FALSE(resend.ok());
  EXPECT_EQ(resend.error().code, ErrorCode::unavailable);
  failing = StoreLookup::record;
  const auto stored = store->append_sync(
      request("case-1", {event("CaseRegistered", R"({"person":{"name":"N"}})", id)}));
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().code, ErrorCode::unavailable);
  // A refused read fails only that request: the store still takes appends.
  failing.reset();
  EXPECT_TRUE(store->writable());
  const auto next = store->append_sync(request(
      "case-1", {event("IntakeCompleted", R"({"eligible":true})")}, ExpectedVersion::exact(1)));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->version, 2U);
}

}  // namespace
}  // namespace perspectief::testing
