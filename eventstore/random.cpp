#include "eventstore/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace perspectief {
namespace {

constexpr std::size_t kPoolBytes = 4096;

struct Pool {
  std::array<unsigned char, kPoolBytes> bytes{};
  std::size_t used = kPoolBytes;  // empty until first use
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
  thread_local Pool pool;
  if (pool.used + n > kPoolBytes) {
    if (RAND_bytes(pool.bytes.data(), static_cast<int>(kPoolBytes)) != 1) {
      throw std::runtime_error("the random generator failed");
    }
    pool.used = 0;
  }
  std::memcpy(dst, pool.bytes.data() + pool.used, n);
  OPENSSL_cleanse(pool.bytes.data() + pool.used, n);
  pool.used += n;
}

}  // namespace perspectief
