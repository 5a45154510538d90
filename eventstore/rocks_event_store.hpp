#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "domain/mutex.hpp"
#include "domain/thread_annotations.hpp"
#include "eventstore/append_policy.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/fold_pages.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/log_reads.hpp"
#include "eventstore/side_table.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace perspectief {

class RocksSideTable;

struct RocksStoreOptions {
  std::string path;
  const Clock* clock = nullptr;         // required
  AppendPolicy* policy = nullptr;       // optional; must outlive the store
  std::size_t max_group_events = 8192;  // events gathered into one WriteBatch at most
  // Applied to every envelope read (schema evolution: domain/upcasters.hpp). Optional.
  std::function<void(Envelope&)> upcast;
  // Write records in format 1 (JSON), as versions before format 2 did (record_codec.hpp):
  // only for tests of the stores such versions left. Both formats are always read.
  bool json_records = false;
  // Test seam for RocksDB read errors (the Debian package has no fault injection): asked
  // before each lookup of `kind` with its key; an answer fails that lookup as an I/O error
  // with that text. Never set outside tests.
  FailLookup fail_lookup;
};

// Column families: events (position -> record), streams (stream+version -> position),
// event_ids (eventId -> position, occurredAt, content hash), heads (stream -> version),
// checkpoints (name -> bytes), data_keys (stream -> its data key wrapped with the master key,
// or the erasure marker; eventstore/key_ring.hpp), access_log (reads of personal data;
// eventstore/access_log.hpp), subscriptions (the partners' server-side cursors and parked
// webhook batches; projections/subscriptions.hpp), fold_pages (first position -> the page's
// events as folds read them; eventstore/fold_pages.hpp).
inline constexpr std::array<const char*, 10> kColumnFamilies = {
    "default",     "events",    "streams",    "event_ids",     "heads",
    "checkpoints", "data_keys", "access_log", "subscriptions", "fold_pages"};
inline constexpr std::size_t kEventsCf = 1;
inline constexpr std::size_t kStreamsCf = 2;
inline constexpr std::size_t kDataKeysCf = 6;
inline constexpr std::size_t kAccessLogCf = 7;
inline constexpr std::size_t kSubscriptionsCf = 8;
inline constexpr std::size_t kFoldPagesCf = 9;

// Key in the default column family: the last position (8 bytes) and the hex SHA-256 of its
// record, so that verify can tell whether the newest record was altered.
inline constexpr const char* kChainHeadKey = "chain-head";

// The event log on RocksDB, with a two-stage group commit:
// - the writer thread takes every queued append, checks and admits them, and writes them as
//   one WriteBatch to the WAL (not yet synced);
// - the syncer thread syncs the WAL once for every batch written since its last sync, then
//   answers those appends and advances the durable position.
// While one sync runs the writer prepares and writes the next batch, so a batch holds every
// append that arrived during one fsync. When nothing else is queued or syncing, the writer
// writes with sync=true itself and answers at once (lower latency under light load).
// Nobody is answered before the sync covering their events, and no read returns an event
// beyond the durable position.
// Locking: queue_mu_ guards the queue, sync_mu_ the hand-off to the syncer (taken before
// queue_mu_ where both are held), subscribers_mu_ the subscribers; Clang checks these
// (-Wthread-safety). The writer's own state (heads_, last_hash_hex_, written_position_) is
// touched by the writer thread only, and finish() runs on one thread at a time (the syncer,
// or the writer while the syncer is idle); asserts check both in Debug builds.
class RocksEventStore final : public EventStore {
 public:
  // Opens (creating if missing) the store at options.path. unavailable if the directory
  // cannot be opened or is locked by another process.
  static Result<std::unique_ptr<RocksEventStore>> open(RocksStoreOptions options);
  ~RocksEventStore() override;

  RocksEventStore(const RocksEventStore&) = delete;
  RocksEventStore& operator=(const RocksEventStore&) = delete;

  // Answers every queued append, stops the writer and closes the database. Idempotent.
  void close();

  // Flushes and compacts every column family into its final level, so the next full scan
  // (a rebuild, replay, export) reads sorted, non-overlapping files. For after a bulk load
  // (perspectief demo); RocksDB compacts a long-running store by itself. unavailable if
  // RocksDB fails.
  [[nodiscard]] Status compact();

  // The fold pages this open wrote for a store written before them (eventstore/
  // fold_page_fill.hpp); 0 for a store that had them.
  std::uint64_t backfilled_fold_pages() const { return backfilled_fold_pages_; }

  void append(AppendRequest request, AppendCallback done) override;
  Result<std::vector<Envelope>> read_stream(std::string_view stream, std::uint64_t from_version,
                                            std::size_t max_count,
                                            Direction direction) const override;
  Result<std::vector<Envelope>> read_all(std::uint64_t after, std::size_t limit) const override;
  Result<std::vector<Envelope>> read_all_for_folds(std::uint64_t after,
                                                   std::size_t limit) const override;
  Result<std::uint64_t> stream_version(std::string_view stream) const override;
  std::uint64_t last_position() const override { return last_position_.load(); }
  StoreStats engine_stats() const override;
  bool writable() const override { return !failed_.load() && !closed_.load(); }
  std::uint64_t subscribe(std::function<void(std::uint64_t)> on_commit) override;
  void unsubscribe(std::uint64_t id) override;
  Status put_checkpoint(std::string_view name, std::string_view bytes) override;
  std::optional<std::string> get_checkpoint(std::string_view name) const override;
  bool read_checkpoint(std::string_view name,
                       const std::function<void(std::string_view)>& use) const override;

  struct Stats {
    std::uint64_t commits = 0;      // WAL syncs that made events durable
    std::uint64_t events = 0;       // events they made durable
    std::uint64_t sync_micros = 0;  // time spent syncing
  };
  Stats stats() const { return {commits_.load(), committed_events_.load(), sync_micros_.load()}; }

  // The privacy layer's tables, beside the log in the same store: the wrapped data keys
  // (kDataKeysCf; eventstore/key_ring.hpp), which appends write too (new_data_key,
  // shred_data_key), and the access log (kAccessLogCf; eventstore/access_log.hpp). Valid
  // until close().
  SideTable& data_key_table();
  SideTable& access_log_table();
  SideTable& subscription_table();

  // Test seam: the raw database, for tests that damage stored bytes on purpose. Nothing
  // outside tests uses it; the privacy layer goes through the tables above.
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* column_family(std::size_t index) { return cf_.at(index); }

 private:
  struct Pending {
    AppendRequest request;
    AppendCallback done;
  };
  struct GroupState;
  // A batch written to the WAL, waiting for the sync that makes it durable.
  struct Written {
    std::vector<Pending> work;
    std::vector<std::optional<Result<AppendResult>>> results;
    std::uint64_t last_position = 0;  // the written position after this batch
    std::size_t events = 0;
  };

  RocksEventStore() = default;
  void writer_loop() EXCLUDES(queue_mu_, sync_mu_);
  void syncer_loop() EXCLUDES(sync_mu_);
  void write_group(std::vector<Pending>& work) EXCLUDES(queue_mu_, sync_mu_);
  // Answers a synced (or failed) batch: durable position, callbacks, subscribers.
  void finish(std::deque<Written>& batch, bool synced_ok, const Error* failure)
      EXCLUDES(sync_mu_, subscribers_mu_);
  // Appends waiting in to_sync_.
  std::size_t waiting_requests() const REQUIRES(sync_mu_);
  // For asserts: the calling thread is the writer; finish() runs on one thread only.
  bool on_writer_thread() const;
  bool finishing_alone() EXCLUDES(sync_mu_);
  Result<AppendResult> admit(const AppendRequest& request, GroupState& group);
  // The index entry of `event_id` (stored, or earlier in this group), if there is one.
  Result<std::optional<keys::EventIdEntry>> stored_event_id(const std::string& event_id,
                                                            const GroupState& group) const;
  // The positions of the request's events if every one is stored already with the same
  // content (a resend); empty if none is; conflict otherwise.
  Result<std::vector<std::uint64_t>> stored_positions(const AppendRequest& request,
                                                      const GroupState& group) const;
  // Whether the request's new data key goes into the batch (the stream has none yet).
  Result<bool> puts_data_key(const AppendRequest& request, const GroupState& group) const;
  // Adds the admitted events (records, indexes), the stream head and the data key or
  // erasure marker to the group's batch.
  void add_to_batch(const AppendRequest& request, const std::vector<Envelope>& envelopes,
                    bool put_data_key, GroupState& group);
  // The fold page being filled at open: the events of the last page after the last full one.
  void start_fold_page();
  Result<AppendResult> resend_result(const AppendRequest& request, GroupState& group,
                                     const std::vector<std::uint64_t>& positions);
  Result<std::uint64_t> head_of(const std::string& stream, const GroupState& group);
  Result<std::vector<Envelope>> read_positions(const std::vector<std::uint64_t>& positions) const;
  // The injected failure of this lookup (RocksStoreOptions::fail_lookup), if any (LogReads).
  std::optional<Error> injected(StoreLookup kind, std::string_view key) const;

  RocksStoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_;  // in kColumnFamilies order
  std::unique_ptr<LogReads> reads_;
  std::unique_ptr<RocksSideTable> data_keys_;
  std::unique_ptr<RocksSideTable> access_log_;
  std::unique_ptr<RocksSideTable> subscriptions_;

  Mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_ GUARDED_BY(queue_mu_);
  bool stopping_ GUARDED_BY(queue_mu_) = false;
  std::thread writer_;
  std::atomic<std::thread::id> writer_id_{};  // for asserts

  Mutex sync_mu_ ACQUIRED_BEFORE(queue_mu_);
  std::condition_variable sync_cv_;
  std::deque<Written> to_sync_ GUARDED_BY(sync_mu_);
  bool writer_done_ GUARDED_BY(sync_mu_) = false;
  bool syncing_ GUARDED_BY(sync_mu_) = false;  // the syncer is syncing or answering a batch
  std::size_t last_sync_requests_ = 0;         // syncer only
  std::atomic<std::thread::id> syncer_id_{};   // for asserts
  static constexpr std::chrono::microseconds kCommitDelay{150};
  std::thread syncer_;

  // Writer-thread state (written, not necessarily durable).
  std::unordered_map<std::string, std::uint64_t> heads_;
  std::string last_hash_hex_;
  fold_pages::PageBuilder fold_page_;  // the writer's
  std::uint64_t backfilled_fold_pages_ = 0;
  std::uint64_t written_position_ = 0;
  // The recordedAt of the last request admitted: the next one's is later (also when the clock
  // steps back), so recordedAt increases along the log (the events of one request share it),
  // "recorded by t" is a prefix, and nothing recorded after a read counts for its knownAt.
  Micros last_recorded_at_ = 0;
  std::atomic<bool> failed_{false};
  std::atomic<bool> closed_{false};

  std::atomic<std::uint64_t> last_position_{0};  // durable
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> committed_events_{0};
  std::atomic<std::uint64_t> sync_micros_{0};

  Mutex subscribers_mu_;
  std::map<std::uint64_t, std::function<void(std::uint64_t)>> subscribers_
      GUARDED_BY(subscribers_mu_);
  std::uint64_t next_subscriber_ GUARDED_BY(subscribers_mu_) = 1;
};

}  // namespace perspectief
