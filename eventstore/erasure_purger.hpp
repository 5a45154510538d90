#pragma once

#include <condition_variable>
#include <functional>
#include <thread>

#include "domain/mutex.hpp"
#include "domain/thread_annotations.hpp"

namespace perspectief::privacy {

// Runs `purge` (KeyRing::purge_erased_keys) on its own thread after each request(), off the
// request path; requests that arrive while one runs are served by one more run.
class ErasurePurger {
 public:
  explicit ErasurePurger(std::function<void()> purge);
  ~ErasurePurger();  // finishes a requested run, then stops
  ErasurePurger(const ErasurePurger&) = delete;
  ErasurePurger& operator=(const ErasurePurger&) = delete;

  void request() EXCLUDES(mu_);
  // Finishes a requested run and stops the thread (before the store closes). Idempotent.
  void stop() EXCLUDES(mu_);

 private:
  void run() EXCLUDES(mu_);  // the thread

  std::function<void()> purge_;
  Mutex mu_;
  std::condition_variable cv_;
  bool requested_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace perspectief::privacy
