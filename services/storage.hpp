#pragma once

#include <memory>
#include <string>

#include "domain/programme.hpp"
#include "domain/result.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "projections/write_policy.hpp"

namespace perspectief {

// The store opened for writing with what the write path needs beside it: the clock, the
// write policy (the programme's rules, checked at admission) and the upcasters on every read.
// The three refer to each other, so the object does not move: it is held by pointer.
class Storage {
 public:
  // The write path of the server, of `perspectief demo` and of the benchmarks, with the
  // programme's `defaults`. The error is the store's (its `internal` names the cause).
  static Result<std::unique_ptr<Storage>> open(const std::string& data_dir,
                                               const ProgrammeState& defaults);

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() = default;

  RocksEventStore& store() { return *store_; }
  const Clock& clock() const { return clock_; }
  WritePolicy& policy() { return policy_; }

 private:
  explicit Storage(const ProgrammeState& defaults) : policy_(defaults, clock_) {}

  SystemClock clock_;
  WritePolicy policy_;
  std::unique_ptr<RocksEventStore> store_;
};

}  // namespace perspectief
