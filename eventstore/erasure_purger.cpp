#include "eventstore/erasure_purger.hpp"

namespace perspectief::privacy {

ErasurePurger::ErasurePurger(std::function<void()> purge) : purge_(std::move(purge)) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return requested_ || stopping_; });
      if (requested_) {
        requested_ = false;
        lock.unlock();
        purge_();
        lock.lock();
        continue;
      }
      if (stopping_) return;
    }
  });
}

ErasurePurger::~ErasurePurger() {
  stop();
}

void ErasurePurger::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ErasurePurger::request() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    requested_ = true;
  }
  cv_.notify_all();
}

}  // namespace perspectief::privacy
