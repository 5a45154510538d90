#pragma once

// Clang's thread-safety capability attributes (-Wthread-safety): a member GUARDED_BY a mutex
// may be touched only with that mutex held, a function that REQUIRES it only by a caller
// holding it, and the analysis checks both at compile time. Empty under GCC, which has no
// such analysis. The annotated mutex is domain/mutex.hpp (libstdc++'s std::mutex carries no
// annotations). See https://clang.llvm.org/docs/ThreadSafetyAnalysis.html.

#if defined(__clang__)
#define PERSPECTIEF_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PERSPECTIEF_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) PERSPECTIEF_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY PERSPECTIEF_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) PERSPECTIEF_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) PERSPECTIEF_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) PERSPECTIEF_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) PERSPECTIEF_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define REQUIRES(...) PERSPECTIEF_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) PERSPECTIEF_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) PERSPECTIEF_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) PERSPECTIEF_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) PERSPECTIEF_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) PERSPECTIEF_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) PERSPECTIEF_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) PERSPECTIEF_THREAD_ANNOTATION(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS PERSPECTIEF_THREAD_ANNOTATION(no_thread_safety_analysis)
