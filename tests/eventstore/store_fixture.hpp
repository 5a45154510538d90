#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <boost/json/parse.hpp>

#include <memory>
#include <string>
#include <vector>

#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace perspectief::testing {

inline constexpr Micros kT0 = 1614592800LL * kMicrosPerSecond;  // 2021-03-01T10:00:00Z

inline NewEvent event(const std::string& type, const char* data_json = "{}",
                      std::string event_id = random_uuid(),
                      std::optional<Micros> at = std::nullopt) {
  return make_new_event(std::move(event_id), type, at, boost::json::parse(data_json).as_object());
}

inline AppendRequest request(const std::string& stream, std::vector<NewEvent> events,
                             ExpectedVersion expected = ExpectedVersion::any()) {
  return AppendRequest{stream, expected, std::move(events), Actor{"s-1", "org-1", Role::regie}};
}

inline RocksStoreOptions options(std::string path, const Clock* clock,
                                 AppendPolicy* policy = nullptr) {
  RocksStoreOptions o;
  o.path = std::move(path);
  o.clock = clock;
  o.policy = policy;
  return o;
}

// A store in a temp dir that tests can close and reopen.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    store_.reset();
    auto s = RocksEventStore::open(options(dir_.sub("db"), &clock_));
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }

  Result<AppendResult> append(const std::string& stream, std::vector<NewEvent> events,
                              ExpectedVersion expected = ExpectedVersion::any()) {
    return store_->append_sync(request(stream, std::move(events), expected));
  }

  // Opens the raw database (store closed) and lets `edit` change it.
  template <class Fn>
  void tamper(Fn edit) {
    store_.reset();
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* name : kColumnFamilies) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options{}, dir_.sub("db"), cfs, &handles, &db).ok());
    edit(*db, handles);
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }

  TempDir dir_;
  ManualClock clock_{kT0};
  std::unique_ptr<RocksEventStore> store_;
};

}  // namespace perspectief::testing
