#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "eventstore/event_store.hpp"

namespace perspectief::api {

struct CommitSignalOptions {
  // Long polls one token may hold open at once (GET /v1/events?wait=); one more is refused
  // (429). Each costs a connection and a coroutine, and nothing per commit.
  std::size_t max_waits_per_token = 16;
};

// Wakes long polls (GET /v1/events?wait=) when the store commits past the position they wait
// beyond. Waiters are kept ordered by that position: a commit wakes only the waiters it gives
// something new and costs the others nothing (one look at the smallest key).
class CommitSignal {
 public:
  explicit CommitSignal(EventStore& store, CommitSignalOptions options = {});
  ~CommitSignal();
  CommitSignal(const CommitSignal&) = delete;
  CommitSignal& operator=(const CommitSignal&) = delete;

  // One open long poll of a token, held while it waits; released when destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : signal_(other.signal_), key_(std::move(other.key_)) {
      other.signal_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class CommitSignal;
    Slot(CommitSignal* signal, std::string key) : signal_(signal), key_(std::move(key)) {}
    CommitSignal* signal_;
    std::string key_;
  };

  // A slot for one more long poll of the token identified by `token_key`, or nothing when the
  // token holds max_waits_per_token already.
  std::optional<Slot> try_reserve(std::string token_key);

  // Returns once the store holds an event after `after`, `max_wait` has passed, or shutdown()
  // was called. The calling coroutine must run on a strand (each connection's does).
  boost::asio::awaitable<void> wait_beyond(std::uint64_t after,
                                           std::chrono::steady_clock::duration max_wait);

  // Wakes every waiter now and makes later waits return at once (graceful stop).
  void shutdown();
  bool stopped() const;

  // For tests and metrics: the waiters a commit or shutdown has woken so far, and the
  // waiters waiting now.
  std::uint64_t wake_ups() const;
  std::size_t waiting() const;

 private:
  struct Waiter {
    std::shared_ptr<boost::asio::steady_timer> timer;
    bool woken = false;
  };
  using Waiters = std::multimap<std::uint64_t, std::shared_ptr<Waiter>>;

  // Wakes the waiters keyed below `last_position` (all of them for UINT64_MAX). Holds mu_.
  void wake_below(std::uint64_t last_position);
  void release(const std::string& key);

  EventStore& store_;
  const CommitSignalOptions options_;
  std::uint64_t subscription_ = 0;
  mutable std::mutex mu_;
  Waiters waiters_;  // keyed by the position each waits beyond
  std::unordered_map<std::string, std::size_t> open_per_token_;
  std::uint64_t wake_ups_ = 0;
  bool shut_ = false;
};

}  // namespace perspectief::api
