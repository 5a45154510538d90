#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "eventstore/event_store.hpp"
#include "projections/projection.hpp"

namespace perspectief {

// Feeds durable events to the read models. On every commit the store notifies it (before the
// appenders are answered), and it folds the new events into every projection right there, so
// a read after a 201 already reflects that append.
class Projector {
 public:
  explicit Projector(EventStore& store) : store_(store) {}
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  void add(Projection& projection) { projections_.push_back(&projection); }

  // Folds everything stored so far, then follows commits. Call once, after add().
  [[nodiscard]] Status start();

  std::uint64_t position() const { return position_.load(); }

 private:
  Status catch_up();

  EventStore& store_;
  std::vector<Projection*> projections_;
  std::mutex mu_;
  std::atomic<std::uint64_t> position_{0};
  std::uint64_t subscription_ = 0;
  bool subscribed_ = false;
};

}  // namespace perspectief
