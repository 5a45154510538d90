#include "eventstore/rocks_event_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <map>
#include <unordered_set>

#include "eventstore/fold_page_fill.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/rocks_side_table.hpp"

namespace perspectief {
namespace {

enum Cf : std::size_t { kDefault = 0, kEvents, kStreams, kEventIds, kHeads, kCheckpoints };
static_assert(kDataKeysCf == kCheckpoints + 1 && kAccessLogCf == kDataKeysCf + 1);
static_assert(kEventsCf == kEvents && kStreamsCf == kStreams);

// Each admitted append of a batch takes the positions right after the one before it,
// starting at `first`; together they end just before `next`.
[[maybe_unused]] bool gapless(const std::vector<std::optional<Result<AppendResult>>>& results,
                              std::uint64_t first, std::uint64_t next) {
  for (const auto& r : results) {
    if (!r->ok() || (*r)->duplicate) continue;
    for (const auto& e : (*r)->events) {
      if (e.position != first++) return false;
    }
  }
  return first == next;
}

// precondition_failed unless `expected` holds for a stream at version `current`.
Status check_expected(const ExpectedVersion& expected, std::uint64_t current) {
  if (expected.holds(current)) return Ok{};
  const std::string want =
      expected.kind == ExpectedVersion::Kind::no_stream ? "0" : std::to_string(expected.version);
  return make_error(ErrorCode::precondition_failed,
                    "expected stream version " + want + ", but it is " + std::to_string(current));
}

// The envelopes of an admitted request: positions from `position` and versions after
// `version`, one each, recorded `now`.
std::vector<Envelope> make_envelopes(const AppendRequest& request, std::uint64_t position,
                                     std::uint64_t version, Micros now) {
  std::vector<Envelope> envelopes;
  envelopes.reserve(request.events.size());
  for (const auto& e : request.events) {
    Envelope& env = envelopes.emplace_back();
    env.position = position++;
    env.stream = request.stream;
    env.version = ++version;
    env.event_id = e.event_id;
    env.type = e.type;
    env.schema_version = e.schema_version;
    env.occurred_at = e.occurred_at.value_or(now);
    env.recorded_at = now;
    env.actor = request.actor;
    env.data = e.data;
    env.sealed = e.sealed;
  }
  return envelopes;
}

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
  return o;
}

rocksdb::ColumnFamilyOptions cf_options(bool point_lookups, bool log) {
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
  if (point_lookups) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.whole_key_filtering = true;
    // Most lookups are for eventIds and streams that do not exist yet: a memtable bloom
    // filter answers those without walking the skiplist.
    o.memtable_prefix_bloom_size_ratio = 0.1;
    o.memtable_whole_key_filtering = true;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

// What a group commit has admitted but not yet written.
struct RocksEventStore::GroupState {
  rocksdb::WriteBatch batch;
  std::uint64_t next_position = 0;
  std::string prev_hash_hex;
  std::unordered_map<std::string, std::uint64_t> heads;  // stream -> version, pending
  struct PendingId {
    keys::EventIdEntry entry;
    Envelope envelope;
  };
  std::unordered_map<std::string, PendingId> ids;
  std::unordered_set<std::string> data_keys;  // streams whose data key this batch writes
  std::size_t appended = 0;
};

Result<std::unique_ptr<RocksEventStore>> RocksEventStore::open(RocksStoreOptions options) {
  std::unique_ptr<RocksEventStore> store{new RocksEventStore()};
  store->options_ = std::move(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : kColumnFamilies) {
    const std::string n{name};
    const bool lookups = n == "event_ids" || n == "heads" || n == "streams" || n == "data_keys";
    cfs.emplace_back(n, cf_options(lookups, n == "events" || n == "fold_pages"));
  }
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(db_options(), store->options_.path, cfs, &store->cf_, &raw);
  if (!s.ok()) return store_error(s);
  store->db_.reset(raw);
  store->reads_ = std::make_unique<LogReads>(*raw, store->cf_[kEvents], store->cf_[kStreams],
                                             store->options_.upcast, store->options_.fail_lookup,
                                             store->cf_[kFoldPagesCf]);
  store->data_keys_ = std::make_unique<RocksSideTable>(*raw, store->cf_[kDataKeysCf], store->cf_);
  store->access_log_ = std::make_unique<RocksSideTable>(*raw, store->cf_[kAccessLogCf], store->cf_);
  store->subscriptions_ =
      std::make_unique<RocksSideTable>(*raw, store->cf_[kSubscriptionsCf], store->cf_);

  std::unique_ptr<rocksdb::Iterator> it{store->db_->NewIterator({}, store->cf_[kEvents])};
  it->SeekToLast();
  if (it->Valid()) {
    store->last_position_ = keys::decode_u64(std::string_view{it->key().data(), it->key().size()});
    store->last_hash_hex_ =
        to_hex(sha256(std::string_view{it->value().data(), it->value().size()}));
    // A damaged last record leaves the floor at 0 (verify reports it).
    if (auto last = decode_record(std::string_view{it->value().data(), it->value().size()})) {
      store->last_recorded_at_ = last->envelope.recorded_at;
    }
  } else {
    store->last_hash_hex_ = genesis_hash_hex();
  }
  if (!it->status().ok()) return store_error(it->status());
  store->written_position_ = store->last_position_.load();
  store->start_fold_page();
  auto backfilled = fold_pages::backfill(*store->db_, store->cf_[kEvents], store->cf_[kFoldPagesCf],
                                         store->last_position_.load());
  if (!backfilled) return backfilled.take_error();
  store->backfilled_fold_pages_ = *backfilled;
  store->writer_ = std::thread([s = store.get()] { s->writer_loop(); });
  store->syncer_ = std::thread([s = store.get()] { s->syncer_loop(); });
  return store;
}

RocksEventStore::~RocksEventStore() {
  close();
}

Status RocksEventStore::compact() {
  if (auto s = db_->Flush(rocksdb::FlushOptions{}, cf_); !s.ok()) return store_error(s);
  for (auto* h : cf_) {
    if (auto s = db_->CompactRange(rocksdb::CompactRangeOptions{}, h, nullptr, nullptr); !s.ok())
      return store_error(s);
  }
  return Ok{};
}

void RocksEventStore::close() {
  {
    MutexLock lock(queue_mu_);
    stopping_ = true;
  }
  closed_ = true;
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    MutexLock lock(sync_mu_);
    writer_done_ = true;
  }
  sync_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  if (db_) {
    // Everything is durable in the WAL already; flushing the memtables into table files
    // means the next open (and read-only tools) need not replay a long WAL.
    (void)db_->Flush(rocksdb::FlushOptions{}, cf_);
    reads_.reset();
    data_keys_.reset();
    access_log_.reset();
    subscriptions_.reset();
    for (auto* h : cf_) db_->DestroyColumnFamilyHandle(h);
    cf_.clear();
    (void)db_->Close();
    db_.reset();
  }
}

StoreStats RocksEventStore::engine_stats() const {
  if (!db_) return {};
  return read_engine_stats(*db_, cf_);
}

SideTable& RocksEventStore::data_key_table() {
  return *data_keys_;
}

SideTable& RocksEventStore::access_log_table() {
  return *access_log_;
}

SideTable& RocksEventStore::subscription_table() {
  return *subscriptions_;
}

void RocksEventStore::append(AppendRequest request, AppendCallback done) {
  {
    MutexLock lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back({std::move(request), std::move(done)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(make_error(ErrorCode::unavailable, "the event store is closing"));
}

void RocksEventStore::writer_loop() {
  writer_id_ = std::this_thread::get_id();
  std::vector<Pending> work;
  for (;;) {
    {
      MutexLock lock(queue_mu_);
      while (!stopping_ && queue_.empty()) queue_cv_.wait(lock.native());
      if (queue_.empty()) return;  // stopping, and everything queued was answered
      std::size_t events = 0;
      while (!queue_.empty() && (work.empty() || events + queue_.front().request.events.size() <=
                                                     options_.max_group_events)) {
        events += queue_.front().request.events.size();
        work.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write_group(work);
    work.clear();
  }
}

std::size_t RocksEventStore::waiting_requests() const {
  std::size_t n = 0;
  for (const auto& w : to_sync_) n += w.work.size();
  return n;
}

void RocksEventStore::syncer_loop() {
  syncer_id_ = std::this_thread::get_id();
  std::deque<Written> batch;
  for (;;) {
    {
      MutexLock lock(sync_mu_);
      while (!writer_done_ && to_sync_.empty()) sync_cv_.wait(lock.native());
      if (to_sync_.empty()) return;  // the writer is done and everything was answered
      // Commit delay: if the last sync carried more requests than are waiting now, their
      // senders are probably about to send again; wait briefly so one fsync covers them.
      const auto deadline = std::chrono::steady_clock::now() + kCommitDelay;
      while (!writer_done_ && waiting_requests() < last_sync_requests_ &&
             sync_cv_.wait_until(lock.native(), deadline) == std::cv_status::no_timeout) {
      }
      assert(!syncing_);  // one batch at a time: the writer hands over, the syncer answers
      batch.swap(to_sync_);
      syncing_ = true;
    }
    last_sync_requests_ = 0;
    for (const auto& w : batch) last_sync_requests_ += w.work.size();
    const std::uint64_t target = batch.back().last_position;
    if (target > last_position_.load() && !failed_) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto s = db_->SyncWAL();
      sync_micros_ +=
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count());
      const Error e = s.ok() ? Error{} : store_error(s);
      finish(batch, s.ok(), s.ok() ? nullptr : &e);
    } else {
      finish(batch, false, nullptr);
    }
    batch.clear();
    MutexLock lock(sync_mu_);
    syncing_ = false;
  }
}

bool RocksEventStore::on_writer_thread() const {
  return std::this_thread::get_id() == writer_id_.load();
}

bool RocksEventStore::finishing_alone() {
  MutexLock lock(sync_mu_);
  if (std::this_thread::get_id() == syncer_id_.load()) return syncing_;
  // The writer answers its own batch (synced inline) only while the syncer has none.
  return on_writer_thread() && !syncing_ && to_sync_.empty();
}

void RocksEventStore::finish(std::deque<Written>& batch, bool synced_ok, const Error* failure) {
  assert(!batch.empty() && finishing_alone());
  const std::uint64_t target = batch.back().last_position;
  // A synced batch continues the durable log: each Written starts where the one before it
  // ended, the first where the last commit did, so no position is skipped or made durable
  // twice.
  assert(!synced_ok || [&] {
    std::uint64_t at = last_position_.load();
    for (const auto& w : batch) {
      if (w.last_position != at + w.events) return false;
      at = w.last_position;
    }
    return true;
  }());
  const bool advanced = synced_ok && target > last_position_.load();
  if (advanced) {
    last_position_.store(target);
    ++commits_;
    for (const auto& w : batch) committed_events_ += w.events;
  }
  if (failure != nullptr) failed_ = true;
  if (failed_ && !advanced) {
    const Error e = failure != nullptr
                        ? *failure
                        : make_error(ErrorCode::unavailable, "the event store failed a commit");
    for (auto& w : batch) {
      for (auto& r : w.results) {
        if (r->ok()) r.emplace(e);
      }
    }
  }
  // Subscribers (projections, long polls) hear of a commit before its appenders are
  // answered, so a read after a 201 can already reflect it.
  if (advanced) {
    MutexLock lock(subscribers_mu_);
    for (auto& [id, fn] : subscribers_) fn(target);
  }
  for (auto& w : batch) {
    for (std::size_t i = 0; i < w.work.size(); ++i) w.work[i].done(std::move(*w.results[i]));
  }
}

Result<std::uint64_t> RocksEventStore::head_of(const std::string& stream, const GroupState& group) {
  if (const auto it = group.heads.find(stream); it != group.heads.end()) return it->second;
  if (const auto it = heads_.find(stream); it != heads_.end()) return it->second;
  if (auto fault = injected(StoreLookup::stream_head, stream)) return *fault;
  std::string value;
  const auto s = db_->Get({}, cf_[kHeads], rocksdb::Slice(stream), &value);
  if (s.IsNotFound()) return std::uint64_t{0};
  if (!s.ok()) return store_error(s);  // never guess 0: that would rewrite version 1
  const std::uint64_t v = keys::decode_u64(value);
  heads_.emplace(stream, v);
  return v;
}

void RocksEventStore::write_group(std::vector<Pending>& work) {
  assert(on_writer_thread());  // heads_, last_hash_hex_ and written_position_ are the writer's
  GroupState group;
  group.next_position = written_position_ + 1;
  group.prev_hash_hex = last_hash_hex_;
  Written written;
  bool inline_sync = false;
  written.results.reserve(work.size());
  for (auto& p : work) written.results.emplace_back(admit(p.request, group));
  assert(gapless(written.results, written_position_ + 1, group.next_position));

  if (group.appended > 0) {
    group.batch.Put(cf_[kDefault], kChainHeadKey,
                    keys::encode_u64(group.next_position - 1) + group.prev_hash_hex);
    // Light load (nothing queued, nothing syncing): sync in this write and answer here.
    // Otherwise write unsynced and let the syncer sync once for every batch written meanwhile.
    {
      MutexLock sync_lock(sync_mu_);
      MutexLock queue_lock(queue_mu_);
      inline_sync = to_sync_.empty() && !syncing_ && queue_.empty();
    }
    rocksdb::WriteOptions wo;
    wo.sync = inline_sync;
    const auto t0 = std::chrono::steady_clock::now();
    const auto s = db_->Write(wo, &group.batch);
    if (inline_sync) {
      sync_micros_ +=
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count());
    }
    if (!s.ok()) {
      failed_ = true;
      fold_page_.abandon();
      for (auto& r : written.results) {
        if (r->ok()) r.emplace(store_error(s));
      }
    } else {
      for (auto& [stream, version] : group.heads) heads_[stream] = version;
      last_hash_hex_ = group.prev_hash_hex;
      written_position_ = group.next_position - 1;
      written.events = group.appended;
    }
  }
  // Every answer waits for the sync that covers what this batch saw, also refusals and
  // resends: a resend of an event that is written but not yet durable must wait for it.
  written.last_position = written_position_;
  written.work = std::move(work);
  work = {};
  if (inline_sync) {
    std::deque<Written> one;
    one.push_back(std::move(written));
    finish(one, !failed_, nullptr);
    return;
  }
  {
    MutexLock lock(sync_mu_);
    // Handed over in the order written: the syncer answers batches in position order.
    assert(to_sync_.empty() || to_sync_.back().last_position <= written.last_position);
    to_sync_.push_back(std::move(written));
  }
  sync_cv_.notify_one();
}

Result<AppendResult> RocksEventStore::admit(const AppendRequest& request, GroupState& group) {
  if (failed_) return make_error(ErrorCode::unavailable, "the event store failed a commit");
  if (request.events.empty()) return make_error(ErrorCode::invalid, "no events to append");

  // Idempotency: a request whose events are all stored already is a resend.
  auto stored = stored_positions(request, group);
  if (!stored) return stored.take_error();
  if (!stored->empty()) return resend_result(request, group, *stored);

  const auto head = head_of(request.stream, group);
  if (!head) return head.error();
  if (auto held = check_expected(request.expected, *head); !held) return held.take_error();

  // Later than every event before (a clock that steps back, two requests in one microsecond):
  // an event recorded after another always has a greater recordedAt.
  last_recorded_at_ = std::max(last_recorded_at_ + 1, options_.clock->now());
  std::vector<Envelope> envelopes =
      make_envelopes(request, group.next_position, *head, last_recorded_at_);
  // Checked before anything is added to the batch.
  auto put_data_key = puts_data_key(request, group);
  if (!put_data_key) return put_data_key.take_error();

  // The policy goes last: once it admits, it has applied the events to its model (the
  // write model's bed and place counts), so no step after it may refuse the request. What
  // follows only adds to the batch; a failed write of the batch stops the store.
  if (options_.policy != nullptr) {
    auto admitted = options_.policy->admit(request, envelopes);
    if (!admitted) return admitted.take_error();
  }
  add_to_batch(request, envelopes, *put_data_key, group);

  AppendResult result;
  result.stream = request.stream;
  result.version = envelopes.back().version;
  result.position = envelopes.back().position;
  result.events = std::move(envelopes);
  result.data_key_stored = *put_data_key;
  return result;
}

Result<std::optional<keys::EventIdEntry>> RocksEventStore::stored_event_id(
    const std::string& event_id, const GroupState& group) const {
  if (const auto it = group.ids.find(event_id); it != group.ids.end()) {
    return std::optional{it->second.entry};
  }
  if (auto fault = injected(StoreLookup::event_id, event_id)) return *fault;
  std::string value;
  const auto s = db_->Get({}, cf_[kEventIds], rocksdb::Slice(event_id), &value);
  if (s.IsNotFound()) return std::optional<keys::EventIdEntry>{};
  if (!s.ok()) return store_error(s);
  keys::EventIdEntry entry;
  if (!keys::decode_event_id_entry(value, entry)) {
    Error c = make_error(ErrorCode::corrupt,
                         "an eventId index entry is damaged: the operator should run "
                         "`perspectief verify`");
    c.internal = "event_ids entry of " + std::to_string(value.size()) + " bytes";
    return c;
  }
  return std::optional{entry};
}

Result<std::vector<std::uint64_t>> RocksEventStore::stored_positions(
    const AppendRequest& request, const GroupState& group) const {
  std::unordered_set<std::string_view> seen;
  std::vector<std::uint64_t> positions;
  for (const auto& e : request.events) {
    if (!seen.insert(e.event_id).second) {
      return make_error(ErrorCode::conflict, "an eventId appears twice in the request");
    }
    auto entry = stored_event_id(e.event_id, group);
    if (!entry) return entry.take_error();
    if (!*entry) continue;
    const bool same = (*entry)->content_hash == e.content_hash &&
                      (!e.occurred_at || *e.occurred_at == (*entry)->occurred_at);
    if (!same) {
      return make_error(ErrorCode::conflict, "eventId is already stored with other content");
    }
    positions.push_back((*entry)->position);
  }
  if (!positions.empty() && positions.size() != request.events.size()) {
    return make_error(ErrorCode::conflict,
                      "part of the request is already stored: resend all of it or none");
  }
  return positions;
}

Result<bool> RocksEventStore::puts_data_key(const AppendRequest& request,
                                            const GroupState& group) const {
  // A new data key goes in with the events unless the stream has one (or an erasure marker)
  // already, in the store or earlier in this batch.
  if (request.new_data_key.empty() || group.data_keys.contains(request.stream)) return false;
  if (auto fault = injected(StoreLookup::data_key, request.stream)) return *fault;
  std::string existing;
  const auto s = db_->Get({}, cf_[kDataKeysCf], rocksdb::Slice(request.stream), &existing);
  if (!s.ok() && !s.IsNotFound()) return store_error(s);
  return s.IsNotFound();
}

void RocksEventStore::start_fold_page() {
  const std::uint64_t last = last_position_.load();
  if (last == 0 || fold_pages::starts_page(last + 1)) return;
  // A damaged record opens as before (reads name it, verify reports it): its page is never
  // written, and its readers read the events.
  (void)fold_pages::fill(*db_, cf_[kEvents], fold_pages::page_start(last), last, fold_page_);
}

void RocksEventStore::add_to_batch(const AppendRequest& request,
                                   const std::vector<Envelope>& envelopes, bool put_data_key,
                                   GroupState& group) {
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const Envelope& env = envelopes[i];
    const NewEvent& e = request.events[i];
    const std::string record = options_.json_records
                                   ? encode_json_record(env, e.data_json, group.prev_hash_hex)
                                   : encode_record(env, e.data_json, group.prev_hash_hex);
    group.prev_hash_hex = to_hex(sha256(record));
    const std::string pos_key = keys::encode_u64(env.position);
    group.batch.Put(cf_[kEvents], pos_key, record);
    group.batch.Put(cf_[kStreams], keys::stream_index(env.stream, env.version), pos_key);
    const keys::EventIdEntry entry{env.position, env.occurred_at, e.content_hash};
    group.batch.Put(cf_[kEventIds], e.event_id, keys::encode_event_id_entry(entry));
    group.ids[e.event_id] = {entry, env};
    fold_page_.add(env, e.data_json);
    if (auto page = fold_page_.take_full()) {
      group.batch.Put(cf_[kFoldPagesCf], keys::encode_u64(fold_pages::page_start(env.position)),
                      *page);
    }
  }
  const std::uint64_t version = envelopes.back().version;
  group.batch.Put(cf_[kHeads], request.stream, keys::encode_u64(version));
  if (put_data_key) {
    group.batch.Put(cf_[kDataKeysCf], request.stream, rocksdb::Slice(request.new_data_key));
    group.data_keys.insert(request.stream);
  }
  if (request.shred_data_key) {
    group.batch.Put(cf_[kDataKeysCf], request.stream, rocksdb::Slice(keys::kErasedDataKey));
    group.data_keys.insert(request.stream);
  }
  group.heads[request.stream] = version;
  group.next_position = envelopes.back().position + 1;
  group.appended += envelopes.size();
}

Result<AppendResult> RocksEventStore::resend_result(const AppendRequest& request, GroupState& group,
                                                    const std::vector<std::uint64_t>& positions) {
  AppendResult result;
  result.stream = request.stream;
  result.duplicate = true;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const auto it = group.ids.find(request.events[i].event_id);
    if (it != group.ids.end()) {
      result.events.push_back(it->second.envelope);
      continue;
    }
    auto stored = read_positions({positions[i]});
    if (!stored) return stored.take_error();
    result.events.push_back(std::move(stored->front()));
  }
  for (const auto& e : result.events) {
    if (e.stream != request.stream) {
      return make_error(ErrorCode::conflict, "eventId is already stored in another stream");
    }
  }
  result.version = result.events.back().version;
  result.position = result.events.back().position;
  return result;
}

Result<std::vector<Envelope>> RocksEventStore::read_positions(
    const std::vector<std::uint64_t>& positions) const {
  return reads_->read_positions(positions);
}

Result<std::vector<Envelope>> RocksEventStore::read_stream(std::string_view stream,
                                                           std::uint64_t from_version,
                                                           std::size_t max_count,
                                                           Direction direction) const {
  return reads_->read_stream(stream, from_version, max_count, direction, last_position_.load());
}

Result<std::vector<Envelope>> RocksEventStore::read_all(std::uint64_t after,
                                                        std::size_t limit) const {
  return reads_->read_all(after, limit, last_position_.load());
}

Result<std::vector<Envelope>> RocksEventStore::read_all_for_folds(std::uint64_t after,
                                                                  std::size_t limit) const {
  return reads_->read_all(after, limit, last_position_.load(), Decoding::for_folds);
}

Result<std::uint64_t> RocksEventStore::stream_version(std::string_view stream) const {
  return reads_->stream_version(stream, last_position_.load());
}

std::optional<Error> RocksEventStore::injected(StoreLookup kind, std::string_view key) const {
  return reads_->injected(kind, key);
}

std::uint64_t RocksEventStore::subscribe(std::function<void(std::uint64_t)> on_commit) {
  MutexLock lock(subscribers_mu_);
  const auto id = next_subscriber_++;
  subscribers_.emplace(id, std::move(on_commit));
  return id;
}

void RocksEventStore::unsubscribe(std::uint64_t id) {
  MutexLock lock(subscribers_mu_);
  subscribers_.erase(id);
}

Status RocksEventStore::put_checkpoint(std::string_view name, std::string_view bytes) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const auto s = db_->Put(wo, cf_[kCheckpoints], rocksdb::Slice(name), rocksdb::Slice(bytes));
  if (!s.ok()) return store_error(s);
  return Ok{};
}

bool RocksEventStore::read_checkpoint(std::string_view name,
                                      const std::function<void(std::string_view)>& use) const {
  // Pinned in RocksDB's own buffer: no copy of a large value into a string, and no detour
  // through the block cache (the block is as large as the value).
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  rocksdb::PinnableSlice value;
  const auto s = db_->Get(read, cf_[kCheckpoints], rocksdb::Slice(name), &value);
  if (!s.ok()) return false;
  use(std::string_view{value.data(), value.size()});
  return true;
}

std::optional<std::string> RocksEventStore::get_checkpoint(std::string_view name) const {
  std::string value;
  const auto s = db_->Get({}, cf_[kCheckpoints], rocksdb::Slice(name), &value);
  if (!s.ok()) return std::nullopt;
  return value;
}

}  // namespace perspectief
