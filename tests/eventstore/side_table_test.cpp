// The privacy layer over its SideTables: the access log on the store's column family and in
// memory (tests/support/memory_side_table.hpp), the key ring's rotation, start-up check and
// purge in memory, and storage errors restated for clients with RocksDB's text kept for the
// operator.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eventstore/access_log.hpp"
#include "eventstore/key_ring.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/keys_dir.hpp"
#include "tests/eventstore/side_table_fixture.hpp"

namespace perspectief::privacy {
namespace {

using perspectief::testing::MemorySideTable;
using perspectief::testing::TempDir;

class AccessLogTest : public testing::SideTableTest {
 protected:
  void SetUp() override {
    SideTableTest::SetUp();
    log_ = std::make_unique<AccessLog>(table());
  }
  SideTable& table() { return pick(store_->access_log_table()); }
  static AccessEntry read_by(std::string case_id, Micros at, std::string subject) {
    return {at, std::move(case_id), Actor{std::move(subject), "aco", Role::intake}, "case-file"};
  }
  std::unique_ptr<AccessLog> log_;
};

INSTANTIATE_TEST_SUITE_P(Tables, AccessLogTest,
                         ::testing::Values(testing::Table::rocks, testing::Table::memory),
                         testing::table_name);

TEST_P(AccessLogTest, ACaseReadsBackInTimeOrderAPageAtATime) {
  ASSERT_TRUE(log_->record(read_by("c-1", 30, "c")).ok());
  ASSERT_TRUE(log_->record(read_by("c-2", 20, "other case")).ok());
  ASSERT_TRUE(log_->record(read_by("c-1", 10, "a")).ok());
  ASSERT_TRUE(log_->record(read_by("c-1", 20, "b")).ok());
  ASSERT_TRUE(log_->record(read_by("c-10", 5, "prefix of c-1 is not c-1")).ok());
  const auto first = log_->list("c-1", {}, "", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 2U);
  EXPECT_EQ(first->entries[0].actor.subject, "a");
  EXPECT_EQ(first->entries[0].at, 10);
  EXPECT_EQ(first->entries[0].case_id, "c-1");
  EXPECT_EQ(first->entries[0].actor.role, Role::intake);
  EXPECT_EQ(first->entries[0].what, "case-file");
  EXPECT_EQ(first->entries[1].actor.subject, "b");
  ASSERT_EQ(first->next.size(), 32U);
  const auto rest = log_->list("c-1", {}, first->next, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->entries.size(), 1U);
  EXPECT_EQ(rest->entries[0].actor.subject, "c");
  EXPECT_EQ(rest->next, "");
  EXPECT_EQ(log_->list("c-3", {}, "", 2)->entries.size(), 0U);
  const auto bad = log_->list("c-1", {}, "not a cursor", 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid);
  EXPECT_EQ(bad.error().fields[0].field, "after");
}

TEST_P(AccessLogTest, OneReadOfSeveralCasesSharesOneRecordAndReadsBackPerCase) {
  ASSERT_TRUE(log_->record(read_by("c-1", 10, "before")).ok());
  const Actor partner{"hook", "hvo", Role::housing};
  const std::vector<std::string> cases{"c-1", "c-2", "c-3"};
  const auto batch = log_->entries(partner, cases, 20, "feed");
  ASSERT_EQ(batch.size(), 4U);  // the shared record and one entry per case
  EXPECT_EQ(batch[0].key.substr(0, 1), "\x01");
  EXPECT_EQ(batch[1].value.size(), 9U);
  const std::vector<std::string> one{"c-9"};
  const auto single = log_->entries(partner, one, 20, "feed");
  ASSERT_EQ(single.size(), 1U);  // one case: one whole entry, no shared record
  EXPECT_EQ(single[0].value.front(), '{');
  ASSERT_TRUE(log_->write(batch).ok());
  ASSERT_TRUE(log_->record(read_by("c-1", 30, "after")).ok());
  const auto c1 = log_->list("c-1", {}, "", 10);
  ASSERT_TRUE(c1.ok());
  ASSERT_EQ(c1->entries.size(), 3U);
  EXPECT_EQ(c1->entries[0].actor.subject, "before");
  EXPECT_EQ(c1->entries[1].actor.subject, "hook");
  EXPECT_EQ(c1->entries[1].actor.organisation, "hvo");
  EXPECT_EQ(c1->entries[1].actor.role, Role::housing);
  EXPECT_EQ(c1->entries[1].at, 20);
  EXPECT_EQ(c1->entries[1].what, "feed");
  EXPECT_EQ(c1->entries[1].case_id, "c-1");
  EXPECT_EQ(c1->entries[2].actor.subject, "after");
  for (const char* other : {"c-2", "c-3"}) {
    const auto page = log_->list(other, {}, "", 10);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->entries.size(), 1U) << other;
    EXPECT_EQ(page->entries[0].actor.subject, "hook");
    EXPECT_EQ(page->entries[0].case_id, other);
  }
  // A page boundary inside the batch's entries of a case and after them.
  const auto first = log_->list("c-1", {}, "", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 2U);
  const auto rest = log_->list("c-1", {}, first->next, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->entries.size(), 1U);
  EXPECT_EQ(rest->entries[0].actor.subject, "after");
}

TEST_P(AccessLogTest, AWebhookBatchIsOneRecordFoundFromTheCasesPositions) {
  // c-1's events are at positions 2 and 9, c-2's at 4 and 6, c-3's at 1.
  const Actor a{"hook-a", "hvo", Role::housing};
  const Actor b{"hook-b", "aco", Role::intake};
  const auto deliver = [this](const Actor& who, std::uint64_t log_id, std::uint64_t to,
                              std::vector<std::uint64_t> opened, Micros at) {
    const SideEntry e = log_->delivery(who, log_id, to, opened, at, "webhook");
    EXPECT_EQ(e.key.size(), 33U);
    EXPECT_EQ(e.key.front(), '\x02');
    ASSERT_TRUE(log_->write({&e, 1}).ok());
  };
  ASSERT_TRUE(log_->record(read_by("c-1", 10, "before")).ok());
  deliver(a, 7, 5, {2, 4}, 20);  // subscription 7: (0, 5], then its retry, then (5, 9]
  deliver(a, 7, 5, {2, 4}, 25);
  deliver(a, 7, 9, {6, 9}, 30);
  deliver(b, 3, 9, {9}, 40);  // subscription 3: (0, 9], only c-1's 9 opened
  deliver(b, 8, 3, {1}, 22);  // subscription 8: (0, 3] covers 2 but opened only c-3's 1
  ASSERT_TRUE(log_->record(read_by("c-1", 50, "after")).ok());
  const std::vector<std::uint64_t> c1{2, 9};
  const auto all = log_->list("c-1", c1, "", 10);
  ASSERT_TRUE(all.ok());
  std::vector<std::pair<std::string, Micros>> seen;
  for (const auto& e : all->entries) seen.emplace_back(e.actor.subject, e.at);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, Micros>>{{"before", 10},
                                                               {"hook-a", 20},
                                                               {"hook-a", 25},
                                                               {"hook-a", 30},
                                                               {"hook-b", 40},
                                                               {"after", 50}}));
  EXPECT_EQ(all->next, "");
  EXPECT_EQ(all->entries[1].actor.organisation, "hvo");
  EXPECT_EQ(all->entries[1].actor.role, Role::housing);
  EXPECT_EQ(all->entries[1].what, "webhook");
  EXPECT_EQ(all->entries[1].case_id, "c-1");
  // Pages of two across both kinds of entry.
  const auto p1 = log_->list("c-1", c1, "", 2);
  ASSERT_TRUE(p1.ok());
  ASSERT_EQ(p1->entries.size(), 2U);
  EXPECT_EQ(p1->entries[1].at, 20);
  const auto p2 = log_->list("c-1", c1, p1->next, 2);
  ASSERT_TRUE(p2.ok());
  ASSERT_EQ(p2->entries.size(), 2U);
  EXPECT_EQ(p2->entries[0].at, 25);
  EXPECT_EQ(p2->entries[1].at, 30);
  const auto p3 = log_->list("c-1", c1, p2->next, 2);
  ASSERT_TRUE(p3.ok());
  ASSERT_EQ(p3->entries.size(), 2U);
  EXPECT_EQ(p3->entries[0].actor.subject, "hook-b");
  EXPECT_EQ(p3->entries[1].actor.subject, "after");
  EXPECT_EQ(p3->next, "");
  const std::vector<std::uint64_t> c2{4, 6};
  const auto other = log_->list("c-2", c2, "", 10);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->entries.size(), 3U);
  EXPECT_EQ(other->entries[0].at, 20);
  EXPECT_EQ(other->entries[2].at, 30);
  const std::vector<std::uint64_t> c3{1};
  ASSERT_EQ(log_->list("c-3", c3, "", 10)->entries.size(), 1U);
  const std::vector<std::uint64_t> later{10, 11};  // after every batch
  EXPECT_EQ(log_->list("c-4", later, "", 10)->entries.size(), 0U);
}

TEST_P(AccessLogTest, TwoSubscriptionsWithOverlappingBatchesAreBothFound) {
  // A subscription deleted and created again under the same id has another log id: its
  // batches may cover the positions the old one's did.
  const Actor reader{"hook", "hvo", Role::housing};
  const std::vector<std::uint64_t> old_batch{2, 40, 100};
  const std::vector<std::uint64_t> new_batch{2};
  const auto a = log_->delivery(reader, 9, 100, old_batch, 10, "webhook");
  const auto b = log_->delivery(reader, 4, 50, new_batch, 20, "webhook");
  ASSERT_TRUE(log_->write({&a, 1}).ok());
  ASSERT_TRUE(log_->write({&b, 1}).ok());
  const std::vector<std::uint64_t> positions{2};
  const auto listed = log_->list("c-1", positions, "", 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->entries.size(), 2U);
  EXPECT_EQ(listed->entries[0].at, 10);
  EXPECT_EQ(listed->entries[1].at, 20);
  const std::vector<std::uint64_t> only_old{40};
  EXPECT_EQ(log_->list("c-2", only_old, "", 10)->entries.size(), 1U);
}

TEST(MemorySideTables, ADamagedWebhookBatchRecordIsCorrupt) {
  const std::string log_and_end = keys::encode_u64(1) + keys::encode_u64(5);
  const std::string time_and_sequence = keys::encode_u64(3) + keys::encode_u64(4);
  const std::vector<SideEntry> damaged{
      // a key cut short
      {"\x02" + log_and_end, keys::encode_u64(1) + keys::encode_u64(2) + "{}"},
      // more positions than the value holds
      {"\x02" + log_and_end + time_and_sequence, keys::encode_u64(9) + keys::encode_u64(2)},
      // the position, then no JSON
      {"\x02" + log_and_end + time_and_sequence, keys::encode_u64(1) + keys::encode_u64(2)}};
  for (std::size_t i = 0; i < damaged.size(); ++i) {
    MemorySideTable table;
    AccessLog log{table};
    ASSERT_TRUE(table.write({&damaged[i], 1}, Durability::logged).ok());
    const std::vector<std::uint64_t> positions{2};
    const auto listed = log.list("c-1", positions, "", 10);
    ASSERT_FALSE(listed.ok()) << i;
    EXPECT_EQ(listed.error().code, ErrorCode::corrupt) << i;
    EXPECT_EQ(listed.error().message, "an access-log entry is damaged") << i;
  }
}

TEST_P(AccessLogTest, AnEntryNamingAMissingSharedRecordIsCorrupt) {
  const SideEntry orphan{std::string{"c-1"} + '\0' + keys::encode_u64(1) + keys::encode_u64(7),
                         "\x01" + keys::encode_u64(7)};
  ASSERT_TRUE(table().write({&orphan, 1}, Durability::logged).ok());
  const auto listed = log_->list("c-1", {}, "", 10);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::corrupt);
  EXPECT_EQ(listed.error().message, "an access-log entry is damaged");
}

TEST_P(AccessLogTest, ADamagedEntryIsCorrupt) {
  const SideEntry damaged{std::string{"c-1"} + '\0' + keys::encode_u64(1) + keys::encode_u64(1),
                          R"({"at":1})"};
  ASSERT_TRUE(table().write({&damaged, 1}, Durability::logged).ok());
  const auto listed = log_->list("c-1", {}, "", 10);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::corrupt);
  EXPECT_EQ(listed.error().message, "an access-log entry is damaged");
}

TEST(MemorySideTables, StorageErrorsAreRestatedForEachConcern) {
  MemorySideTable table;
  AccessLog log{table};
  table.fail_next("disk on fire");
  const auto recorded = log.record({1, "c-1", Actor{"s", "o", Role::intake}, "feed"});
  ASSERT_FALSE(recorded.ok());
  EXPECT_EQ(recorded.error().code, ErrorCode::unavailable);
  EXPECT_EQ(recorded.error().message, "the access log cannot serve this now");
  EXPECT_EQ(recorded.error().internal, "disk on fire");
  TempDir tmp;
  KeyRing ring{table, std::move(open_keys_dir(tmp.sub("keys"))).value()};
  table.fail_next("disk on fire");
  const auto found = ring.find("case-1");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::unavailable);
  EXPECT_EQ(found.error().message, "the key store cannot serve this now");
  EXPECT_EQ(found.error().internal, "disk on fire");
}

// Key rotation, the start-up check of the master keys and the purge after an erasure run
// over any SideTable.
TEST(MemorySideTables, TheKeyRingRewrapsChecksAndPurges) {
  TempDir tmp;
  MemorySideTable table;
  auto keys = std::move(open_keys_dir(tmp.sub("keys"))).value();
  KeyRing ring{table, keys};
  EXPECT_TRUE(ring.check_master_keys().ok());  // no keys yet
  const auto a = ring.get_or_create("case-a");
  ASSERT_TRUE(a.ok());
  const SideEntry stored[] = {{"case-a", a->wrapped},
                              {"case-b", std::string{keys::kErasedDataKey}}};
  ASSERT_TRUE(table.write(stored, Durability::logged).ok());
  ring.release("case-a", true);
  EXPECT_TRUE(ring.check_master_keys().ok());

  auto added = add_master_key(keys);
  ASSERT_TRUE(added.ok());
  KeyRing rotating{table, keys};
  const auto rewrapped = rotating.rewrap_all(*added);
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_EQ(*rewrapped, 1U);  // the erased stream keeps its marker
  EXPECT_EQ(table.synced_writes(), 1);
  EXPECT_NE(**table.get("case-a"), a->wrapped);
  EXPECT_EQ(**table.get("case-b"), std::string{keys::kErasedDataKey});
  EXPECT_EQ(rotating.find("case-a")->key, a->key);
  // The ring of the old keys directory no longer has the master the key is wrapped with.
  const auto unknown = KeyRing{table, ring.keys()}.check_master_keys();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::unavailable);

  ASSERT_TRUE(ring.purge_erased_keys().ok());
  EXPECT_EQ(table.purges(), 1);
}

}  // namespace
}  // namespace perspectief::privacy
