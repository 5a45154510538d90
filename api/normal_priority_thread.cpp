#include "api/normal_priority_thread.hpp"

#include <utility>

namespace perspectief::api {

NormalPriorityThread::NormalPriorityThread() : thread_([this] { loop(); }) {}

NormalPriorityThread::~NormalPriorityThread() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void NormalPriorityThread::run(const std::function<void()>& work) {
  MutexLock lock(mu_);
  work_ = &work;
  done_ = false;
  cv_.notify_all();
  cv_.wait(lock.native(), [this] {
    mu_.assert_held();
    return done_;
  });
  if (thrown_) std::rethrow_exception(std::exchange(thrown_, nullptr));
}

void NormalPriorityThread::loop() {
  MutexLock lock(mu_);
  for (;;) {
    cv_.wait(lock.native(), [this] {
      mu_.assert_held();
      return work_ != nullptr || stopping_;
    });
    if (work_ == nullptr) return;  // stopping, nothing in hand
    const std::function<void()>* work = work_;
    work_ = nullptr;
    lock.unlock();
    std::exception_ptr thrown;
    try {
      (*work)();
    } catch (...) {
      thrown = std::current_exception();
    }
    lock.lock();
    thrown_ = thrown;
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace perspectief::api
