#pragma once

#include <vector>

#include "eventstore/side_table.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace perspectief {

// A SideTable in one column family of a RocksDB store (RocksEventStore, ReadOnlyStore).
class RocksSideTable final : public SideTable {
 public:
  // `family` is the table's column family, null for a store from before it was added (then
  // the table reads as empty and refuses writes). `all` are every column family of the store
  // (purge_replaced flushes them all). `db` and the handles must outlive the table.
  RocksSideTable(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                 std::vector<rocksdb::ColumnFamilyHandle*> all);

  Result<std::optional<std::string>> get(std::string_view key) const override;
  Status write(std::span<const SideEntry> entries, Durability durability) override;
  Status scan(std::string_view from,
              const std::function<bool(std::string_view key, std::string_view value)>& visit)
      const override;
  Status purge_replaced() override;

 private:
  rocksdb::DB& db_;
  rocksdb::ColumnFamilyHandle* family_;
  std::vector<rocksdb::ColumnFamilyHandle*> all_;
};

}  // namespace perspectief
