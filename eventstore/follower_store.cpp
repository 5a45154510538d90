#include "eventstore/follower_store.hpp"

#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "eventstore/keys.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/rocks_side_table.hpp"

namespace perspectief {

namespace {

// The follower's own store: its snapshots, its access log, an empty subscriptions table.
inline constexpr std::array<const char*, 4> kLocalColumnFamilies = {"default", "checkpoints",
                                                                    "access_log", "subscriptions"};
enum LocalCf : std::size_t { kLocalCheckpoints = 1, kLocalAccessLog = 2, kLocalSubscriptions = 3 };

Error unavailable(std::string message, std::string internal) {
  Error e = make_error(ErrorCode::unavailable, std::move(message));
  e.internal = std::move(internal);
  return e;
}

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<FollowerStore>> FollowerStore::open(FollowerOptions options) {
  std::unique_ptr<FollowerStore> store{new FollowerStore()};
  store->options_ = std::move(options);
  store->identity_ = store->writer_identity();
  const std::filesystem::path work{store->options_.work_dir};
  std::error_code ec;
  std::filesystem::create_directories(work / "secondary", ec);
  if (ec) return unavailable("cannot make the follower's directory", ec.message());
  auto writer =
      ReadOnlyStore::open_secondary(store->options_.writer_dir, (work / "secondary").string());
  if (!writer) return writer.take_error();
  store->writer_ = std::move(writer).value();
  store->reads_ = std::make_unique<LogReads>(store->writer_->db(), store->writer_->cf(kEventsCf),
                                             store->writer_->cf(kStreamsCf), store->options_.upcast,
                                             FailLookup{}, store->writer_->cf(kFoldPagesCf));

  rocksdb::Options local_options;
  local_options.create_if_missing = true;
  local_options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(kLocalColumnFamilies.size());
  for (const char* name : kLocalColumnFamilies) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  }
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(local_options, (work / "local").string(), descriptors,
                                   &store->local_cfs_, &raw);
  if (!s.ok()) return store_error(s);
  store->local_.reset(raw);
  store->access_log_ =
      std::make_unique<RocksSideTable>(*raw, store->local_cfs_[kLocalAccessLog], store->local_cfs_);
  store->subscriptions_ = std::make_unique<RocksSideTable>(
      *raw, store->local_cfs_[kLocalSubscriptions], store->local_cfs_);
  store->checkpoints_ = std::make_unique<RocksSideTable>(*raw, store->local_cfs_[kLocalCheckpoints],
                                                         store->local_cfs_);
  auto last = store->read_last_position();
  if (!last) return last.take_error();
  store->last_position_ = *last;
  store->last_caught_up_ns_ = steady_now_ns();
  return store;
}

FollowerStore::~FollowerStore() {
  close();
}

void FollowerStore::start() {
  follower_ = std::thread([this] { follow_loop(); });
}

void FollowerStore::stop() {
  {
    MutexLock lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (follower_.joinable()) follower_.join();
}

void FollowerStore::close() {
  stop();
  reads_.reset();
  writer_.reset();
  if (local_) {
    access_log_.reset();
    subscriptions_.reset();
    checkpoints_.reset();
    for (auto* h : local_cfs_) local_->DestroyColumnFamilyHandle(h);
    local_cfs_.clear();
    (void)local_->Close();
    local_.reset();
  }
}

void FollowerStore::follow_loop() {
  for (;;) {
    {
      MutexLock lock(stop_mu_);
      stop_cv_.wait_for(lock.native(), options_.interval, [this] {
        stop_mu_.assert_held();
        return stopping_;
      });
      if (stopping_) return;
    }
    catch_up_once();
  }
}

Result<std::uint64_t> FollowerStore::read_last_position() const {
  std::unique_ptr<rocksdb::Iterator> it{writer_->db().NewIterator({}, writer_->cf(kEventsCf))};
  it->SeekToLast();
  if (!it->status().ok()) return store_error(it->status());
  if (!it->Valid()) return std::uint64_t{0};
  return keys::decode_u64({it->key().data(), it->key().size()});
}

void FollowerStore::catch_up_once() {
  // The follower's own writes (its access log) are synced within a second.
  if (++ticks_ %
          std::max<std::int64_t>(1, 1000 / std::max<std::int64_t>(1, options_.interval.count())) ==
      0) {
    (void)local_->SyncWAL();
  }
  // The writer's store must be the one opened before RocksDB reads its manifest again: a
  // secondary instance is not made for a store replaced under it (Debian's RocksDB asserts,
  // and the process aborts, when it reads another store's manifest). A store being made or
  // removed has no IDENTITY yet: not caught up this time.
  const std::string identity = writer_identity();
  if (!identity.empty() && identity != identity_) {
    (void)replaced(0, identity);
    return;
  }
  auto caught_up =
      identity.empty()
          ? Status{make_error(ErrorCode::unavailable, "the writer's store has no IDENTITY file")}
          : writer_->catch_up();
  auto last = caught_up ? read_last_position() : Result<std::uint64_t>{caught_up.error()};
  if (last && replaced(*last, identity)) return;
  const std::uint64_t before = last_position_.load();
  // What must hold before the new events are read (the erasures they bring): done, or the
  // catch-up is not published and is tried again at the next interval.
  Status prepared = Ok{};
  if (last && *last > before && before_publish_) prepared = before_publish_(before, *last);
  if (!last || !prepared) {
    const Error& e = last ? prepared.error() : last.error();
    // A compaction of the writer's can delete a file between the manifest and its opening:
    // the next catch-up reads the newer manifest. Told when failing starts, then every
    // 600th time, and when it ends.
    if (!failing_ || failures_ % 600 == 0) {
      std::cerr << "perspectief-server: follower: " << e.message << ": " << e.internal
                << " (retried every " << options_.interval.count() << " ms)\n";
    }
    failing_ = true;
    ++failures_;
    return;
  }
  if (failing_) {
    std::cerr << "perspectief-server: follower: caught up again\n";
    failing_ = false;
  }
  last_caught_up_ns_ = steady_now_ns();
  if (*last == before) return;
  last_position_ = *last;
  MutexLock lock(subscribers_mu_);
  for (auto& [id, fn] : subscribers_) fn(*last);
}

Result<std::vector<Envelope>> FollowerStore::read_ahead(std::uint64_t after, std::size_t limit,
                                                        std::uint64_t upto) const {
  return reads_->read_all(after, limit, upto);
}

std::string FollowerStore::writer_identity() const {
  std::ifstream in(options_.writer_dir + "/IDENTITY");
  std::string id;
  std::getline(in, id);
  return id;
}

// A restore replaces the writer's files: the secondary instance may go on showing the old
// store, or a shorter log. Either way the read models hold events the writer no longer has;
// serving them would be wrong. A restart folds the store anew (its snapshot is used only if
// the log still holds the snapshot's event at its position).
bool FollowerStore::replaced(std::uint64_t last, const std::string& identity) {
  if (diverged_.load()) return true;
  const std::uint64_t before = last_position_.load();
  if (last >= before && (identity == identity_ || identity.empty())) return false;
  diverged_ = true;
  std::cerr << "perspectief-server: follower: the writer's store at " << options_.writer_dir
            << (identity.empty() || identity == identity_
                    ? " has a shorter log than this follower has folded"
                    : " is another store than the one this follower opened")
            << " (was it restored?): not ready, and nothing served; restart the follower\n";
  return true;
}

bool FollowerStore::ready() const {
  const auto age = std::chrono::nanoseconds(steady_now_ns() - last_caught_up_ns_.load());
  return !diverged_.load() && age < kStale;
}

void FollowerStore::append(AppendRequest /*request*/, AppendCallback done) {
  done(make_error(ErrorCode::unavailable,
                  "this server is a read follower: appends go to the writer"));
}

Result<std::vector<Envelope>> FollowerStore::read_stream(std::string_view stream,
                                                         std::uint64_t from_version,
                                                         std::size_t max_count,
                                                         Direction direction) const {
  return reads_->read_stream(stream, from_version, max_count, direction, last_position_.load());
}

Result<std::vector<Envelope>> FollowerStore::read_all(std::uint64_t after,
                                                      std::size_t limit) const {
  return reads_->read_all(after, limit, last_position_.load());
}

Result<std::vector<Envelope>> FollowerStore::read_all_for_folds(std::uint64_t after,
                                                                std::size_t limit) const {
  return reads_->read_all(after, limit, last_position_.load(), Decoding::for_folds);
}

Result<std::uint64_t> FollowerStore::stream_version(std::string_view stream) const {
  return reads_->stream_version(stream, last_position_.load());
}

std::uint64_t FollowerStore::subscribe(std::function<void(std::uint64_t)> on_commit) {
  MutexLock lock(subscribers_mu_);
  const auto id = next_subscriber_++;
  subscribers_.emplace(id, std::move(on_commit));
  return id;
}

void FollowerStore::unsubscribe(std::uint64_t id) {
  MutexLock lock(subscribers_mu_);
  subscribers_.erase(id);
}

StoreStats FollowerStore::engine_stats() const {
  if (!writer_) return {};
  StoreStats out = read_engine_stats(writer_->db(), writer_->cfs());
  out.follower = StoreStats::Follower{
      std::chrono::duration<double>(
          std::chrono::nanoseconds(steady_now_ns() - last_caught_up_ns_.load()))
          .count(),
      failures_.load()};
  return out;
}

Status FollowerStore::put_checkpoint(std::string_view name, std::string_view bytes) {
  const SideEntry entry{std::string{name}, std::string{bytes}};
  return checkpoints_->write({&entry, 1}, Durability::synced);
}

std::optional<std::string> FollowerStore::get_checkpoint(std::string_view name) const {
  auto value = checkpoints_->get(name);
  return value ? std::move(value).value() : std::nullopt;
}

SideTable& FollowerStore::data_key_table() {
  return writer_->data_key_table();
}

SideTable& FollowerStore::access_log_table() {
  return *access_log_;
}

SideTable& FollowerStore::subscription_table() {
  return *subscriptions_;
}

}  // namespace perspectief
