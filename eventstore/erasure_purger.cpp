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
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ErasurePurger::request() {
  {
    std::lock_guard lock(mu_);
    requested_ = true;
  }
  cv_.notify_all();
}

}  // namespace perspectief::privacy
