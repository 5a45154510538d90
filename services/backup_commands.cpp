#include "services/backup_commands.hpp"

#include <iostream>
#include <string>

#include "domain/time.hpp"
#include "eventstore/backup.hpp"
#include "eventstore/verify.hpp"

namespace perspectief {
namespace {

int usage(const std::string& command, const std::string& message) {
  std::cerr << "perspectief " << command << ": " << message << "\n";
  return 2;
}

int failure(const std::string& command, const Error& e) {
  std::cerr << "perspectief " << command << ": " << e.message;
  if (!e.internal.empty()) std::cerr << " (" << e.internal << ")";
  std::cerr << "\n";
  return 1;
}

void print(const BackupRecord& b) {
  std::cout << "backup " << b.id << "  " << format_rfc3339(b.created * kMicrosPerSecond)
            << "  position " << b.position << "  " << b.files << " files  " << b.bytes
            << " bytes\n";
}

int add_backup(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  const auto to = flags.get("to");
  if (!dir || !to) return usage("backup", "--data-dir and --to are required");
  const auto made = create_backup(*dir, *to);
  if (!made) return failure("backup", made.error());
  // Checked as it lies in the backup directory: every file of this backup, by checksum.
  const auto checked = verify_backups(*to);
  if (!checked) return failure("backup", checked.error());
  std::cout << "backup: " << made->position << " events as backup " << made->id << " in " << *to
            << " (" << made->files << " files, " << made->bytes << " bytes, " << made->bytes_added
            << " bytes added); verify: ok\n";
  return 0;
}

}  // namespace

int backup_command(const Flags& flags) {
  const auto& words = flags.positional();
  if (words.size() > 1) return usage("backup", "one of: list, verify, purge, or none");
  const std::string sub = words.empty() ? "" : words.front();
  if (sub.empty()) return add_backup(flags);
  const auto to = flags.get("to");
  if (!to) return usage("backup " + sub, "--to is required");
  if (sub == "list") {
    const auto backups = list_backups(*to);
    if (!backups) return failure("backup list", backups.error());
    for (const auto& b : *backups) print(b);
    return 0;
  }
  if (sub == "verify") {
    const auto backups = verify_backups(*to);
    if (!backups) return failure("backup verify", backups.error());
    std::cout << "backup verify: " << backups->size() << " backups in " << *to
              << ", every file of its size and checksum\n";
    return 0;
  }
  if (sub == "purge") {
    const auto keep = flags.get_uint("keep", 0);
    if (!keep || *keep < 1 || *keep > 100000) {
      return usage("backup purge", "--keep N (1 or more) is required");
    }
    if (auto s = purge_backups(*to, static_cast<std::uint32_t>(*keep)); !s) {
      return failure("backup purge", s.error());
    }
    const auto left = list_backups(*to);
    if (!left) return failure("backup purge", left.error());
    std::cout << "backup purge: " << left->size() << " backups kept in " << *to << "\n";
    return 0;
  }
  return usage("backup", "unknown subcommand " + sub + " (list, verify, purge)");
}

int restore_command(const Flags& flags) {
  const auto from = flags.get("from");
  const auto dir = flags.get("data-dir");
  if (!from || !dir) return usage("restore", "--from and --data-dir are required");
  std::optional<std::uint32_t> id;
  if (flags.has("backup-id")) {
    const auto n = flags.get_uint("backup-id", 0);
    if (!n || *n < 1 || *n > 0xffffffffULL) return usage("restore", "--backup-id N (1 or more)");
    id = static_cast<std::uint32_t>(*n);
  }
  const auto restored = restore_backup(*from, id, *dir);
  if (!restored) return failure("restore", restored.error());
  const VerifyReport r = verify_store(*dir);
  if (!r.ok) {
    std::cerr << "perspectief restore: the restored store does not verify: " << r.problem << "\n";
    return 1;
  }
  std::cout << "restore: backup " << restored->id << " (" << r.events << " events) restored to "
            << *dir << "; verify: ok\n";
  return 0;
}

int checkpoint_command(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  const auto to = flags.get("to");
  if (!dir || !to) return usage("checkpoint", "--data-dir and --to are required");
  if (auto s = checkpoint_store(*dir, *to); !s) return failure("checkpoint", s.error());
  std::cout << "checkpoint: " << *dir << " at " << *to << " (table files hard-linked)\n";
  return 0;
}

}  // namespace perspectief
