#include "eventstore/scan.hpp"

#include <rocksdb/db.h>
#include <rocksdb/perf_level.h>

#include <limits>
#include <memory>
#include <vector>

#include "eventstore/log_cursor.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/rocks_event_store.hpp"

namespace perspectief {

Status scan_store(const std::string& path, std::uint64_t after,
                  const std::function<void(Envelope&)>& upcast,
                  const std::function<void(Envelope&)>& visit) {
  auto store = ReadOnlyStore::open(path);
  if (!store) return store.take_error();
  return scan_store(**store, after, upcast, visit);
}

Status scan_store(ReadOnlyStore& store, std::uint64_t after,
                  const std::function<void(Envelope&)>& upcast,
                  const std::function<void(Envelope&)>& visit) {
  return scan_store_pages(store, after, upcast, [&](std::span<Envelope> page) {
    for (auto& e : page) visit(e);
  });
}

namespace {

Status scan_pages(ReadOnlyStore& store, std::uint64_t after,
                  const std::function<void(Envelope&)>& upcast, Decoding decoding,
                  const std::function<void(std::span<Envelope>)>& visit) {
  constexpr std::size_t kPage = 256;
  Status result = Ok{};
  if (after == std::numeric_limits<std::uint64_t>::max()) return result;  // nothing beyond it
  {
    // RocksDB counts every step of an iterator in thread-local counters nobody here reads
    // (a TLS lookup per call from a shared library): off for this thread while it scans.
    const rocksdb::PerfLevel level = rocksdb::GetPerfLevel();
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    struct RestoreLevel {
      rocksdb::PerfLevel level;
      ~RestoreLevel() { rocksdb::SetPerfLevel(level); }
    } restore{level};
    // A scan reads every block once: read ahead, and keep the block cache for other readers.
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    read.readahead_size = 4 << 20;
    LogCursor cursor{store.db(), store.cf(kEventsCf), store.cf(kFoldPagesCf), read, after,
                     decoding};
    std::vector<Envelope> page(kPage);
    std::size_t n = 0;
    std::uint64_t expected = after + 1;
    while (cursor.next(page[n])) {
      Envelope& e = page[n];
      // The log is gapless: a missing position is a damaged store or a torn view of a store
      // being written, never something to pass over in silence.
      if (e.position != expected) {
        result = make_error(ErrorCode::corrupt, "position missing: the next record is at " +
                                                    std::to_string(e.position));
        break;
      }
      ++expected;
      if (upcast && e.data_text.empty()) upcast(e);  // text: upcast by the fold, if at all
      if (++n == kPage) {
        visit(std::span<Envelope>{page.data(), n});
        n = 0;
      }
    }
    // Also before an error: what decoded before the bad record is visited, as it is read.
    if (n > 0) visit(std::span<Envelope>{page.data(), n});
    if (result && !cursor.status()) result = cursor.status();
  }
  return result;
}

}  // namespace

Status scan_store_pages(ReadOnlyStore& store, std::uint64_t after,
                        const std::function<void(Envelope&)>& upcast,
                        const std::function<void(std::span<Envelope>)>& visit) {
  return scan_pages(store, after, upcast, Decoding::whole, visit);
}

Status scan_store_text_pages(ReadOnlyStore& store, std::uint64_t after,
                             const std::function<void(Envelope&)>& upcast,
                             const std::function<void(std::span<Envelope>)>& visit) {
  return scan_pages(store, after, upcast, Decoding::for_folds, visit);
}

Result<Envelope> envelope_from_json(const boost::json::object& o) {
  Envelope e;
  try {
    e.position = o.at("position").to_number<std::uint64_t>();
    e.stream = o.at("stream").as_string();
    e.version = o.at("version").to_number<std::uint64_t>();
    if (const auto* id = o.if_contains("eventId")) e.event_id = id->as_string();
    e.type = o.at("type").as_string();
    e.schema_version = o.at("schemaVersion").to_number<int>();
    const auto occurred = parse_stored_rfc3339(o.at("occurredAt").as_string());
    const auto recorded = parse_stored_rfc3339(o.at("recordedAt").as_string());
    if (!occurred || !recorded) return make_error(ErrorCode::invalid, "bad time in envelope");
    e.occurred_at = *occurred;
    e.recorded_at = *recorded;
    if (const auto* actor = o.if_contains("actor"); actor != nullptr && actor->is_object()) {
      const auto& a = actor->as_object();
      if (const auto* s = a.if_contains("subject")) e.actor.subject = s->as_string();
      if (const auto* s = a.if_contains("organisation")) e.actor.organisation = s->as_string();
      if (const auto* s = a.if_contains("role"))
        e.actor.role = parse_role(s->as_string()).value_or(Role::ops);
    }
    e.data = o.at("data").as_object();
    if (const auto* damaged = o.if_contains("dataDamaged")) e.data_damaged = damaged->as_bool();
  } catch (const std::exception&) {
    return make_error(ErrorCode::invalid, "an envelope lacks a field");
  }
  return e;
}

}  // namespace perspectief
