#include "api/webhook_signature.hpp"

#include <array>
#include <stdexcept>

#include "eventstore/base64.hpp"
#include "eventstore/crypto.hpp"
#include "eventstore/random.hpp"

namespace perspectief::api {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::string_view kIdPrefix = "msg_";
constexpr std::size_t kIdChars = 26;  // 130 bits: room for the 128 random ones

// Crockford's base32 alphabet (no i, l, o, u), lower case: ids read back unambiguously.
constexpr std::string_view kBase32 = "0123456789abcdefghjkmnpqrstvwxyz";

}  // namespace

std::string new_webhook_secret() {
  return std::string(kSecretPrefix) + base64_encode(privacy::secret_random_bytes(kSecretBytes));
}

std::string sign_webhook(std::string_view secret, std::string_view msg_id, std::int64_t timestamp,
                         std::string_view body) {
  if (secret.starts_with(kSecretPrefix)) secret.remove_prefix(kSecretPrefix.size());
  const auto key = base64_decode(secret);
  if (!key) throw std::invalid_argument("the webhook secret is not base64");
  std::string signed_content;
  signed_content.reserve(msg_id.size() + body.size() + 24);
  signed_content.append(msg_id).append(".").append(std::to_string(timestamp)).append(".");
  signed_content.append(body);
  return "v1," + base64_encode(privacy::hmac_sha256(*key, signed_content));
}

std::string new_webhook_id() {
  std::array<unsigned char, 16> random{};
  fill_random(random.data(), random.size());
  std::string id(kIdPrefix);
  // Five bits per character, taken from the 128 random bits in order (the last two are zero).
  for (std::size_t i = 0; i < kIdChars; ++i) {
    unsigned value = 0;
    for (std::size_t bit = i * 5; bit < i * 5 + 5; ++bit) {
      const unsigned b = bit < random.size() * 8 ? (random[bit / 8] >> (7 - bit % 8)) & 1U : 0U;
      value = (value << 1U) | b;
    }
    id.push_back(kBase32[value]);
  }
  return id;
}

}  // namespace perspectief::api
