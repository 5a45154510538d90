#pragma once

#include <cstdint>
#include <string>

#include "domain/result.hpp"

namespace perspectief {

struct CopyReport {
  std::uint64_t events = 0;   // the copy holds positions 1..events
  std::uint64_t entries = 0;  // key-value pairs copied over all column families
};

// Copies the store at `from` into a new store at `to` (which must not exist or be empty),
// key for key and byte for byte in every column family, so the copy has the same records,
// positions, indexes, hash chain and snapshot. `from` is opened read-only (no lock; all its
// files are opened at once, so the live server's compactions cannot pull one away), which
// makes the copy consistent as of that moment: whole commits only, positions gapless.
// Used for online backups and for restores.
Result<CopyReport> copy_store(const std::string& from, const std::string& to);

}  // namespace perspectief
