#include "eventstore/rocks_options.hpp"

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

namespace perspectief {
namespace {

// Hash buckets per memtable: a memtable holds up to about 100,000 new cases before the
// `events` column family's 64 MiB fill it and all are flushed together (atomic_flush). The
// bucket array takes 1 MiB of each memtable's arena.
constexpr std::size_t kBuckets = std::size_t{1} << 17;

}  // namespace

rocksdb::Options db_options() {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  // Every flush takes all column families at once, in one manifest edit: a read-only open
  // (verify, export, backup) beside a flushing server sees all of them at the same point,
  // never an event whose index or data key is still only in a WAL file being deleted.
  o.atomic_flush = true;
  o.IncreaseParallelism(2);
  o.max_background_jobs = 2;
  // Hashed memtables take one insert at a time; the store's single writer thread writes
  // every batch of events anyway (and the leader of a write group inserts its followers').
  o.allow_concurrent_memtable_write = false;
  return o;
}

rocksdb::ColumnFamilyOptions cf_options(std::string_view name) {
  const bool by_key = name == "event_ids" || name == "heads" || name == "data_keys";
  const bool lookups = by_key || name == "streams";
  const bool log = name == "events" || name == "fold_pages";
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  // The log is read mostly front to back (rebuilds, replays, feeds): 16 KiB blocks cost a
  // scan about half of what the default 4 KiB blocks do (fewer block reads, checksums and
  // cache lookups per event) and compress better; a point read decodes one such block.
  // LZ4 decompresses faster than the default Snappy at the same size here (the sealed
  // personal fields do not compress either way): rebuilds +10-15% (docs/performance.md).
  // Files written before keep Snappy; both are read.
  if (log) {
    t.block_size = std::size_t{16} * 1024;
    o.compression = rocksdb::kLZ4Compression;
  }
  if (by_key) {
    o.prefix_extractor.reset(rocksdb::NewNoopTransform());
    o.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(kBuckets));
  }
  if (lookups) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.whole_key_filtering = true;
    // Most lookups are for eventIds and streams that do not exist yet: a memtable bloom
    // filter answers those without looking in the memtable.
    o.memtable_prefix_bloom_size_ratio = 0.1;
    o.memtable_whole_key_filtering = true;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace perspectief
