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

// The events recorded after one knownAt, folded on their own (projections/known_at.hpp): what
// a read as known then leaves out. Kept for the next read with the same knownAt, a report read
// again, which then folds only what was recorded since, instead of everything after knownAt.
struct LateEvents {
  std::mutex mu;
  bool found = false;        // `cut` is known
  std::uint64_t cut = 0;     // the last position recorded by knownAt
  std::uint64_t folded = 0;  // `late` holds the events in (cut, folded]
  History late{0, 0, 0};
};

// The LateEvents of the last few knownAt read. Thread-safe; an entry is used under its own
// mutex (reads of one knownAt take turns).
class KnownAtCache {
 public:
  explicit KnownAtCache(std::size_t capacity = 8) : capacity_(capacity) {}

  // The entry of `known_at`, new (not yet found) if none is kept; the least recently used
  // one is dropped when more than `capacity` are kept.
  std::shared_ptr<LateEvents> entry(Micros known_at);

 private:
  std::mutex mu_;
  std::size_t capacity_;
  // Most recently used first.
  std::vector<std::pair<Micros, std::shared_ptr<LateEvents>>> entries_;
};

// Brings `late` up to `upto` for a read as known at `known_at`: finds its cut once, then folds
// the events after what it holds. Errors: those of reading `log`. Call with late.mu held.
Status catch_up(LateEvents& late, const EventStore& log, Micros known_at, std::uint64_t upto);

}  // namespace perspectief::api
