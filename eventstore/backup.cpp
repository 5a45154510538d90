#include "eventstore/backup.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "eventstore/read_only_store.hpp"
#include "eventstore/rocks_event_store.hpp"

namespace perspectief {
namespace {

Error failed(const std::string& what, const rocksdb::Status& s) {
  Error e = make_error(ErrorCode::unavailable, what);
  e.internal = s.ToString();
  return e;
}

struct Handles {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  ~Handles() {
    for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
};

}  // namespace

Result<CopyReport> copy_store(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (std::filesystem::exists(to, ec) && !std::filesystem::is_empty(to, ec)) {
    return make_error(ErrorCode::conflict, "the target directory is not empty: " + to);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(std::size(kColumnFamilies));
  for (const char* name : kColumnFamilies)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions{});

  auto source_store = ReadOnlyStore::open(from);
  if (!source_store) return source_store.take_error();
  rocksdb::DB* source_db = &(*source_store)->db();

  rocksdb::Options target_options;
  target_options.create_if_missing = true;
  target_options.create_missing_column_families = true;
  target_options.error_if_exists = true;
  Handles target;
  auto s = rocksdb::DB::Open(target_options, to, descriptors, &target.cfs, &target.db);
  if (!s.ok()) return failed("cannot create the target store " + to, s);

  CopyReport report;
  // The source does not change while it is open (it never catches up again), so every
  // column family is read at the same point without a snapshot (which it does not support).
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  for (std::size_t cf = 0; cf < (*source_store)->cf_count(); ++cf) {
    if ((*source_store)->cf(cf) == nullptr) continue;  // an older store without it
    std::unique_ptr<rocksdb::Iterator> it{source_db->NewIterator(ro, (*source_store)->cf(cf))};
    rocksdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      batch.Put(target.cfs[cf], it->key(), it->value());
      ++report.entries;
      if (cf == 1) ++report.events;
      if (batch.GetDataSize() > (8 << 20)) {
        s = target.db->Write({}, &batch);
        if (!s.ok()) break;
        batch.Clear();
      }
    }
    if (s.ok() && !it->status().ok()) s = it->status();
    if (s.ok()) s = target.db->Write({}, &batch);
    if (!s.ok()) return failed("copy failed", s);
  }
  rocksdb::FlushOptions flush;
  s = target.db->Flush(flush, target.cfs);
  if (s.ok()) s = target.db->SyncWAL();
  if (!s.ok()) return failed("cannot make the copy durable", s);
  return report;
}

}  // namespace perspectief
