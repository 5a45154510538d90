#include "eventstore/crypto.hpp"

#include "eventstore/random.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace perspectief::privacy {
namespace {

constexpr int kIvBytes = 12;
constexpr int kTagBytes = 16;

// Fetched once: EVP_aes_256_gcm() and HMAC() make OpenSSL 3 look the algorithm up (a
// provider query with locks) on every call; fetched, they cost nothing to reuse.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* const kCipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (kCipher == nullptr) throw std::runtime_error("AES-256-GCM is not available");
  return kCipher;
}

// A context per thread, reset before each use, instead of one allocated per call.
EVP_CIPHER_CTX* cipher_ctx() {
  struct Ctx {
    EVP_CIPHER_CTX* p = EVP_CIPHER_CTX_new();
    ~Ctx() { EVP_CIPHER_CTX_free(p); }
  };
  thread_local Ctx ctx;
  if (ctx.p == nullptr || EVP_CIPHER_CTX_reset(ctx.p) != 1) {
    throw std::runtime_error("no cipher context");
  }
  return ctx.p;
}

// Wipes the context's key schedule when the call is done.
struct CtxLease {
  EVP_CIPHER_CTX* ctx;
  ~CtxLease() { EVP_CIPHER_CTX_reset(ctx); }
};

// HMAC-SHA256 with the digest set once; each call duplicates it and sets only the key.
const EVP_MAC_CTX* hmac_sha256_template() {
  static EVP_MAC_CTX* const kTemplate = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (ctx != nullptr && EVP_MAC_CTX_set_params(ctx, params) != 1) {
      EVP_MAC_CTX_free(ctx);
      ctx = nullptr;
    }
    return ctx;
  }();
  if (kTemplate == nullptr) throw std::runtime_error("HMAC-SHA256 is not available");
  return kTemplate;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  fill_random(out.data(), n);
  return out;
}

std::string secret_random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_priv_bytes(bytes(out), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the random generator failed");
  }
  return out;
}

std::string aes_gcm_seal(const SecretKey& key, std::string_view aad, std::string_view plaintext) {
  if (key.size() != kKeyBytes) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
  std::string out = random_bytes(kIvBytes);
  out.resize(kIvBytes + plaintext.size() + kTagBytes);
  unsigned char* text = bytes(out) + kIvBytes;
  unsigned char* tag = text + plaintext.size();
  const CtxLease lease{cipher_ctx()};
  EVP_CIPHER_CTX* const ctx = lease.ctx;
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx, aes_256_gcm(), nullptr, bytes(key), bytes(out)) == 1;
  ok = ok && EVP_EncryptUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx, text, &len, bytes(plaintext),
                               static_cast<int>(plaintext.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx, text + len, &len) == 1;  // GCM: adds nothing
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM encryption failed");
  return out;
}

std::optional<std::string> aes_gcm_open(const SecretKey& key, std::string_view aad,
                                        std::string_view blob) {
  if (key.size() != kKeyBytes || blob.size() < static_cast<std::size_t>(kIvBytes + kTagBytes)) {
    return std::nullopt;
  }
  const std::size_t text_size = blob.size() - kIvBytes - kTagBytes;
  std::string out(text_size, '\0');
  std::string tag{blob.substr(kIvBytes + text_size)};
  const CtxLease lease{cipher_ctx()};
  EVP_CIPHER_CTX* const ctx = lease.ctx;
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx, aes_256_gcm(), nullptr, bytes(key), bytes(blob)) == 1;
  ok = ok && EVP_DecryptUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx, bytes(out), &len, bytes(blob) + kIvBytes,
                               static_cast<int>(text_size)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes(tag)) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx, bytes(out) + len, &len) == 1;  // checks the tag
  if (!ok) return std::nullopt;
  return out;
}

std::string hmac_sha256(const SecretKey& key, std::string_view message) {
  std::string out(32, '\0');
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx{
      EVP_MAC_CTX_dup(hmac_sha256_template()), &EVP_MAC_CTX_free};
  std::size_t len = 0;
  const bool ok = ctx != nullptr && EVP_MAC_init(ctx.get(), bytes(key), key.size(), nullptr) == 1 &&
                  EVP_MAC_update(ctx.get(), bytes(message), message.size()) == 1 &&
                  EVP_MAC_final(ctx.get(), bytes(out), &len, out.size()) == 1 && len == 32;
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
  return out;
}

}  // namespace perspectief::privacy
