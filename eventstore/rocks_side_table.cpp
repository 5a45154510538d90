#include "eventstore/rocks_side_table.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>

namespace perspectief {
namespace {

Error table_error(const rocksdb::Status& s) {
  // RocksDB messages name files and paths: for the operator's log, not for clients.
  Error e = make_error(ErrorCode::unavailable, "the store cannot serve this now");
  e.internal = "rocksdb: " + s.ToString();
  return e;
}

}  // namespace

RocksSideTable::RocksSideTable(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family,
                               std::vector<rocksdb::ColumnFamilyHandle*> all)
    : db_(db), family_(family), all_(std::move(all)) {}

Result<std::optional<std::string>> RocksSideTable::get(std::string_view key) const {
  if (family_ == nullptr) return std::optional<std::string>{};
  std::string value;
  const auto s = db_.Get({}, family_, rocksdb::Slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return table_error(s);
  return std::optional<std::string>{std::move(value)};
}

Status RocksSideTable::write(std::span<const SideEntry> entries, Durability durability) {
  if (family_ == nullptr) return table_error(rocksdb::Status::NotSupported("no such table"));
  rocksdb::WriteBatch batch;
  for (const auto& e : entries) {
    if (auto s = batch.Put(family_, rocksdb::Slice(e.key), rocksdb::Slice(e.value)); !s.ok())
      return table_error(s);
  }
  rocksdb::WriteOptions wo;
  wo.sync = durability == Durability::synced;
  const auto s = db_.Write(wo, &batch);
  if (!s.ok()) return table_error(s);
  return Ok{};
}

Status RocksSideTable::scan(
    std::string_view from,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  if (family_ == nullptr) return Ok{};
  std::unique_ptr<rocksdb::Iterator> it{db_.NewIterator({}, family_)};
  for (it->Seek(rocksdb::Slice(from)); it->Valid(); it->Next()) {
    if (!visit(it->key().ToStringView(), it->value().ToStringView())) return Ok{};
  }
  if (!it->status().ok()) return table_error(it->status());
  return Ok{};
}

Status RocksSideTable::purge_replaced() {
  if (family_ == nullptr) return Ok{};
  rocksdb::FlushOptions fo;
  fo.wait = true;
  // Once every column family with data in a WAL file is flushed, RocksDB deletes that file.
  auto s = db_.Flush(fo, all_);
  if (!s.ok()) return table_error(s);
  // A forced bottommost compaction leaves no table file with an older value of a key.
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  s = db_.CompactRange(co, family_, nullptr, nullptr);
  if (!s.ok()) return table_error(s);
  return Ok{};
}

}  // namespace perspectief
