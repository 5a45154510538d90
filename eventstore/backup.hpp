#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace perspectief {

// Backups of a store with RocksDB's BackupEngine (`perspectief backup`): a backup directory
// holds any number of backups; their table files are shared by name and checksum, so a
// second backup of a grown store adds only the new files; every file is checksummed.
struct BackupRecord {
  std::uint32_t id = 0;
  std::int64_t created = 0;  // seconds since the epoch
  std::uint64_t bytes = 0;   // the files the backup consists of (shared ones included)
  std::uint32_t files = 0;
  std::uint64_t position = 0;     // the last event it holds
  std::uint64_t bytes_added = 0;  // what the backup directory grew by (create_backup only)
};

// Adds a backup of the store at `data_dir` to `backup_dir` (made if missing). The store is
// opened as a RocksDB secondary instance, so this works beside a running server: the backup
// holds the table files of that moment and the WAL as far as it was written when copied, so
// a restore replays whole commits up to a point at or after the opening, positions gapless.
// The position reported is read from the backup itself (opened read-only, as a restore
// would). A server's compaction can delete a table file before it is copied: then the backup
// is made again (up to five times).
Result<BackupRecord> create_backup(const std::string& data_dir, const std::string& backup_dir);

// The backups of `backup_dir`, oldest first.
Result<std::vector<BackupRecord>> list_backups(const std::string& backup_dir);

// Checks every backup of `backup_dir`: each file there, of its size and checksum. Returns the
// backups checked; an error names the first that fails.
Result<std::vector<BackupRecord>> verify_backups(const std::string& backup_dir);

// Deletes all but the newest `keep` backups (and the files only they used).
Status purge_backups(const std::string& backup_dir, std::uint32_t keep);

// Restores backup `id` (nullopt: the newest) of `backup_dir` into `data_dir`, which must not
// exist or be empty.
Result<BackupRecord> restore_backup(const std::string& backup_dir, std::optional<std::uint32_t> id,
                                    const std::string& data_dir);

// A checkpoint of a stopped store (RocksDB's Checkpoint: table files hard-linked, instant, in
// the same file system) at `to`, which must not exist: a local copy before an upgrade.
Status checkpoint_store(const std::string& data_dir, const std::string& to);

}  // namespace perspectief
