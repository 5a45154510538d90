#include "eventstore/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace perspectief {
namespace {

constexpr std::size_t kPoolBytes = 4096;

// Bumped in a child after fork(): a pool filled before the fork is never handed out in both
// processes (the same nonces and ids twice).
std::atomic<std::uint64_t> fork_generation{0};

void register_fork_handler() {
  static std::once_flag once;
  std::call_once(once,
                 [] { pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); }); });
}

struct Pool {
  std::array<unsigned char, kPoolBytes> bytes{};
  std::size_t used = kPoolBytes;  // empty until first use
  std::uint64_t generation = 0;
  ~Pool() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

}  // namespace

void fill_random(void* out, std::size_t n) {
  auto* dst = static_cast<unsigned char*>(out);
  if (n > kPoolBytes / 4) {  // large requests straight from the generator
    if (RAND_bytes(dst, static_cast<int>(n)) != 1) {
      throw std::runtime_error("the random generator failed");
    }
    return;
  }
  register_fork_handler();
  thread_local Pool pool;
  const std::uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (pool.used + n > kPoolBytes || pool.generation != generation) {
    if (RAND_bytes(pool.bytes.data(), static_cast<int>(kPoolBytes)) != 1) {
      throw std::runtime_error("the random generator failed");
    }
    pool.used = 0;
    pool.generation = generation;
  }
  std::memcpy(dst, pool.bytes.data() + pool.used, n);
  OPENSSL_cleanse(pool.bytes.data() + pool.used, n);
  pool.used += n;
}

}  // namespace perspectief
