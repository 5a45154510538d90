#include "eventstore/log_reads.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>

#include "eventstore/keys.hpp"
#include "eventstore/log_cursor.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/rocks_event_store.hpp"

namespace perspectief {

Error store_error(const rocksdb::Status& s) {
  // RocksDB messages name files and paths: for the operator's log, not for clients.
  Error e = make_error(ErrorCode::unavailable, "the event store cannot serve this now");
  e.internal = "rocksdb: " + s.ToString();
  return e;
}

// The store is damaged, and retrying will not help. The position is no personal data; the
// decoder's message names what is wrong, never the record's contents.
Error corrupt_record(std::uint64_t position, const Error& cause) {
  Error e = make_error(ErrorCode::corrupt,
                       "the stored record at position " + std::to_string(position) +
                           " is damaged: the operator should run `perspectief verify`");
  e.internal = "position " + std::to_string(position) + ": " + cause.message;
  return e;
}

LogReads::LogReads(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
                   rocksdb::ColumnFamilyHandle* streams, std::function<void(Envelope&)> upcast,
                   FailLookup fail_lookup, rocksdb::ColumnFamilyHandle* fold_pages)
    : db_(db),
      events_(events),
      streams_(streams),
      fold_pages_(fold_pages),
      upcast_(std::move(upcast)),
      fail_lookup_(std::move(fail_lookup)) {}

std::optional<Error> LogReads::injected(StoreLookup kind, std::string_view key) const {
  if (!fail_lookup_) return std::nullopt;
  if (auto text = fail_lookup_(kind, key)) return store_error(rocksdb::Status::IOError(*text));
  return std::nullopt;
}

Result<std::vector<Envelope>> LogReads::read_positions(
    const std::vector<std::uint64_t>& positions) const {
  std::vector<std::string> key_bytes;
  key_bytes.reserve(positions.size());
  for (const auto p : positions) key_bytes.push_back(keys::encode_u64(p));
  std::vector<rocksdb::Slice> key_slices(key_bytes.begin(), key_bytes.end());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (auto fault = injected(StoreLookup::record, key_bytes[i])) return *fault;
  }
  std::vector<std::string> values;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles(key_slices.size(), events_);
  const auto statuses = db_.MultiGet({}, handles, key_slices, &values);
  std::vector<Envelope> out;
  out.reserve(values.size());
  RecordDecoder decoder;
  for (std::size_t i = 0; i < values.size(); ++i) {
    // The streams index names this position: a missing record is damage, not absence.
    if (statuses[i].IsNotFound()) {
      return corrupt_record(positions[i], make_error(ErrorCode::corrupt, "indexed but missing"));
    }
    if (!statuses[i].ok()) return store_error(statuses[i]);
    Envelope& e = out.emplace_back();
    if (auto s = decoder.decode(values[i], e); !s) return corrupt_record(positions[i], s.error());
    if (upcast_) upcast_(e);
  }
  return out;
}

Result<std::vector<Envelope>> LogReads::read_stream(std::string_view stream,
                                                    std::uint64_t from_version,
                                                    std::size_t max_count, Direction direction,
                                                    std::uint64_t durable) const {
  if (auto fault = injected(StoreLookup::stream_index, stream)) return *fault;
  const std::string prefix = keys::stream_prefix(stream);
  std::vector<std::uint64_t> positions;
  std::unique_ptr<rocksdb::Iterator> it{db_.NewIterator({}, streams_)};
  const auto in_stream = [&] {
    return it->Valid() && it->key().starts_with(rocksdb::Slice(prefix)) &&
           it->key().size() == prefix.size() + 8;
  };
  if (direction == Direction::forwards) {
    for (it->Seek(keys::stream_index(stream, std::max<std::uint64_t>(from_version, 1)));
         in_stream() && positions.size() < max_count; it->Next()) {
      const auto p = keys::decode_u64({it->value().data(), it->value().size()});
      if (p > durable) break;  // written, not yet synced: not visible
      positions.push_back(p);
    }
  } else {
    const std::uint64_t start = from_version == 0 ? UINT64_MAX : from_version;
    for (it->SeekForPrev(keys::stream_index(stream, start));
         in_stream() && positions.size() < max_count; it->Prev()) {
      const auto p = keys::decode_u64({it->value().data(), it->value().size()});
      if (p <= durable) positions.push_back(p);
    }
  }
  if (!it->status().ok()) return store_error(it->status());
  return read_positions(positions);
}

Result<std::vector<Envelope>> LogReads::read_all(std::uint64_t after, std::size_t limit,
                                                 std::uint64_t durable, Decoding decoding) const {
  std::vector<Envelope> out;
  if (after == std::numeric_limits<std::uint64_t>::max()) return out;  // nothing lies beyond
  LogCursor cursor{db_, events_, fold_pages_, {}, after, decoding, durable};
  Envelope e;
  while (out.size() < limit && cursor.next(e)) {
    if (upcast_ && e.data_text.empty()) upcast_(e);  // text: upcast by the fold, if at all
    out.push_back(std::move(e));
  }
  if (!cursor.status()) return cursor.status().error();
  return out;
}

Result<std::uint64_t> LogReads::stream_version(std::string_view stream,
                                               std::uint64_t durable) const {
  // The heads column family may be ahead of the durable position; the last durable event
  // of the stream is not.
  auto last = read_stream(stream, 0, 1, Direction::backwards, durable);
  if (!last) return last.take_error();
  return last->empty() ? std::uint64_t{0} : last->front().version;
}

StoreStats read_engine_stats(rocksdb::DB& db,
                             const std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
  StoreStats out;
  const auto number = [&](rocksdb::ColumnFamilyHandle* cf, const std::string& property) {
    std::uint64_t value = 0;
    return db.GetIntProperty(cf, property, &value) ? value : 0;
  };
  for (std::size_t i = 0; i < cfs.size() && i < std::size(kColumnFamilies); ++i) {
    if (cfs[i] == nullptr) continue;
    out.column_families.push_back({kColumnFamilies[i],
                                   number(cfs[i], rocksdb::DB::Properties::kTotalSstFilesSize),
                                   number(cfs[i], rocksdb::DB::Properties::kSizeAllMemTables)});
    out.pending_compaction_bytes +=
        number(cfs[i], rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
    std::map<std::string, std::string> cfstats;
    if (db.GetMapProperty(cfs[i], rocksdb::DB::Properties::kCFStats, &cfstats)) {
      const auto count = [&](const char* key) -> std::uint64_t {
        const auto it = cfstats.find(key);
        return it == cfstats.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
      };
      out.stalls_slowdown += count("io_stalls.total_slowdown");
      out.stalls_stop += count("io_stalls.total_stop");
    }
  }
  if (!cfs.empty() && cfs.front() != nullptr) {
    out.write_stopped = number(cfs.front(), rocksdb::DB::Properties::kIsWriteStopped) != 0;
    out.delayed_write_rate = number(cfs.front(), rocksdb::DB::Properties::kActualDelayedWriteRate);
  }
  return out;
}

}  // namespace perspectief
