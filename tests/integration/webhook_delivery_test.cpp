// Webhook delivery over the real server to loopback receivers (spec/integrations.md, "Webhook
// delivery"): batches of at most maxBatch in position order, each signed with the secret of
// the 201 (checked by the test support's own HMAC); retries under the same webhook id while
// the subscription shows "failing"; parking after 8 attempts, its metrics, and replay;
// redirects not followed; the allow list and https rules at creation; each delivery of
// personal data in the case's access log.

#include <atomic>
#include <set>
#include <string>

#include "tests/integration/webhook_fixture.hpp"

namespace perspectief::testing {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

TEST_F(WebhookTest, BatchesOfAtMostMaxBatchInPositionOrderSignedWithTheSecret) {
  WebhookReceiver receiver;
  for (const char* id : {"c-1", "c-2", "c-3"}) {
    case_event("t-intake", id, registration(std::string{"Person "} + id));
    case_event("t-intake", id, ev("IntakeCompleted", R"({"eligible":true})"));
  }
  const auto body = webhook_body("s-1", receiver.url(), 2);
  const auto created = create("t-intake", body);
  ASSERT_EQ(created.status, 201) << created.body;
  auto fields = created.json().as_object();
  const std::string secret{fields.at("secret").as_string()};
  EXPECT_EQ(secret.size(), 50U);  // whsec_ + base64 of 32 bytes
  EXPECT_EQ(secret.rfind("whsec_", 0), 0U);
  fields.erase("secret");
  const auto again = create("t-intake", body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json(), fields);  // no secret the second time
  EXPECT_EQ(fields.at("delivery"),
            (json::object{{"kind", "webhook"}, {"url", receiver.url()}, {"maxBatch", 2}}));

  const auto visible = feed("t-intake");
  ASSERT_EQ(visible.size(), 6U);
  ASSERT_TRUE(
      receiver.wait_for([](const auto& got) { return event_count(got) >= 6; }, seconds(10)));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 3U);
  json::array delivered;
  std::set<std::string> ids;
  for (const auto& r : got) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/hook");
    EXPECT_TRUE(verify_standard_webhook(r, secret)) << r.header("webhook-id");
    EXPECT_EQ(r.header("webhook-id").rfind("msg_", 0), 0U);
    ids.insert(r.header("webhook-id"));
    const auto batch = json::parse(r.body).as_object();
    EXPECT_EQ(batch.at("subscriptionId"), "s-1");
    EXPECT_EQ(batch.at("events").as_array().size(), 2U);
    for (const auto& e : batch.at("events").as_array()) delivered.push_back(e);
  }
  EXPECT_EQ(ids.size(), 3U);
  EXPECT_EQ(delivered, visible);  // every visible event once, positions strictly increasing
  // The access log has one webhook read per case (besides the test's own feed read).
  for (const char* id : {"c-1", "c-2", "c-3"}) {
    const auto log = client_->get(std::string{"/v1/access-log?caseId="} + id, "t-regie");
    ASSERT_EQ(log.status, 200) << log.body;
    int webhook_reads = 0;
    const auto body = log.json();
    for (const auto& e : body.at("entries").as_array()) {
      webhook_reads += e.at("what") == "webhook" ? 1 : 0;
    }
    EXPECT_EQ(webhook_reads, 1) << id << ": " << log.body;
  }
  const auto last = position_of(visible.back());
  EXPECT_TRUE(read_until("t-intake", "s-1", [&](const json::value& s) {
    return s.at("checkpoint") == last && s.at("lag") == 0 && s.at("state") == "active";
  }));
}

TEST_F(WebhookTest, RetriesUnderTheSameWebhookIdWhileFailing) {
  WebhookReceiver receiver{fail_first(2)};
  const auto position = case_event("t-intake", "c-1", registration("Person c-1"));
  const auto secret = create_webhook("t-intake", "s-1", receiver.url());
  ASSERT_TRUE(receiver.wait_for([](const auto& got) { return got.size() >= 2; }, seconds(10)));
  // The second attempt follows the first one's failure, recorded before it.
  const auto failing = read("t-intake", "s-1").json();
  EXPECT_EQ(failing.at("state"), "failing");
  EXPECT_EQ(failing.at("lastError"), "HTTP 500");
  EXPECT_EQ(failing.at("checkpoint"), 0);
  EXPECT_TRUE(read_until("t-intake", "s-1", [&](const json::value& s) {
    return s.at("state") == "active" && s.at("lastError").is_null() &&
           s.at("checkpoint") == position;
  }));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 3U);
  for (const auto& r : got) {
    EXPECT_EQ(r.header("webhook-id"), got[0].header("webhook-id"));
    EXPECT_TRUE(verify_standard_webhook(r, secret));
    EXPECT_EQ(events_of(r), events_of(got[0]));
  }
  // Each attempt showed the person to the subscription's organisation: three reads logged.
  const auto log = client_->get("/v1/access-log?caseId=c-1", "t-regie");
  ASSERT_EQ(log.status, 200) << log.body;
  const auto body = log.json();
  const auto& entries = body.at("entries").as_array();
  ASSERT_EQ(entries.size(), 3U) << log.body;
  for (const auto& e : entries) {
    EXPECT_EQ(e.at("subject"), "intake-1");
    EXPECT_EQ(e.at("organisation"), "org-intake");
    EXPECT_EQ(e.at("role"), "intake");
    EXPECT_EQ(e.at("what"), "webhook");
  }
}

// The value of the metric line `name` (with its labels) in Prometheus text; -1 when absent.
double metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST_F(WebhookTest, ParksAfterEightAttemptsAndReplaysUnderTheSameId) {
  std::atomic<bool> ok{false};
  WebhookReceiver receiver{fail_until(ok)};
  const auto position = case_event("t-intake", "c-1", registration("Person c-1"));
  const auto secret = create_webhook("t-intake", "s-1", receiver.url());
  ASSERT_TRUE(
      read_until("t-intake", "s-1", [](const json::value& s) { return s.at("parked") == 1; }));
  const auto attempts = receiver.received();
  ASSERT_EQ(attempts.size(), 8U);
  const std::string id = attempts[0].header("webhook-id");
  for (const auto& r : attempts) EXPECT_EQ(r.header("webhook-id"), id);
  const auto state = read("t-intake", "s-1").json();
  EXPECT_EQ(state.at("checkpoint"), position);  // delivery goes on after the parked batch
  EXPECT_EQ(state.at("lastError"), "HTTP 500");

  auto parked = client_->get("/v1/subscriptions/s-1/parked", "t-intake").json();
  ASSERT_EQ(parked.at("parked").as_array().size(), 1U);
  auto entry = parked.at("parked").at(0).as_object();
  EXPECT_TRUE(entry.at("parkedAt").is_string());
  entry.erase("parkedAt");
  EXPECT_EQ(entry, (json::object{{"webhookId", id},
                                 {"after", 0},
                                 {"through", position},
                                 {"attempts", 8},
                                 {"lastError", "HTTP 500"}}));
  const auto metrics = client_->get("/metrics", "t-ops").body;
  EXPECT_EQ(metric(metrics, R"(perspectief_subscription_parked{subscription="org-intake/s-1"})"), 1)
      << metrics;
  EXPECT_EQ(metric(metrics, R"(perspectief_webhook_deliveries_total{result="parked"})"), 1);
  EXPECT_EQ(metric(metrics, R"(perspectief_webhook_deliveries_total{result="retry"})"), 7);

  ok = true;
  const auto replay = client_->post("/v1/subscriptions/s-1/parked/replay", "t-intake", "");
  EXPECT_EQ(replay.status, 202) << replay.body;
  EXPECT_EQ(replay.json(), (json::object{{"replaying", 1}}));
  ASSERT_TRUE(receiver.wait_for([](const auto& got) { return got.size() >= 9; }, seconds(10)));
  const auto again = receiver.received().at(8);
  EXPECT_EQ(again.header("webhook-id"), id);
  EXPECT_TRUE(verify_standard_webhook(again, secret));
  EXPECT_EQ(events_of(again), events_of(attempts[0]));
  // The batch leaves the parked list, then the replay is recorded (its error cleared): a
  // read between the two sees "failing" with nothing parked, so wait for both.
  EXPECT_TRUE(read_until("t-intake", "s-1", [](const json::value& s) {
    return s.at("parked") == 0 && s.at("state") == "active";
  }));
  EXPECT_EQ(client_->get("/v1/subscriptions/s-1/parked", "t-intake").json(),
            (json::object{{"parked", json::array{}}}));
  // Eight attempts and the replay showed the person: nine reads logged, two pages of five.
  const auto first = client_->get("/v1/access-log?caseId=c-1&limit=5", "t-regie");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto first_body = first.json();
  EXPECT_EQ(first_body.at("entries").as_array().size(), 5U) << first.body;
  const std::string cursor{first_body.at("next").as_string()};
  const auto rest = client_->get("/v1/access-log?caseId=c-1&limit=5&after=" + cursor, "t-regie");
  ASSERT_EQ(rest.status, 200) << rest.body;
  const auto rest_body = rest.json();
  EXPECT_EQ(rest_body.at("entries").as_array().size(), 4U) << rest.body;
  EXPECT_TRUE(rest_body.at("next").is_null());
  for (const auto* page : {&first_body, &rest_body}) {
    for (const auto& e : page->at("entries").as_array()) EXPECT_EQ(e.at("what"), "webhook");
  }
}

TEST_F(WebhookTest, RedirectsAreNotFollowed) {
  WebhookReceiver target;
  WebhookReceiver moved{[&target](const Received&) { return Reply::redirect(302, target.url()); }};
  case_event("t-intake", "c-1", registration("Person c-1"));
  create_webhook("t-intake", "s-1", moved.url());
  EXPECT_TRUE(read_until("t-intake", "s-1", [](const json::value& s) {
    return s.at("lastError") == "redirect not followed (HTTP 302)";
  }));
  EXPECT_GE(moved.received().size(), 1U);
  EXPECT_EQ(target.received().size(), 0U);
}

// Creation refused by the operator's rules (the same server without them: subscription_test).
class WebhookOutsideAllowList : public SubscriptionTest {
  std::vector<std::string> server_flags() const override {
    return {"--webhook-allow", "10.0.0.0/8", "--webhook-allow-http"};
  }
};
class WebhookHttpNotAllowed : public SubscriptionTest {
  std::vector<std::string> server_flags() const override {
    return {"--webhook-allow", "127.0.0.1/32"};
  }
};

void expect_refused(const HttpResult& r, const std::string& detail_text) {
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(first_error_field(r), "delivery.url");
  EXPECT_EQ(detail(r), detail_text);
}

TEST_F(WebhookOutsideAllowList, A400ForATargetOutsideTheList) {
  expect_refused(create("t-intake", webhook_body("s-1", "http://127.0.0.1:9/h", 10)),
                 "the webhook host 127.0.0.1 is not in the allow list (--webhook-allow)");
}

TEST_F(WebhookHttpNotAllowed, A400ForHttpWithoutTheFlag) {
  expect_refused(create("t-intake", webhook_body("s-1", "http://127.0.0.1:9/h", 10)),
                 "the webhook URL must use https (http needs --webhook-allow-http)");
}

}  // namespace
}  // namespace perspectief::testing
