#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "domain/programme.hpp"
#include "domain/result.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/follower_store.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "projections/write_policy.hpp"

namespace perspectief {

// The log the server serves with what the write path needs beside it: the clock, the write
// policy (the programme's rules, checked at admission) and the upcasters on every read. The
// log is a store opened for writing (open) or a read follower of another server's (follow).
// The parts refer to each other, so the object does not move: it is held by pointer.
class Storage {
 public:
  // The write path of the server, of `perspectief demo` and of the benchmarks, with the
  // programme's `defaults`. The error is the store's (its `internal` names the cause).
  static Result<std::unique_ptr<Storage>> open(const std::string& data_dir,
                                               const ProgrammeState& defaults);
  // A read follower of the store at `writer_dir`, with its own files in `work_dir`, catching
  // up every `interval` once start_following() is called.
  static Result<std::unique_ptr<Storage>> follow(const std::string& writer_dir,
                                                 const std::string& work_dir,
                                                 std::chrono::milliseconds interval,
                                                 const ProgrammeState& defaults);

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() = default;

  // The log, whichever it is.
  EventStore& log() { return follower_ ? static_cast<EventStore&>(*follower_) : *store_; }
  // The store opened for writing; null on a follower.
  RocksEventStore* writer() { return store_.get(); }
  // The read follower; null on a writer.
  FollowerStore* follower() { return follower_.get(); }
  // The writer's store (open() only).
  RocksEventStore& store() { return *store_; }
  SideTable& subscription_table() {
    return follower_ ? follower_->subscription_table() : store_->subscription_table();
  }
  // Closes the log: a writer answers what is queued, a follower stops catching up.
  void close() {
    if (follower_) follower_->close();
    if (store_) store_->close();
  }
  const Clock& clock() const { return clock_; }
  WritePolicy& policy() { return policy_; }

 private:
  explicit Storage(const ProgrammeState& defaults) : policy_(defaults, clock_) {}

  SystemClock clock_;
  WritePolicy policy_;
  std::unique_ptr<RocksEventStore> store_;
  std::unique_ptr<FollowerStore> follower_;
};

}  // namespace perspectief
