#pragma once

#include <rocksdb/options.h>

#include <string_view>

namespace perspectief {

// The options the writer opens its RocksDB store with (RocksEventStore::open).
rocksdb::Options db_options();

// The options of one of the store's column families (kColumnFamilies), by its name.
//
// Memtables. A new case writes four keys that land anywhere in their column family's order:
// its eventId (`event_ids`), its stream's head (`heads`) and data key (`data_keys`), and its
// stream index entry (`streams`). In RocksDB's default skiplist memtable each such insert
// walks the list from the top, about 66 key comparisons (docs/performance.md). These four
// column families are read by key (`event_ids`, `heads`, `data_keys`: Get; the key ring's
// rare scans ask for total order, RocksSideTable::scan) or within one stream (`streams`:
// LogReads::read_stream seeks and stays inside the stream's prefix), never across keys in
// order on the request path; so their memtables are hash tables: a hashed linked list per
// key for the first three, a small skiplist per stream for `streams`. A flush (and a scan in
// total order) sorts a memtable's keys once instead. Read-only opens (verify, export, backup,
// the read follower) use RocksDB's defaults, which read the same files.
rocksdb::ColumnFamilyOptions cf_options(std::string_view name);

}  // namespace perspectief
