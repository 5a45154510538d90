// The column families whose memtables are hash tables (event_ids, heads, data_keys;
// eventstore/rocks_options.hpp): reads by key and scans in key order, with the keys in the
// memtable, in table files, and in table files written with RocksDB's default options (as
// a store from before the hashed memtables, or a read-only tool, writes them).
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <algorithm>
#include <string>
#include <vector>

#include "eventstore/rocks_options.hpp"
#include "eventstore/verify.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

using HashedMemtableTest = StoreTest;

// 300 keys, written in an order unlike their sorted one.
std::vector<SideEntry> shuffled_keys() {
  std::vector<SideEntry> entries;
  for (int i = 0; i < 300; ++i) {
    const int n = (i * 7919) % 300;
    entries.push_back({"stream-" + std::to_string(1000 + n), "key-" + std::to_string(n)});
  }
  return entries;
}

std::vector<std::string> scanned_keys(SideTable& table, std::string_view from) {
  std::vector<std::string> keys;
  const auto scanned = table.scan(from, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  EXPECT_TRUE(scanned.ok());
  return keys;
}

std::vector<std::string> sorted_from(std::string_view from) {
  std::vector<std::string> keys;
  for (const auto& e : shuffled_keys()) {
    if (e.key >= from) keys.push_back(e.key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(RocksOptions, TheFourPointLookupFamiliesHaveBloomFiltersAndThreeAHashedMemtable) {
  EXPECT_STREQ(cf_options("event_ids").memtable_factory->Name(), "HashLinkListRepFactory");
  EXPECT_STREQ(cf_options("heads").memtable_factory->Name(), "HashLinkListRepFactory");
  EXPECT_STREQ(cf_options("data_keys").memtable_factory->Name(), "HashLinkListRepFactory");
  EXPECT_STREQ(cf_options("streams").memtable_factory->Name(), "SkipListFactory");
  EXPECT_STREQ(cf_options("events").memtable_factory->Name(), "SkipListFactory");
  EXPECT_EQ(cf_options("streams").prefix_extractor, nullptr);
  EXPECT_EQ(cf_options("event_ids").memtable_prefix_bloom_size_ratio, 0.1);
  EXPECT_EQ(cf_options("streams").memtable_prefix_bloom_size_ratio, 0.1);
  EXPECT_EQ(cf_options("events").memtable_prefix_bloom_size_ratio, 0.0);
  EXPECT_FALSE(db_options().allow_concurrent_memtable_write);
}

TEST_F(HashedMemtableTest, ADataKeyScanIsInKeyOrderInTheMemtableAndAfterAFlush) {
  SideTable& keys = store_->data_key_table();
  ASSERT_TRUE(keys.write(shuffled_keys(), Durability::synced).ok());
  EXPECT_EQ(scanned_keys(keys, ""), sorted_from(""));
  EXPECT_EQ(scanned_keys(keys, "stream-1150"), sorted_from("stream-1150"));
  EXPECT_EQ(scanned_keys(keys, "stream-1150").size(), 150U);
  // purge_replaced flushes every column family: now the keys are in a table file, and one
  // more in the new memtable sorts between them.
  ASSERT_TRUE(keys.purge_replaced().ok());
  ASSERT_TRUE(
      keys.write(std::vector<SideEntry>{{"stream-1150a", "late"}}, Durability::synced).ok());
  const auto after = scanned_keys(keys, "stream-1150");
  ASSERT_EQ(after.size(), 151U);
  EXPECT_EQ(after[0], "stream-1150");
  EXPECT_EQ(after[1], "stream-1150a");
  EXPECT_EQ(after[2], "stream-1151");
  EXPECT_EQ(**keys.get("stream-1042"), "key-42");
  EXPECT_FALSE(keys.get("stream-1042a")->has_value());
}

TEST_F(HashedMemtableTest, FilesWrittenWithRocksDbDefaultsAreReadByKey) {
  const auto first = event("CaseRegistered", R"({"person":{"name":"N"}})");
  ASSERT_TRUE(append("case-1", {first}).ok());
  ASSERT_TRUE(append("case-2", {event("CaseRegistered", R"({"person":{"name":"M"}})")}).ok());
  ASSERT_TRUE(store_->data_key_table()
                  .write(std::vector<SideEntry>{{"case-1", "wrapped"}}, Durability::synced)
                  .ok());
  // Opened with RocksDB's defaults (no prefix extractor, skiplist memtables) and compacted:
  // every table file is now one such a store or a read-only tool writes.
  tamper([](rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
    for (auto* h : handles) ASSERT_TRUE(db.CompactRange({}, h, nullptr, nullptr).ok());
  });
  reopen();
  // The eventId is found (a resend), the head is found (the version goes on), the data key
  // is found and scanned.
  const auto resent = append("case-1", {first});
  ASSERT_TRUE(resent.ok()) << resent.error().message;
  EXPECT_TRUE(resent->duplicate);
  EXPECT_EQ(resent->position, 1U);
  const auto next = append("case-2", {event("IntakeCompleted", R"({"eligible":true})")},
                           ExpectedVersion::exact(1));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->version, 2U);
  EXPECT_EQ(next->position, 3U);
  EXPECT_EQ(**store_->data_key_table().get("case-1"), "wrapped");
  EXPECT_EQ(scanned_keys(store_->data_key_table(), ""), std::vector<std::string>{"case-1"});
  EXPECT_EQ(*store_->stream_version("case-2"), 2U);
  store_.reset();
  const auto report = verify_store(dir_.sub("db"));
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.events, 3U);
  EXPECT_EQ(report.streams, 2U);
}

TEST_F(HashedMemtableTest, ManyNewCasesFlushedAndReopenedKeepEveryEventIdAndHead) {
  std::vector<NewEvent> firsts;
  for (int i = 0; i < 200; ++i) {
    firsts.push_back(event("CaseRegistered", R"({"person":{"name":"N"}})"));
    ASSERT_TRUE(append("case-" + std::to_string(i), {firsts.back()}).ok());
  }
  ASSERT_TRUE(store_->data_key_table().purge_replaced().ok());  // half in table files
  for (int i = 200; i < 400; ++i) {
    firsts.push_back(event("CaseRegistered", R"({"person":{"name":"N"}})"));
    ASSERT_TRUE(append("case-" + std::to_string(i), {firsts.back()}).ok());
  }
  reopen();  // the second half again from the write-ahead log into new memtables
  for (int i = 0; i < 400; i += 37) {
    const auto resent = append("case-" + std::to_string(i), {firsts[static_cast<std::size_t>(i)]});
    ASSERT_TRUE(resent.ok());
    EXPECT_TRUE(resent->duplicate);
    EXPECT_EQ(resent->position, static_cast<std::uint64_t>(i) + 1);
    const auto conflict =
        append("case-" + std::to_string(i), {event("IntakeCompleted")}, ExpectedVersion::exact(0));
    ASSERT_FALSE(conflict.ok());
    EXPECT_EQ(conflict.error().code, ErrorCode::precondition_failed);
  }
  EXPECT_EQ(store_->last_position(), 400U);
}

}  // namespace
}  // namespace perspectief::testing
