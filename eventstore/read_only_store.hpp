#pragma once

#include <memory>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "eventstore/side_table.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace perspectief {

class RocksSideTable;

// A store opened read-only as a RocksDB secondary instance, for the tools (verify, export,
// replay, backup) and the read follower (perspectief-server --follow): no lock, so it works
// beside a running server (RocksDB's read-only mode is not meant for a store another process
// writes, and beside a writing server it was seen to miss acknowledged events), and every
// table file is opened at once, so the server's compactions cannot delete one from under a
// long read. It sees the store as of opening, or of its last catch_up().
class ReadOnlyStore {
 public:
  // unavailable (with RocksDB's reason in Error::internal) if the store cannot be opened.
  // Retries a few times: a server's flush or compaction can make one open fail.
  // The tools' open writes nothing anywhere (RocksDB's info log is discarded).
  static Result<std::unique_ptr<ReadOnlyStore>> open(const std::string& path);
  // The follower's: RocksDB's info log (warnings and errors) goes to `secondary_dir`, made if
  // missing.
  static Result<std::unique_ptr<ReadOnlyStore>> open_secondary(const std::string& path,
                                                               const std::string& secondary_dir);
  // Reads what the writer wrote since (RocksDB's TryCatchUpWithPrimary). unavailable (the
  // reason in Error::internal) if it failed; the store then still serves what it saw before.
  Status catch_up();
  ~ReadOnlyStore();
  ReadOnlyStore(const ReadOnlyStore&) = delete;
  ReadOnlyStore& operator=(const ReadOnlyStore&) = delete;

  rocksdb::DB& db() { return *db_; }
  // In kColumnFamilies order; null for a column family the store does not have (a store
  // from before data_keys and access_log were added).
  rocksdb::ColumnFamilyHandle* cf(std::size_t index) { return cfs_.at(index); }
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs() const { return cfs_; }
  std::size_t cf_count() const { return cfs_.size(); }
  // The wrapped data keys (eventstore/key_ring.hpp), read-only: writes are refused. Empty
  // for a store from before encryption at rest.
  SideTable& data_key_table();

 private:
  static Result<std::unique_ptr<ReadOnlyStore>> open_once(const std::string& path,
                                                          const std::string& secondary_dir);
  ReadOnlyStore() = default;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  std::unique_ptr<RocksSideTable> data_keys_;
};

}  // namespace perspectief
