#pragma once

#include <cstddef>

namespace perspectief {

// Fills `out` with `n` bytes from OpenSSL's CSPRNG (RAND_bytes). Each thread draws 4 KiB at a
// time and hands them out in turn, so a request that needs a data key, a nonce, an event id
// and a request id pays one call into the generator per ~100 requests instead of four per
// request (the call itself checks for a fork and locks: measured 6% of an append). The bytes
// are used once and wiped from the pool as they are taken; after a fork the child discards
// the pool. For nonces and ids; keys come from privacy::secret_random_bytes instead. Throws
// std::runtime_error if the generator fails.
void fill_random(void* out, std::size_t n);

}  // namespace perspectief
