#pragma once

#include <cstdint>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/fold_pages.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace perspectief::fold_pages {

// Adds an event decoded for folds (Decoding::for_folds) to `builder` as the writer did: its
// data as stored, not upcast (a format 2 record's text, as it is; a format 1 record's data as
// its canonical JSON). A format 1 record whose data is damaged abandons the page: that page
// is never written, and its readers read the events.
void add_stored(PageBuilder& builder, Envelope& e);

// Adds the stored events `first`..`last` (the start of one page, not all of it) to `builder`
// with add_stored. False, with the page abandoned, when one of them does not decode, has
// damaged data, is missing or cannot be read.
bool fill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events, std::uint64_t first,
          std::uint64_t last, PageBuilder& builder);

// Writes the pages a store written before fold pages lacks: every full page of events before
// the first page it has (all of them when it has none), `last` being its last position. From
// the last of those pages back to the first, kPagesPerBatch to a WriteBatch: a stop midway
// leaves the pages from some page on, and the next call goes on below them. Stops at a record
// that does not decode: the pages of its batch and below stay unwritten (verify names the
// record), and each open reads that batch again. Returns the pages written; unavailable if
// the store cannot be read or written.
inline constexpr std::uint64_t kPagesPerBatch = 64;
Result<std::uint64_t> backfill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
                               rocksdb::ColumnFamilyHandle* pages, std::uint64_t last);

}  // namespace perspectief::fold_pages
