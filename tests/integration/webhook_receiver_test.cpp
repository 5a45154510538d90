// The test support's webhook receiver and its independent signature check, on their own:
// the subscription tests rely on both.
#include "tests/support/webhook_receiver.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/http_client.hpp"

namespace perspectief::testing {
namespace {

using std::chrono::milliseconds;

TEST(WebhookReceiver, RecordsRequestsAndAnswersWithTheResponder) {
  WebhookReceiver receiver{[](const Received& r) {
    return r.target == "/moved" ? Reply::redirect(302, "http://elsewhere/")
                                : Reply::with_status(500);
  }};
  HttpClient client{receiver.port()};
  const auto first = client.post("/hook", "", R"({"a":1})", {{"Webhook-Id", "msg_1"}});
  EXPECT_EQ(first.status, 500);
  const auto moved = client.post("/moved", "", "{}");
  EXPECT_EQ(moved.status, 302);
  EXPECT_EQ(moved.header("location"), "http://elsewhere/");
  receiver.set_responder([](const Received&) { return Reply{}; });
  EXPECT_EQ(client.post("/hook", "", "{}").status, 200);

  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/hook");
  EXPECT_EQ(got[0].body, R"({"a":1})");
  EXPECT_EQ(got[0].header("webhook-id"), "msg_1");
  EXPECT_EQ(got[1].target, "/moved");
  EXPECT_EQ(receiver.url(), "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook");
}

TEST(WebhookReceiver, StopRefusesConnectionsAndStartListensOnTheSamePort) {
  WebhookReceiver receiver;
  const auto port = receiver.port();
  receiver.stop();
  HttpClient refused{port};
  EXPECT_THROW(refused.post("/hook", "", "{}"), std::exception);
  receiver.start();
  EXPECT_EQ(receiver.port(), port);
  HttpClient client{port};
  EXPECT_EQ(client.post("/hook", "", "{}").status, 200);
  EXPECT_EQ(receiver.received().size(), 1U);
}

TEST(WebhookReceiver, AnswersConcurrentConnectionsAndWaitsForAPredicate) {
  WebhookReceiver receiver{[](const Received& r) {
    return Reply::after(r.target == "/slow" ? milliseconds{300} : milliseconds{0});
  }};
  std::thread slow{[&] { HttpClient{receiver.port()}.post("/slow", "", "{}"); }};
  ASSERT_TRUE(
      receiver.wait_for([](const auto& got) { return got.size() == 1; }, milliseconds{5000}));
  // The slow answer is still pending; another connection is served meanwhile.
  EXPECT_EQ(HttpClient{receiver.port()}.post("/fast", "", "{}").status, 200);
  slow.join();
  EXPECT_EQ(receiver.received().size(), 2U);
  EXPECT_FALSE(
      receiver.wait_for([](const auto& got) { return got.size() == 3; }, milliseconds{50}));
}

TEST(WebhookReceiver, CloseWithoutAnswerSendsNothing) {
  WebhookReceiver receiver{[](const Received&) { return Reply::hang_up(); }};
  const auto reply =
      raw_exchange(receiver.port(), "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(reply, "");
  EXPECT_EQ(receiver.received().size(), 1U);
}

// The example of the Standard Webhooks specification.
Received example_request() {
  Received r;
  r.headers = {{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
               {"webhook-timestamp", "1614265330"},
               {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
  r.body = R"({"test": 2432232314})";
  return r;
}

TEST(VerifyStandardWebhook, AcceptsTheSpecificationsExample) {
  EXPECT_TRUE(verify_standard_webhook(example_request(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

TEST(VerifyStandardWebhook, RejectsATamperedBodyIdOrSecret) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto body = example_request();
  body.body = R"({"test": 2432232315})";
  EXPECT_FALSE(verify_standard_webhook(body, secret));
  auto id = example_request();
  id.headers["webhook-id"] = "msg_other";
  EXPECT_FALSE(verify_standard_webhook(id, secret));
  EXPECT_FALSE(
      verify_standard_webhook(example_request(), "whsec_AfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  EXPECT_FALSE(verify_standard_webhook(example_request(), "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

TEST(VerifyStandardWebhook, FindsTheMatchingEntryAmongSeveral) {
  auto r = example_request();
  r.headers["webhook-signature"] = "v1,AAAA v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  EXPECT_TRUE(verify_standard_webhook(r, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

}  // namespace
}  // namespace perspectief::testing
