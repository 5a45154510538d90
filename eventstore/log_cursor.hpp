#pragma once

#include <rocksdb/options.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/fold_pages.hpp"
#include "eventstore/record_codec.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Iterator;
}  // namespace rocksdb

namespace perspectief {

// Reads the log front to back from a position on, one envelope at a time: scans and
// EventStore::read_all. Decoded for folds and given the `fold_pages` column family, it reads
// whole fold pages (eventstore/fold_pages.hpp) where the store has them and the events
// themselves elsewhere. For a format 2 record both give the same envelope (the event id, the
// actor's names and the sealed fields empty, the data as its stored text); a format 1 record
// read from the events decodes whole (its data an object, to be upcast by the reader), and
// from a page as text, which the fold upcasts: the typed event is the same. Every envelope
// from a page is checked to be the next position; events are given as stored, in key order.
class LogCursor {
 public:
  // `pages` may be null (a store without the column family, or Decoding::whole, which does
  // not use it). The handles and `db` outlive the cursor.
  // Nothing after `last` is read (a writer's durable position).
  LogCursor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
            rocksdb::ColumnFamilyHandle* pages, rocksdb::ReadOptions read, std::uint64_t after,
            Decoding decoding, std::uint64_t last = UINT64_MAX);
  ~LogCursor();
  LogCursor(const LogCursor&) = delete;
  LogCursor& operator=(const LogCursor&) = delete;

  // The next envelope into `e`: true; false at the end of the log (or `last`) or on an error
  // (status()), and from then on.
  bool next(Envelope& e);
  // An unreadable record or page (corrupt, naming its position), or RocksDB's failure.
  [[nodiscard]] const Status& status() const { return status_; }

 private:
  bool from_page(Envelope& e);
  bool open_page();
  bool from_events(Envelope& e);
  bool fail(Status s);

  rocksdb::DB& db_;
  rocksdb::ColumnFamilyHandle* events_;
  rocksdb::ColumnFamilyHandle* pages_;
  rocksdb::ReadOptions read_;
  RecordDecoder decoder_;
  std::unique_ptr<rocksdb::Iterator> events_it_;
  std::unique_ptr<rocksdb::Iterator> pages_it_;
  std::uint64_t next_;  // the position expected next (pages)
  std::uint64_t last_;
  bool ended_ = false;
  std::uint64_t events_at_ = 0;  // the position of the event events_it_ is on, once given
  std::optional<fold_pages::PageReader> page_;  // the page pages_it_ is on
  std::uint64_t page_key_ = 0;                  // its first position
  Status status_ = Ok{};
};

}  // namespace perspectief
