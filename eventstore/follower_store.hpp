#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "domain/mutex.hpp"
#include "domain/thread_annotations.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/log_reads.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/side_table.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace perspectief {

class RocksSideTable;

struct FollowerOptions {
  std::string writer_dir;  // the writer's data directory (its RocksDB store)
  // The follower's own directory: secondary/ (RocksDB's secondary instance: its info log)
  // and local/ (a RocksDB store of the follower's read-model snapshots and its access log).
  std::string work_dir;
  std::chrono::milliseconds interval{100};  // how often to catch up with the writer
  std::function<void(Envelope&)> upcast;    // applied to every envelope read (optional)
};

// A read follower's view of a writer's log (perspectief-server --follow): the writer's store
// opened as a RocksDB secondary instance (ReadOnlyStore), caught up every `interval` on a
// thread of its own, which then tells the subscribers the new last position (as the writer's
// commit thread does after a commit), so the projector folds the new events.
// - Reads (read_stream, read_all, stream_version) are the writer's code (LogReads), up to
//   the position of the last catch-up.
// - Appends are refused (unavailable); writable() is false.
// - Checkpoints (read-model snapshots), the access log and the subscriptions table live in
//   the follower's own store under work_dir/local: the writer's store is never written.
// - The data keys are the writer's, read-only: an erasure the writer made is seen at the
//   catch-up that brings its event.
// A catch-up reads the writer's WAL as written, which can be a few milliseconds before the
// writer's sync acknowledges it: the follower may show an event just before its 201.
class FollowerStore final : public EventStore {
 public:
  // Opens both stores and catches up once. unavailable (RocksDB's reason in Error::internal)
  // if the writer's store cannot be opened (no such store) or the local one cannot be made.
  static Result<std::unique_ptr<FollowerStore>> open(FollowerOptions options);
  ~FollowerStore() override;
  FollowerStore(const FollowerStore&) = delete;
  FollowerStore& operator=(const FollowerStore&) = delete;

  // Runs on the catch-up thread after a catch-up that found events after `after` up to
  // `last`, before they are published (last_position, subscribers): an error leaves them
  // unpublished, to be tried again at the next interval. Set before start().
  using BeforePublish = std::function<Status(std::uint64_t after, std::uint64_t last)>;
  void before_publish(BeforePublish hook) { before_publish_ = std::move(hook); }
  // The events after `after` up to `upto` (for a BeforePublish hook: not yet published).
  Result<std::vector<Envelope>> read_ahead(std::uint64_t after, std::size_t limit,
                                           std::uint64_t upto) const;

  // Starts catching up every interval (after the models have folded what open() saw).
  void start();
  // Stops catching up (joins the thread; the store still serves what it has). Idempotent.
  void stop();
  // Stops catching up and closes both stores. Idempotent.
  void close();

  // Refuses at once: unavailable, naming the writer.
  void append(AppendRequest request, AppendCallback done) override;
  Result<std::vector<Envelope>> read_stream(std::string_view stream, std::uint64_t from_version,
                                            std::size_t max_count,
                                            Direction direction) const override;
  Result<std::vector<Envelope>> read_all(std::uint64_t after, std::size_t limit) const override;
  Result<std::vector<Envelope>> read_all_for_folds(std::uint64_t after,
                                                   std::size_t limit) const override;
  Result<std::uint64_t> stream_version(std::string_view stream) const override;
  bool writable() const override { return false; }
  // Serving while it keeps up: its last catch-up succeeded, less than kStale ago, and the
  // writer's store was not found replaced (another store id, or a shorter log: a restore).
  bool ready() const override;
  bool follower() const override { return true; }
  std::uint64_t last_position() const override { return last_position_.load(); }
  std::uint64_t subscribe(std::function<void(std::uint64_t)> on_commit) override;
  void unsubscribe(std::uint64_t id) override;
  StoreStats engine_stats() const override;
  Status put_checkpoint(std::string_view name, std::string_view bytes) override;
  std::optional<std::string> get_checkpoint(std::string_view name) const override;

  SideTable& data_key_table();      // the writer's, read-only
  SideTable& access_log_table();    // the follower's own
  SideTable& subscription_table();  // the follower's own (empty: subscriptions are the writer's)

  // Catch-ups that failed since the start (each is retried at the next interval).
  std::uint64_t catch_up_failures() const { return failures_.load(); }

  // A catch-up older than this makes the follower not ready.
  static constexpr std::chrono::seconds kStale{10};

 private:
  FollowerStore() = default;
  void follow_loop() EXCLUDES(stop_mu_);
  // One catch-up: the new last position told to the subscribers.
  void catch_up_once() EXCLUDES(subscribers_mu_);
  Result<std::uint64_t> read_last_position() const;
  // The writer's store's IDENTITY file (RocksDB's id of the store; empty if unreadable).
  std::string writer_identity() const;
  // Whether the writer's store is another than the one opened (`identity`, its IDENTITY read
  // before this catch-up), or its log (ending at `last`) shorter than what was told to the
  // subscribers (logged once): the follower is then never ready again.
  bool replaced(std::uint64_t last, const std::string& identity);

  FollowerOptions options_;
  std::string identity_;  // the writer's store's, at open
  std::unique_ptr<ReadOnlyStore> writer_;
  std::unique_ptr<LogReads> reads_;
  std::unique_ptr<rocksdb::DB> local_;
  std::vector<rocksdb::ColumnFamilyHandle*> local_cfs_;  // default, checkpoints, access_log,
                                                         // subscriptions
  std::unique_ptr<RocksSideTable> access_log_;
  std::unique_ptr<RocksSideTable> subscriptions_;
  std::unique_ptr<RocksSideTable> checkpoints_;

  std::atomic<std::uint64_t> last_position_{0};
  std::atomic<std::int64_t> last_caught_up_ns_{0};  // steady clock
  std::atomic<std::uint64_t> failures_{0};
  bool failing_ = false;     // catch-up thread only
  std::uint64_t ticks_ = 0;  // catch-up thread only
  BeforePublish before_publish_;
  std::atomic<bool> diverged_{false};

  Mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ GUARDED_BY(stop_mu_) = false;
  std::thread follower_;

  Mutex subscribers_mu_;
  std::map<std::uint64_t, std::function<void(std::uint64_t)>> subscribers_
      GUARDED_BY(subscribers_mu_);
  std::uint64_t next_subscriber_ GUARDED_BY(subscribers_mu_) = 1;
};

}  // namespace perspectief
