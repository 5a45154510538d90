#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <thread>

#include "domain/mutex.hpp"
#include "domain/thread_annotations.hpp"

namespace perspectief::api {

// A thread at the priority of the one that made it, which runs work for a thread at
// SCHED_IDLE (the webhook dispatcher) and makes it wait. For work that takes what the request
// path also takes: a RocksDB write joins the store's write group and may lead it, inserting
// the events of other writers too; a SCHED_IDLE thread that leads it and is then preempted
// under load (it runs only when nothing else wants a processor) would hold up every append
// behind it. Here such work runs at normal priority; the SCHED_IDLE thread only waits.
class NormalPriorityThread {
 public:
  NormalPriorityThread();
  ~NormalPriorityThread();  // stops the thread (after the work in hand, if any)
  NormalPriorityThread(const NormalPriorityThread&) = delete;
  NormalPriorityThread& operator=(const NormalPriorityThread&) = delete;

  // Runs `work` on the thread and returns when it is done; what it throws is thrown here.
  // One caller at a time.
  void run(const std::function<void()>& work) EXCLUDES(mu_);

 private:
  void loop() EXCLUDES(mu_);

  Mutex mu_;
  std::condition_variable cv_;
  const std::function<void()>* work_ GUARDED_BY(mu_) = nullptr;
  bool done_ GUARDED_BY(mu_) = false;
  std::exception_ptr thrown_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace perspectief::api
