#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perspectief::api {

// Standard Webhooks (standardwebhooks.com) signing, as spec/integrations.md has it.

// A fresh signing secret: "whsec_" + base64 of 32 bytes from the key generator (it is key
// material, so it never passes through the shared id pool). Throws std::runtime_error if the
// generator fails.
std::string new_webhook_secret();

// The `webhook-signature` header value for one delivery:
// "v1," + base64(HMAC-SHA256(key, msg_id + "." + timestamp + "." + body)), where key is the
// base64-decoded part of `secret` after "whsec_" (a secret without the prefix is decoded
// whole). Throws std::invalid_argument if the secret is not base64 (the message does not
// contain the secret): secrets are made by new_webhook_secret, so that is a bug, not input.
std::string sign_webhook(std::string_view secret, std::string_view msg_id, std::int64_t timestamp,
                         std::string_view body);

// A fresh `webhook-id`: "msg_" + 26 characters of lower-case Crockford base32 (128 random bits
// from fill_random), unique per batch; a retry reuses the batch's id. Throws
// std::runtime_error if the generator fails.
std::string new_webhook_id();

}  // namespace perspectief::api
