// Standard Webhooks signing: the specification's published example, secrets and ids.

#include "api/webhook_signature.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "eventstore/base64.hpp"

namespace perspectief::api {
namespace {

constexpr std::string_view kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kSpecTimestamp = 1614265330;
constexpr std::string_view kSpecBody = R"({"test": 2432232314})";
constexpr std::string_view kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(WebhookSignature, MatchesTheSpecificationsExample) {
  EXPECT_EQ(sign_webhook(kSpecSecret, kSpecId, kSpecTimestamp, kSpecBody), kSpecSignature);
}

TEST(WebhookSignature, AcceptsTheSecretWithoutItsPrefix) {
  EXPECT_EQ(sign_webhook(kSpecSecret.substr(6), kSpecId, kSpecTimestamp, kSpecBody),
            kSpecSignature);
}

TEST(WebhookSignature, ChangesWithIdTimestampAndBody) {
  EXPECT_NE(sign_webhook(kSpecSecret, "msg_other", kSpecTimestamp, kSpecBody), kSpecSignature);
  EXPECT_NE(sign_webhook(kSpecSecret, kSpecId, kSpecTimestamp + 1, kSpecBody), kSpecSignature);
  EXPECT_NE(sign_webhook(kSpecSecret, kSpecId, kSpecTimestamp, R"({"test": 2432232315})"),
            kSpecSignature);
}

TEST(WebhookSignature, RefusesASecretThatIsNotBase64) {
  try {
    (void)sign_webhook("whsec_not*base64", kSpecId, kSpecTimestamp, kSpecBody);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "the webhook secret is not base64");
  }
}

TEST(WebhookSignature, NewSecretIsPrefixedBase64OfThirtyTwoBytes) {
  const std::string secret = new_webhook_secret();
  ASSERT_TRUE(secret.starts_with("whsec_"));
  const auto key = base64_decode(std::string_view(secret).substr(6));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 32U);
  EXPECT_NE(new_webhook_secret(), secret);
  EXPECT_EQ(sign_webhook(secret, kSpecId, kSpecTimestamp, kSpecBody).size(), 3U + 44U);
}

TEST(WebhookSignature, NewIdsAreMsgAndTwentySixBase32CharactersAndDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_webhook_id();
    ASSERT_EQ(id.size(), 4U + 26U) << id;
    ASSERT_TRUE(id.starts_with("msg_")) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz", 4), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000U);
}

}  // namespace
}  // namespace perspectief::api
