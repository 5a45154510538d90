#include "eventstore/backup.hpp"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/utilities/checkpoint.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "eventstore/keys.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/rocks_event_store.hpp"

namespace perspectief {
namespace {

Error failed(const std::string& what, const rocksdb::Status& s) {
  Error e = make_error(ErrorCode::unavailable, what);
  e.internal = s.ToString();
  return e;
}

BackupRecord record_of(const rocksdb::BackupInfo& info) {
  BackupRecord r;
  r.id = info.backup_id;
  r.created = info.timestamp;
  r.bytes = info.size;
  r.files = info.number_files;
  return r;
}

// The backup engine of `dir`, read-only or not.
Result<std::unique_ptr<rocksdb::BackupEngine>> open_engine(const std::string& dir) {
  rocksdb::BackupEngineOptions options(dir);
  options.sync = true;                       // every file synced: a crash leaves no torn backup
  options.share_files_with_checksum = true;  // table files shared by name, size and checksum
  rocksdb::BackupEngine* engine = nullptr;
  const auto s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(), options, &engine);
  if (!s.ok()) return failed("cannot open the backup directory " + dir, s);
  return std::unique_ptr<rocksdb::BackupEngine>(engine);
}

std::uint64_t directory_bytes(const std::string& dir) {
  std::uint64_t n = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (f.is_regular_file(ec)) n += f.file_size(ec);
  }
  return n;
}

// A database opened with every column family it has, closed when it goes.
struct WholeDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  WholeDb() = default;
  WholeDb(const WholeDb&) = delete;
  WholeDb& operator=(const WholeDb&) = delete;
  ~WholeDb() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }

  // Opens `path` for writing (it takes the lock) or read-only.
  rocksdb::Status open(const rocksdb::Options& options, const std::string& path, bool read_only) {
    std::vector<std::string> names;
    auto s = rocksdb::DB::ListColumnFamilies(options, path, &names);
    if (!s.ok()) return s;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.reserve(names.size());
    for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions{});
    return read_only ? rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &db)
                     : rocksdb::DB::Open(options, path, descriptors, &handles, &db);
  }
};

// The last position a backup holds: the backup opened read-only (its WAL replayed, as a
// restore would), and its chain head read. A backup of a running server holds the WAL as far
// as it was written when copied, which can be past the position seen at the start.
Result<std::uint64_t> backup_position(rocksdb::BackupEngine& engine, std::uint32_t id) {
  rocksdb::BackupInfo info;
  auto s = engine.GetBackupInfo(id, &info, /*include_file_details=*/true);
  if (!s.ok()) return failed("cannot read backup " + std::to_string(id), s);
  rocksdb::Options options;
  options.env = info.env_for_open.get();
  WholeDb backup;
  s = backup.open(options, info.name_for_open, /*read_only=*/true);
  if (!s.ok()) return failed("cannot open backup " + std::to_string(id), s);
  std::string head;
  std::uint64_t position = 0;
  if (backup.db->Get({}, backup.handles.front(), kChainHeadKey, &head).ok() && head.size() >= 8) {
    position = keys::decode_u64(head.substr(0, 8));
  }
  return position;
}

bool empty_or_missing(const std::string& dir) {
  std::error_code ec;
  return !std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec);
}

}  // namespace

Result<BackupRecord> create_backup(const std::string& data_dir, const std::string& backup_dir) {
  std::error_code ec;
  std::filesystem::create_directories(backup_dir, ec);
  const std::uint64_t before = directory_bytes(backup_dir);
  rocksdb::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    auto store = ReadOnlyStore::open(data_dir);
    if (!store) return store.take_error();
    auto engine = open_engine(backup_dir);
    if (!engine) return engine.take_error();
    rocksdb::CreateBackupOptions options;
    options.flush_before_backup = false;  // a secondary instance cannot flush; the WAL is copied
    rocksdb::BackupID id = 0;
    last = (*engine)->CreateNewBackup(options, &(*store)->db(), &id);
    if (!last.ok()) {
      // A file the server deleted meanwhile: the half-made backup is dropped, and made again.
      (void)(*engine)->GarbageCollect();
      continue;
    }
    rocksdb::BackupInfo info;
    const auto s = (*engine)->GetBackupInfo(id, &info);
    if (!s.ok()) return failed("cannot read the new backup", s);
    BackupRecord r = record_of(info);
    auto position = backup_position(**engine, id);
    if (!position) return position.take_error();
    r.position = *position;
    const std::uint64_t after = directory_bytes(backup_dir);
    r.bytes_added = after > before ? after - before : 0;
    return r;
  }
  return failed("cannot make a backup", last);
}

Result<std::vector<BackupRecord>> list_backups(const std::string& backup_dir) {
  if (empty_or_missing(backup_dir)) {
    return make_error(ErrorCode::not_found, "no backups in " + backup_dir);
  }
  auto engine = open_engine(backup_dir);
  if (!engine) return engine.take_error();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  std::vector<BackupRecord> out;
  out.reserve(infos.size());
  for (const auto& info : infos) {
    out.push_back(record_of(info));
    auto position = backup_position(**engine, info.backup_id);
    if (!position) return position.take_error();
    out.back().position = *position;
  }
  return out;
}

Result<std::vector<BackupRecord>> verify_backups(const std::string& backup_dir) {
  auto backups = list_backups(backup_dir);
  if (!backups) return backups;
  auto engine = open_engine(backup_dir);
  if (!engine) return engine.take_error();
  for (const auto& b : *backups) {
    const auto s = (*engine)->VerifyBackup(b.id, /*verify_with_checksum=*/true);
    if (!s.ok()) return failed("backup " + std::to_string(b.id) + " does not verify", s);
  }
  return backups;
}

Status purge_backups(const std::string& backup_dir, std::uint32_t keep) {
  if (empty_or_missing(backup_dir)) {
    return make_error(ErrorCode::not_found, "no backups in " + backup_dir);
  }
  auto engine = open_engine(backup_dir);
  if (!engine) return engine.take_error();
  const auto s = (*engine)->PurgeOldBackups(keep);
  if (!s.ok()) return failed("cannot purge the backups", s);
  return Ok{};
}

Result<BackupRecord> restore_backup(const std::string& backup_dir, std::optional<std::uint32_t> id,
                                    const std::string& data_dir) {
  if (!empty_or_missing(data_dir)) {
    return make_error(ErrorCode::conflict, "the target directory is not empty: " + data_dir);
  }
  auto backups = list_backups(backup_dir);
  if (!backups) return backups.take_error();
  if (backups->empty()) return make_error(ErrorCode::not_found, "no backups in " + backup_dir);
  const std::uint32_t chosen = id.value_or(backups->back().id);
  const auto found = std::find_if(backups->begin(), backups->end(),
                                  [&](const BackupRecord& b) { return b.id == chosen; });
  if (found == backups->end()) {
    return make_error(ErrorCode::not_found,
                      "no backup " + std::to_string(chosen) + " in " + backup_dir);
  }
  auto engine = open_engine(backup_dir);
  if (!engine) return engine.take_error();
  const auto s =
      (*engine)->RestoreDBFromBackup(rocksdb::RestoreOptions{}, chosen, data_dir, data_dir);
  if (!s.ok()) return failed("cannot restore backup " + std::to_string(chosen), s);
  return *found;
}

Status checkpoint_store(const std::string& data_dir, const std::string& to) {
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) {
    return make_error(ErrorCode::conflict, "the checkpoint directory exists already: " + to);
  }
  WholeDb store;
  auto s = store.open(rocksdb::Options{}, data_dir, /*read_only=*/false);
  if (!s.ok()) {
    return failed("cannot open the store (a checkpoint needs the server stopped): " + data_dir, s);
  }
  rocksdb::Checkpoint* checkpoint = nullptr;
  s = rocksdb::Checkpoint::Create(store.db, &checkpoint);
  if (s.ok()) {
    s = checkpoint->CreateCheckpoint(to);
    delete checkpoint;
  }
  if (!s.ok()) return failed("cannot make the checkpoint " + to, s);
  return Ok{};
}

}  // namespace perspectief
