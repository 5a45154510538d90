#pragma once

// A real server that may deliver webhooks to loopback receivers (WebhookReceiver), retrying
// fast (50 ms doubling to 200 ms) so that parking takes about a second, and the steps the
// webhook tests share.

#include <boost/json/parse.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/subscription_fixture.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace perspectief::testing {

// The body that creates webhook subscription `id` to `url` from the beginning.
inline std::string webhook_body(const std::string& id, const std::string& url, int max_batch) {
  return R"({"subscriptionId":")" + id + R"(","startAt":"beginning","delivery":{"kind":)" +
         R"("webhook","url":")" + url + R"(","maxBatch":)" + std::to_string(max_batch) + "}}";
}

class WebhookTest : public SubscriptionTest {
 protected:
  std::vector<std::string> server_flags() const override {
    return {"--webhook-allow",
            "127.0.0.1/32",
            "--webhook-allow-http",
            "--webhook-retry-base-ms",
            "50",
            "--webhook-retry-max-ms",
            "200"};
  }

  // Creates webhook subscription `id` to `url` from the beginning (201 expected) and returns
  // its signing secret.
  std::string create_webhook(const std::string& token, const std::string& id,
                             const std::string& url, int max_batch = 100) {
    const auto r = create(token, webhook_body(id, url, max_batch));
    EXPECT_EQ(r.status, 201) << r.body;
    const auto v = r.json();
    return v.is_object() && v.as_object().contains("secret")
               ? std::string{v.at("secret").as_string()}
               : "";
  }
};

// The events of a delivered batch.
inline boost::json::array events_of(const Received& r) {
  return boost::json::parse(r.body).at("events").as_array();
}

// How many events the recorded batches hold together.
inline std::size_t event_count(const std::vector<Received>& got) {
  std::size_t n = 0;
  for (const auto& r : got) n += events_of(r).size();
  return n;
}

// A responder that answers 500 until `ok` is set, then 200.
inline Responder fail_until(const std::atomic<bool>& ok) {
  return [&ok](const Received&) { return ok ? Reply{} : Reply::with_status(500); };
}

// A responder that answers the first `n` requests 500, then 200.
inline Responder fail_first(int n) {
  auto answered = std::make_shared<std::atomic<int>>(0);
  return [n, answered](const Received&) {
    return answered->fetch_add(1) < n ? Reply::with_status(500) : Reply{};
  };
}

}  // namespace perspectief::testing
