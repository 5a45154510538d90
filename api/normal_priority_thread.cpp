#include "api/normal_priority_thread.hpp"

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
    (*work)();
    lock.lock();
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace perspectief::api
