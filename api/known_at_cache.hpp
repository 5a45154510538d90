#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "domain/result.hpp"
#include "domain/time.hpp"
#include "eventstore/event_store.hpp"
#include "projections/history.hpp"

namespace perspectief::api {

// What a read as known at one knownAt needs beside the History (projections/known_at.hpp):
// the cut (the last position recorded by knownAt) and a History of one side of it: the
// events after the cut, which a HistoryView of the History leaves out (`forward` false), or
// the events up to it, which are the whole answer (`forward` true). The first read folds the
// shorter side; a read again turns the entry forward (keep_forward), so from then on it costs
// what a read as of now costs, and nothing is folded for it any more. Kept for the next read
// with the same knownAt (a report read again).
struct LateEvents {
  std::mutex mu;
  // The cut is final: an event after it is folded, and every event recorded later has a later
  // recordedAt. Until then the read shows everything folded and nothing is kept.
  bool settled = false;
  bool forward = false;
  std::uint64_t cut = 0;
  std::uint64_t folded = 0;  // not forward: `events` holds those in (cut, folded]
  std::uint64_t reads = 0;   // the reads answered from this entry once settled
  History events{0, 0, 0};
  // The events `events` holds.
  std::uint64_t size() const {
    if (!settled) return 0;
    return forward ? cut : folded - cut;
  }
};

// The LateEvents of the last few knownAt read. Thread-safe; an entry is used under its own
// mutex (reads of one knownAt take turns).
class KnownAtCache {
 public:
  // At most `capacity` entries, and an entry holding more than `max_events` events is not
  // kept (each holds a History of that many events).
  explicit KnownAtCache(std::size_t capacity = 8, std::uint64_t max_events = 250'000)
      : capacity_(capacity), max_events_(max_events) {}

  // The entry of `known_at`, new if none is kept; the least recently used one is dropped when
  // more than `capacity` are kept.
  std::shared_ptr<LateEvents> entry(Micros known_at);
  // Drops the entry of `known_at` if it holds more than max_events events.
  void trim(Micros known_at, const LateEvents& entry);
  std::uint64_t max_events() const { return max_events_; }

 private:
  std::mutex mu_;
  std::size_t capacity_;
  std::uint64_t max_events_;
  // Most recently used first.
  std::vector<std::pair<Micros, std::shared_ptr<LateEvents>>> entries_;
};

// Brings `late` up to `upto` (the History's position) for a read as known at `known_at`: finds
// the cut until it is settled, then folds what its side still lacks. `defaults`: the
// History's configured capacity (its first setting), for a History of the events up to the
// cut. Errors: those of reading `log`. Call with late.mu held.
Status catch_up(LateEvents& late, const EventStore& log, Micros known_at, std::uint64_t upto,
                const CapacityFacts& defaults);

// Turns a settled entry that holds the events after the cut into one that holds the events up
// to it (folded anew from the log). Errors: those of reading `log` (the entry is unchanged).
// Call with late.mu held.
Status keep_forward(LateEvents& late, const EventStore& log, const CapacityFacts& defaults);

}  // namespace perspectief::api
