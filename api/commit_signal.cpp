#include "api/commit_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace perspectief::api {

namespace asio = boost::asio;

CommitSignal::CommitSignal(EventStore& store) : store_(store) {
  subscription_ = store_.subscribe([this](std::uint64_t) { wake_all(); });
}

CommitSignal::~CommitSignal() {
  store_.unsubscribe(subscription_);
}

void CommitSignal::wake_all() {
  std::lock_guard lock(mu_);
  for (const auto& timer : waiters_) {
    // Timers are not thread-safe: cancel on the waiter's own strand.
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
}

void CommitSignal::shutdown() {
  {
    std::lock_guard lock(mu_);
    shut_ = true;
  }
  wake_all();
}

asio::awaitable<void> CommitSignal::wait_beyond(std::uint64_t after,
                                                std::chrono::steady_clock::duration max_wait) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, deadline);
  {
    std::lock_guard lock(mu_);
    if (shut_) co_return;
    waiters_.insert(timer);
  }
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (shut_) break;
    }
    if (store_.last_position() > after || std::chrono::steady_clock::now() >= deadline) break;
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  }
  std::lock_guard lock(mu_);
  waiters_.erase(timer);
}

}  // namespace perspectief::api
