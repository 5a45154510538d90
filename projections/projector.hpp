#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "domain/mutex.hpp"
#include "domain/thread_annotations.hpp"
#include "eventstore/event_store.hpp"
#include "projections/fold_parser.hpp"
#include "projections/projection.hpp"

namespace perspectief {

// Feeds durable events to the read models. On every commit the store notifies it (before the
// appenders are answered), and it folds the new events into every projection right there, so
// a read after a 201 already reflects that append.
// Locking: mu_ is held while events are folded (catch_up) and while paused() runs, so no
// fold runs twice at once and readers see every projection at one position; Clang checks it
// (-Wthread-safety). position_ is written under mu_ and read without it.
class Projector {
 public:
  explicit Projector(EventStore& store) : store_(store) {}
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  void add(Projection& projection) { projections_.push_back(&projection); }

  // Called (on the store's commit thread) when folding after a commit fails: the read models
  // stay at position() until a later commit folds again. For the operator's log; set before
  // start().
  void on_error(std::function<void(const Error&)> report) { on_error_ = std::move(report); }

  // Folds everything stored after `from` (the projections already hold the events up to it,
  // e.g. from a snapshot), then follows commits. Call once, after add().
  [[nodiscard]] Status start(std::uint64_t from = 0);

  // Runs `fn()` while no event is being folded, so every projection is at position().
  template <class Fn>
  auto paused(Fn&& fn) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return fn();
  }

  std::uint64_t position() const { return position_.load(); }

 private:
  Status catch_up() EXCLUDES(mu_);
  // Folds one page of the log (in position order, starting right after position()).
  void fold(std::span<Envelope> page) REQUIRES(mu_);

  EventStore& store_;
  std::vector<Projection*> projections_;
  Mutex mu_;
  // The page being folded, parsed once for every projection (its capacity kept for the next).
  std::vector<ParsedEnvelope> parsed_ GUARDED_BY(mu_);
  FoldParser parser_ GUARDED_BY(mu_);
  std::atomic<std::uint64_t> position_{0};
  std::uint64_t subscription_ = 0;
  bool subscribed_ = false;
  std::function<void(const Error&)> on_error_;
};

}  // namespace perspectief
