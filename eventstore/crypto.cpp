#include "eventstore/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace perspectief::privacy {
namespace {

constexpr int kIvBytes = 12;
constexpr int kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(bytes(out), static_cast<int>(n)) != 1) {
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
  CipherCtx ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  int len = 0;
  bool ok = ctx != nullptr;
  ok = ok && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(out)) == 1;
  ok = ok &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), text, &len, bytes(plaintext),
                               static_cast<int>(plaintext.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), text + len, &len) == 1;  // GCM: adds nothing
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1;
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
  CipherCtx ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  int len = 0;
  bool ok = ctx != nullptr;
  ok =
      ok && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(blob)) == 1;
  ok = ok &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(blob) + kIvBytes,
                               static_cast<int>(text_size)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes(tag)) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), bytes(out) + len, &len) == 1;  // checks the tag
  if (!ok) return std::nullopt;
  return out;
}

std::string hmac_sha256(const SecretKey& key, std::string_view message) {
  std::string out(32, '\0');
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(message), message.size(),
           bytes(out), &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

}  // namespace perspectief::privacy
