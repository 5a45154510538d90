#pragma once

#include <cstdint>

#include "domain/result.hpp"
#include "eventstore/fold_pages.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace perspectief::fold_pages {

// Adds the stored events `first`..`last` (the start of one page, not all of it) to `builder`, with
// their data as stored (not upcast; a format 1 record's data as its canonical JSON). False, with
// the page abandoned, when one of them does not decode, has damaged data or is missing: that page
// is never written, and its readers read the events.
bool fill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events, std::uint64_t first,
          std::uint64_t last, PageBuilder& builder);

// Writes the pages a store written before fold pages lacks: every full page of events before
// the first page it has (all of them when it has none), `last` being its last position. From
// the last of those pages back to the first, kPagesPerBatch to a WriteBatch: a stop midway
// leaves the pages from some page on, and the next call goes on below them. Stops at a record
// that does not decode (the pages from there down stay unwritten; verify names the record).
// Returns the pages written.
inline constexpr std::uint64_t kPagesPerBatch = 64;
Result<std::uint64_t> backfill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
                               rocksdb::ColumnFamilyHandle* pages, std::uint64_t last);

}  // namespace perspectief::fold_pages
