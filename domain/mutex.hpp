#pragma once

#include <mutex>

#include "domain/thread_annotations.hpp"

namespace perspectief {

// std::mutex as a capability Clang's -Wthread-safety can follow (domain/thread_annotations.hpp).
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  // Tells the analysis the caller holds this mutex, where it cannot see so itself: in a
  // condition variable's predicate, which runs under the lock the wait was given.
  void assert_held() const ASSERT_CAPABILITY(this) {}
  // For std::condition_variable, through MutexLock::native().
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope, as std::unique_lock does (and is one underneath, for
// std::condition_variable: a wait gives the mutex up and takes it back before it returns, so
// to the analysis the lock is held throughout).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.native()) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // Gives the mutex up within the scope (for work that must not hold it), and takes it back.
  void unlock() RELEASE() { lock_.unlock(); }
  void lock() ACQUIRE() { lock_.lock(); }

  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace perspectief
