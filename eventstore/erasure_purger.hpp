#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace perspectief::privacy {

// Runs `purge` (KeyRing::purge_erased_keys) on its own thread after each request(), off the
// request path; requests that arrive while one runs are served by one more run.
class ErasurePurger {
 public:
  explicit ErasurePurger(std::function<void()> purge);
  ~ErasurePurger();  // finishes a requested run, then stops
  ErasurePurger(const ErasurePurger&) = delete;
  ErasurePurger& operator=(const ErasurePurger&) = delete;

  void request();
  // Finishes a requested run and stops the thread (before the store closes). Idempotent.
  void stop();

 private:
  std::function<void()> purge_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace perspectief::privacy
