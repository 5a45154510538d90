#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

#include "eventstore/event_store.hpp"

namespace perspectief::api {

// Wakes long polls (GET /v1/events?wait=) when the store commits.
class CommitSignal {
 public:
  explicit CommitSignal(EventStore& store);
  ~CommitSignal();
  CommitSignal(const CommitSignal&) = delete;
  CommitSignal& operator=(const CommitSignal&) = delete;

  // Returns once the store holds an event after `after`, `max_wait` has passed, or shutdown()
  // was called. The calling coroutine must run on a strand (each connection's does).
  boost::asio::awaitable<void> wait_beyond(std::uint64_t after,
                                           std::chrono::steady_clock::duration max_wait);

  // Wakes every waiter now and makes later waits return at once (graceful stop).
  void shutdown();

 private:
  void wake_all();

  EventStore& store_;
  std::uint64_t subscription_ = 0;
  std::mutex mu_;
  std::set<std::shared_ptr<boost::asio::steady_timer>> waiters_;
  bool shut_ = false;
};

}  // namespace perspectief::api
