#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/store_stats.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Status;
}  // namespace rocksdb

namespace perspectief {

// The lookups the store makes, for LogReads' and RocksStoreOptions' fail_lookup.
enum class StoreLookup {
  event_id,      // eventId -> position (idempotency, on the writer thread)
  stream_head,   // stream -> version (on the writer thread)
  data_key,      // stream -> wrapped data key (on the writer thread)
  record,        // position -> stored record
  stream_index,  // stream + version -> position (read_stream, stream_version)
};

using FailLookup =
    std::function<std::optional<std::string>(StoreLookup kind, std::string_view key)>;

// A RocksDB failure as the store reports it: unavailable, RocksDB's text (which names files
// and paths) in Error::internal only, for the operator's log.
Error store_error(const rocksdb::Status& s);

// A stored record (or an index entry pointing at it) that cannot be read as written.
Error corrupt_record(std::uint64_t position, const Error& cause);

// The read side of the log over a RocksDB store's `events` and `streams` column families,
// bounded by a durable position the caller passes: the writer's (RocksEventStore) and a read
// follower's (FollowerStore) reads are the same code. Thread-safe (RocksDB reads are).
class LogReads {
 public:
  // `db` and the handles must outlive this object. `upcast` (optional) is applied to every
  // envelope read; `fail_lookup` (optional) is the tests' fault seam.
  LogReads(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
           rocksdb::ColumnFamilyHandle* streams, std::function<void(Envelope&)> upcast,
           FailLookup fail_lookup, rocksdb::ColumnFamilyHandle* fold_pages = nullptr);

  // As EventStore::read_stream, read_all and stream_version, up to `durable`.
  [[nodiscard]] Result<std::vector<Envelope>> read_stream(std::string_view stream,
                                                          std::uint64_t from_version,
                                                          std::size_t max_count,
                                                          Direction direction,
                                                          std::uint64_t durable) const;
  // `decoding`: Decoding::for_folds for EventStore::read_all_for_folds (upcast only the
  // envelopes decoded whole).
  [[nodiscard]] Result<std::vector<Envelope>> read_all(std::uint64_t after, std::size_t limit,
                                                       std::uint64_t durable,
                                                       Decoding decoding = Decoding::whole) const;
  [[nodiscard]] Result<std::uint64_t> stream_version(std::string_view stream,
                                                     std::uint64_t durable) const;
  // The events at these positions, in this order (the streams index named each one).
  [[nodiscard]] Result<std::vector<Envelope>> read_positions(
      const std::vector<std::uint64_t>& positions) const;

  // The injected failure of this lookup (fail_lookup), if any.
  [[nodiscard]] std::optional<Error> injected(StoreLookup kind, std::string_view key) const;

 private:
  rocksdb::DB& db_;
  rocksdb::ColumnFamilyHandle* events_;
  rocksdb::ColumnFamilyHandle* streams_;
  rocksdb::ColumnFamilyHandle* fold_pages_;  // null: the store has none (eventstore/fold_pages.hpp)
  std::function<void(Envelope&)> upcast_;
  FailLookup fail_lookup_;
};

// The engine's figures of a store (sizes per column family, compaction debt, write stalls);
// `cfs` in kColumnFamilies order, a null handle for a column family the store lacks.
StoreStats read_engine_stats(rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs);

}  // namespace perspectief
