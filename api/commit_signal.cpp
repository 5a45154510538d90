#include "api/commit_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace perspectief::api {

namespace asio = boost::asio;

CommitSignal::CommitSignal(EventStore& store, CommitSignalOptions options)
    : store_(store), options_(options) {
  subscription_ = store_.subscribe([this](std::uint64_t last_position) {
    std::lock_guard lock(mu_);
    wake_below(last_position);
  });
}

CommitSignal::~CommitSignal() {
  store_.unsubscribe(subscription_);
}

void CommitSignal::wake_below(std::uint64_t last_position) {
  // The waiters this commit gives nothing are never looked at: they sit at or after
  // `last_position` in the map.
  const auto end =
      last_position == UINT64_MAX ? waiters_.end() : waiters_.lower_bound(last_position);
  for (auto it = waiters_.begin(); it != end; ++it) {
    it->second->woken = true;
    ++wake_ups_;
    // Timers are not thread-safe: cancel on the waiter's own strand.
    auto timer = it->second->timer;
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
  waiters_.erase(waiters_.begin(), end);
}

void CommitSignal::shutdown() {
  std::lock_guard lock(mu_);
  shut_ = true;
  wake_below(UINT64_MAX);
}

std::uint64_t CommitSignal::wake_ups() const {
  std::lock_guard lock(mu_);
  return wake_ups_;
}

std::size_t CommitSignal::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

std::optional<CommitSignal::Slot> CommitSignal::try_reserve(std::string token_key) {
  std::lock_guard lock(mu_);
  std::size_t& open = open_per_token_[token_key];
  if (open >= options_.max_waits_per_token) {
    if (open == 0) open_per_token_.erase(token_key);
    return std::nullopt;
  }
  ++open;
  return Slot{this, std::move(token_key)};
}

void CommitSignal::release(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = open_per_token_.find(key);
  if (it == open_per_token_.end()) return;
  if (--it->second == 0) open_per_token_.erase(it);
}

CommitSignal::Slot::~Slot() {
  if (signal_ != nullptr) signal_->release(key_);
}

asio::awaitable<void> CommitSignal::wait_beyond(std::uint64_t after,
                                                std::chrono::steady_clock::duration max_wait) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  auto waiter = std::make_shared<Waiter>();
  waiter->timer =
      std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, deadline);
  Waiters::iterator at;
  {
    // The store moves last_position before it calls its subscribers, and the subscriber
    // takes mu_: a commit either shows here or wakes the waiter inserted here.
    std::lock_guard lock(mu_);
    if (shut_ || store_.last_position() > after) co_return;
    at = waiters_.emplace(after, waiter);
  }
  // The cancel of a wake-up is posted to this strand, so it runs after async_wait started.
  // Timer errors other than cancel (none are expected) end the wait like a timeout.
  for (;;) {
    co_await waiter->timer->async_wait(asio::as_tuple(asio::use_awaitable));
    std::lock_guard lock(mu_);
    if (waiter->woken) break;  // the waker took it out of waiters_
    if (shut_ || std::chrono::steady_clock::now() >= deadline) {
      waiters_.erase(at);
      break;
    }
  }
}

bool CommitSignal::stopped() const {
  std::lock_guard lock(mu_);
  return shut_;
}

}  // namespace perspectief::api
