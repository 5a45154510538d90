#include "eventstore/read_only_store.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "eventstore/rocks_event_store.hpp"
#include "eventstore/rocks_side_table.hpp"

namespace perspectief {

namespace {

// A server flushing or compacting meanwhile can delete a file between our reading of the
// manifest and our opening of that file: such an open fails, and a fresh one succeeds.
template <class Open>
auto with_retries(Open open) {
  auto store = open();
  for (int attempt = 1; attempt < 5 && !store; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    store = open();
  }
  return store;
}

}  // namespace

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::open(const std::string& path) {
  return with_retries([&] { return open_once(path, ""); });
}

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::open_secondary(
    const std::string& path, const std::string& secondary_dir) {
  return with_retries([&] { return open_once(path, secondary_dir); });
}

namespace {

// A secondary instance's info log would go to a directory of its own; a tool has no use for
// it (RocksDB's failures come back as statuses), so nothing is written anywhere.
class DiscardingLogger final : public rocksdb::Logger {
 public:
  DiscardingLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

}  // namespace

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::open_once(const std::string& path,
                                                                const std::string& secondary_dir) {
  std::unique_ptr<ReadOnlyStore> store{new ReadOnlyStore()};
  rocksdb::Options options;
  // Required of a secondary instance, and every table file is opened at once.
  options.max_open_files = -1;
  if (secondary_dir.empty()) {
    options.info_log = std::make_shared<DiscardingLogger>();
  } else {
    // Catching up every 100 ms would fill an INFO log; warnings and errors only, bounded.
    options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    options.max_log_file_size = std::size_t{16} << 20;
    options.keep_log_file_num = 4;
  }
  // A store written before a column family was added lacks it: open the ones it has.
  std::vector<std::string> existing;
  auto s = rocksdb::DB::ListColumnFamilies(options, path, &existing);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<std::size_t> indexes;
  for (std::size_t i = 0; s.ok() && i < std::size(kColumnFamilies); ++i) {
    if (std::find(existing.begin(), existing.end(), kColumnFamilies[i]) == existing.end()) continue;
    descriptors.emplace_back(kColumnFamilies[i], rocksdb::ColumnFamilyOptions{});
    indexes.push_back(i);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  if (s.ok()) {
    s = rocksdb::DB::OpenAsSecondary(
        options, path, secondary_dir.empty() ? path + "/.secondary-unused" : secondary_dir,
        descriptors, &opened, &store->db_);
  }
  // The open replays the manifest and the WAL files. A server's flush between the two can
  // delete a WAL file before it is read (RocksDB then goes on without it): catching up reads
  // the manifest's newer entries, with the table file that now holds that WAL's data. At
  // least once, and again while it still finds more (a few times at most).
  for (int round = 0; s.ok() && round < 5; ++round) {
    const auto before = store->db_->GetLatestSequenceNumber();
    s = store->db_->TryCatchUpWithPrimary();
    if (s.ok() && store->db_->GetLatestSequenceNumber() == before) break;
  }
  if (!s.ok()) {
    Error e = make_error(ErrorCode::unavailable, "cannot open the store read-only");
    e.internal = s.ToString();
    for (auto* h : opened) store->db_->DestroyColumnFamilyHandle(h);
    return e;
  }
  store->cfs_.assign(std::size(kColumnFamilies), nullptr);
  for (std::size_t k = 0; k < indexes.size(); ++k) store->cfs_[indexes[k]] = opened[k];
  store->data_keys_ = std::make_unique<RocksSideTable>(*store->db_, store->cfs_[kDataKeysCf],
                                                       std::vector<rocksdb::ColumnFamilyHandle*>{});
  return store;
}

Status ReadOnlyStore::catch_up() {
  const auto s = db_->TryCatchUpWithPrimary();
  if (s.ok()) return Ok{};
  Error e = make_error(ErrorCode::unavailable, "cannot catch up with the writer");
  e.internal = s.ToString();
  return e;
}

SideTable& ReadOnlyStore::data_key_table() {
  return *data_keys_;
}

ReadOnlyStore::~ReadOnlyStore() {
  data_keys_.reset();
  if (db_ == nullptr) return;
  for (auto* h : cfs_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  delete db_;
}

}  // namespace perspectief
