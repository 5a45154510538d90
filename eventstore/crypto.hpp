#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace perspectief::privacy {

// A 256-bit secret (master, data or research key) as raw bytes.
using SecretKey = std::string;
inline constexpr std::size_t kKeyBytes = 32;

// Cryptographically strong random bytes (OpenSSL RAND_bytes); throws if the generator fails.
std::string random_bytes(std::size_t n);
// Key material (data, master and research keys): straight from OpenSSL's private generator
// (RAND_priv_bytes), never through the per-thread pool of fill_random, so no future key
// waits in memory before it is made.
std::string secret_random_bytes(std::size_t n);

// AES-256-GCM with a random 96-bit IV: returns IV (12) || ciphertext || tag (16). `aad` is
// authenticated, not stored: open must be given the same.
std::string aes_gcm_seal(const SecretKey& key, std::string_view aad, std::string_view plaintext);

// nullopt if the blob was not sealed with this key and aad, or was altered.
std::optional<std::string> aes_gcm_open(const SecretKey& key, std::string_view aad,
                                        std::string_view blob);

// HMAC-SHA256 (32 raw bytes).
std::string hmac_sha256(const SecretKey& key, std::string_view message);

}  // namespace perspectief::privacy
