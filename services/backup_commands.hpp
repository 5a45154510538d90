#pragma once

#include "services/flags.hpp"

namespace perspectief {

// perspectief backup [list | verify | purge] and restore, over RocksDB's BackupEngine
// (eventstore/backup.hpp), and checkpoint. Each returns the tool's exit code: 0 done, 1 failed,
// 2 a usage error.
int backup_command(const Flags& flags);
int restore_command(const Flags& flags);
int checkpoint_command(const Flags& flags);

}  // namespace perspectief
