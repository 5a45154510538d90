#include "eventstore/erasure_purger.hpp"

namespace perspectief::privacy {

ErasurePurger::ErasurePurger(std::function<void()> purge) : purge_(std::move(purge)) {
  thread_ = std::thread([this] { run(); });
}

void ErasurePurger::run() {
  MutexLock lock(mu_);
  for (;;) {
    while (!requested_ && !stopping_) cv_.wait(lock.native());
    if (requested_) {
      requested_ = false;
      lock.unlock();  // requests that arrive meanwhile are served by one more run
      purge_();
      lock.lock();
      continue;
    }
    if (stopping_) return;
  }
}

ErasurePurger::~ErasurePurger() {
  stop();
}

void ErasurePurger::stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ErasurePurger::request() {
  {
    MutexLock lock(mu_);
    if (stopping_) return;
    requested_ = true;
  }
  cv_.notify_all();
}

}  // namespace perspectief::privacy
