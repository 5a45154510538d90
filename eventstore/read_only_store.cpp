#include "eventstore/read_only_store.hpp"

#include <rocksdb/db.h>

#include "eventstore/rocks_event_store.hpp"

namespace perspectief {

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::open(const std::string& path) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnFamilies)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  rocksdb::Options options;
  options.max_open_files = -1;
  std::unique_ptr<ReadOnlyStore> store{new ReadOnlyStore()};
  const auto s =
      rocksdb::DB::OpenForReadOnly(options, path, descriptors, &store->cfs_, &store->db_);
  if (!s.ok()) {
    Error e = make_error(ErrorCode::unavailable, "cannot open the store read-only");
    e.internal = s.ToString();
    return e;
  }
  return store;
}

ReadOnlyStore::~ReadOnlyStore() {
  if (db_ == nullptr) return;
  for (auto* h : cfs_) db_->DestroyColumnFamilyHandle(h);
  delete db_;
}

}  // namespace perspectief
