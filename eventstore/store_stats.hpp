#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perspectief {

// What the storage engine reports about itself, for the operators' metrics: sizes per column
// family, compaction debt and write stalls (RocksDB properties). Empty for a store without an
// engine behind it (tests' stores in memory).
struct StoreStats {
  struct ColumnFamily {
    std::string name;
    std::uint64_t table_bytes = 0;     // rocksdb.total-sst-files-size
    std::uint64_t memtable_bytes = 0;  // rocksdb.size-all-mem-tables
  };
  std::vector<ColumnFamily> column_families;
  std::uint64_t pending_compaction_bytes = 0;  // rocksdb.estimate-pending-compaction-bytes
  bool write_stopped = false;                  // rocksdb.is-write-stopped
  std::uint64_t delayed_write_rate = 0;        // rocksdb.actual-delayed-write-rate (bytes/s)
  std::uint64_t stalls_slowdown = 0;           // cfstats io_stalls.total_slowdown, summed
  std::uint64_t stalls_stop = 0;               // cfstats io_stalls.total_stop, summed
  // A read follower's (FollowerStore): seconds since its last successful catch-up with the
  // writer, and the catch-ups that failed. Absent on a writer.
  struct Follower {
    double catch_up_age_seconds = 0;
    std::uint64_t catch_up_failures = 0;
  };
  std::optional<Follower> follower;
};

}  // namespace perspectief
