#include "api/subscription_json.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <string>
#include <string_view>
#include <vector>

// The bodies of POST /v1/subscriptions and .../ack, and the subscriptions and parked batches
// as the API shows them (spec/integrations.md, "Subscriptions").

namespace perspectief::api {
namespace {

const std::string kPull = R"("delivery":{"kind":"pull"})";

TEST(SubscriptionRequest, APullSubscriptionWithDefaults) {
  auto r = parse_subscription_request(R"({"subscriptionId":"hvo-cases","startAt":"beginning",)" +
                                      kPull + "}");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->spec.id, "hvo-cases");
  EXPECT_EQ(r->spec.delivery, DeliveryKind::pull);
  EXPECT_EQ(r->spec.filter, FeedFilter{});
  EXPECT_EQ(r->spec.start_at, "beginning");
  EXPECT_EQ(r->start, SubscriptionRequest::Start::beginning);
  EXPECT_EQ(r->spec.max_batch, 100U);
  EXPECT_EQ(r->spec.url, "");
  EXPECT_EQ(r->spec.organisation, "");
  EXPECT_EQ(r->spec.secret, "");
}

TEST(SubscriptionRequest, AWebhookWithFilterAndPosition) {
  auto r = parse_subscription_request(R"({"subscriptionId":"H_1",
      "filter":{"categories":["case","location"],"types":["BedAssigned","StayEnded"]},
      "startAt":42,
      "delivery":{"kind":"webhook","url":"https://hooks.example.org/in","maxBatch":1000}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->spec.id, "H_1");
  EXPECT_EQ(r->spec.filter, *feed_filter({"case", "location"}, {"BedAssigned", "StayEnded"}));
  EXPECT_EQ(r->start, SubscriptionRequest::Start::position);
  EXPECT_EQ(r->position, 42U);
  EXPECT_EQ(r->spec.start_at, "42");
  EXPECT_EQ(r->spec.delivery, DeliveryKind::webhook);
  EXPECT_EQ(r->spec.url, "https://hooks.example.org/in");
  EXPECT_EQ(r->spec.max_batch, 1000U);
}

TEST(SubscriptionRequest, WebhookDefaultsAndStartAtEnd) {
  auto r = parse_subscription_request(
      R"({"delivery":{"url":"http://127.0.0.1:9/x","kind":"webhook"},"startAt":"end",
          "filter":{},"subscriptionId":"a"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->start, SubscriptionRequest::Start::end);
  EXPECT_EQ(r->spec.start_at, "end");
  EXPECT_EQ(r->spec.max_batch, 100U);
  EXPECT_EQ(r->spec.filter, FeedFilter{});

  auto at_zero = parse_subscription_request(R"({"subscriptionId":"a","startAt":0,)" + kPull + "}");
  ASSERT_TRUE(at_zero.ok());
  EXPECT_EQ(at_zero->start, SubscriptionRequest::Start::position);
  EXPECT_EQ(at_zero->position, 0U);
  auto at_max = parse_subscription_request(
      R"({"subscriptionId":"a","startAt":18446744073709551615,)" + kPull + "}");
  ASSERT_TRUE(at_max.ok());
  EXPECT_EQ(at_max->position, UINT64_MAX);
  EXPECT_EQ(at_max->spec.start_at, "18446744073709551615");
}

struct Refusal {
  std::string body;
  std::string field;  // empty: the body as a whole (no field error)
  std::string message;
};

// Each row's body is refused as invalid with exactly its one field error.
template <class Parse>
void expect_refusals(const std::vector<Refusal>& rows, Parse parse) {
  for (const auto& row : rows) {
    SCOPED_TRACE(row.body);
    auto r = parse(row.body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid);
    EXPECT_EQ(r.error().fields, (std::vector<FieldError>{{row.field, row.message}}));
  }
}

const std::string kId = R"("subscriptionId":"s1",)";
const std::string kStart = R"("startAt":"beginning",)";
const std::string kHook = R"("delivery":{"kind":"webhook","url":"https://h.example/x")";

TEST(SubscriptionRequest, RefusesEachFaultNamingItsField) {
  const std::string id_rule = "must be 1-64 characters of [A-Za-z0-9_-]";
  const std::string names = "must be an array of names";
  const std::string start_rule = R"(must be "beginning", "end" or a position)";
  const std::string batch_rule = "must be a whole number from 1 to 1000";
  const std::string kind_rule = R"(must be "pull" or "webhook")";
  const std::string not_member = "is not a member of a subscription";
  const std::vector<Refusal> rows{
      {"{" + kStart + kPull + "}", "subscriptionId", id_rule},
      {R"({"subscriptionId":"a b",)" + kStart + kPull + "}", "subscriptionId", id_rule},
      {R"({"subscriptionId":"",)" + kStart + kPull + "}", "subscriptionId", id_rule},
      {R"({"subscriptionId":7,)" + kStart + kPull + "}", "subscriptionId", id_rule},
      {R"({"subscriptionId":")" + std::string(65, 'a') + "\"," + kStart + kPull + "}",
       "subscriptionId", id_rule},
      {"{" + kId + R"("filter":[],)" + kStart + kPull + "}", "filter", "must be an object"},
      {"{" + kId + R"("filter":{"categories":"case"},)" + kStart + kPull + "}", "filter.categories",
       names},
      {"{" + kId + R"("filter":{"categories":["case",1]},)" + kStart + kPull + "}",
       "filter.categories", names},
      {"{" + kId + R"("filter":{"categories":["cases"]},)" + kStart + kPull + "}",
       "filter.categories", "unknown category cases"},
      {"{" + kId + R"("filter":{"types":{}},)" + kStart + kPull + "}", "filter.types", names},
      {"{" + kId + R"("filter":{"types":["BedAssigned","Gone"]},)" + kStart + kPull + "}",
       "filter.types", "unknown event type Gone"},
      {"{" + kId + R"("filter":{"types":["Bed Assigned"]},)" + kStart + kPull + "}", "filter.types",
       "unknown event type"},
      {"{" + kId + R"("filter":{"kinds":[]},)" + kStart + kPull + "}", "filter.kinds", not_member},
      {"{" + kId + kPull + "}", "startAt", "is required"},
      {"{" + kId + R"("startAt":"later",)" + kPull + "}", "startAt", start_rule},
      {"{" + kId + R"("startAt":-1,)" + kPull + "}", "startAt", start_rule},
      {"{" + kId + R"("startAt":1.5,)" + kPull + "}", "startAt", start_rule},
      {"{" + kId + R"("startAt":"42",)" + kPull + "}", "startAt", start_rule},
      {"{" + kId + R"("startAt":null,)" + kPull + "}", "startAt", start_rule},
      {"{" + kId + R"("startAt":"beginning"})", "delivery", "is required, as an object"},
      {"{" + kId + kStart + R"("delivery":"pull"})", "delivery", "is required, as an object"},
      {"{" + kId + kStart + R"("delivery":{}})", "delivery.kind", kind_rule},
      {"{" + kId + kStart + R"("delivery":{"kind":"email"}})", "delivery.kind", kind_rule},
      {"{" + kId + kStart + R"("delivery":{"kind":1}})", "delivery.kind", kind_rule},
      {"{" + kId + kStart + R"("delivery":{"kind":"webhook"}})", "delivery.url",
       "is required for a webhook"},
      {"{" + kId + kStart + R"("delivery":{"kind":"webhook","url":""}})", "delivery.url",
       "is required for a webhook"},
      {"{" + kId + kStart + R"("delivery":{"kind":"webhook","url":5}})", "delivery.url",
       "is required for a webhook"},
      {"{" + kId + kStart + kHook + R"(,"maxBatch":0}})", "delivery.maxBatch", batch_rule},
      {"{" + kId + kStart + kHook + R"(,"maxBatch":1001}})", "delivery.maxBatch", batch_rule},
      {"{" + kId + kStart + kHook + R"(,"maxBatch":"x"}})", "delivery.maxBatch", batch_rule},
      {"{" + kId + kStart + kHook + R"(,"maxBatch":10.5}})", "delivery.maxBatch", batch_rule},
      {"{" + kId + kStart + kHook + R"(,"maxBatch":-3}})", "delivery.maxBatch", batch_rule},
      {"{" + kId + kStart + kHook + R"(,"secret":"whsec_x"}})", "delivery.secret", not_member},
      {"{" + kId + kStart + R"("delivery":{"kind":"pull","url":"https://h.example/x"}})",
       "delivery.url", not_member},
      {"{" + kId + kStart + kPull + R"(,"organisation":"other"})", "body.organisation", not_member},
      {"{" + kId + kStart + kPull + R"(,"not a name":1})", "body", not_member},
  };
  expect_refusals(rows, [](std::string_view body) { return parse_subscription_request(body); });
}

TEST(SubscriptionRequest, RefusesABodyThatIsNoObject) {
  const std::vector<Refusal> rows{
      {"", "", "the body is not valid JSON"},
      {"{", "", "the body is not valid JSON"},
      {R"({"subscriptionId":"a",})", "", "the body is not valid JSON"},
      {"[]", "", "the body must be a JSON object"},
      {"\"s1\"", "", "the body must be a JSON object"},
      {"null", "", "the body must be a JSON object"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.body);
    auto r = parse_subscription_request(row.body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid);
    EXPECT_EQ(r.error().message, row.message);
    EXPECT_TRUE(r.error().fields.empty());
  }
}

TEST(SubscriptionRequest, AFieldErrorCarriesTheGeneralMessage) {
  auto r = parse_subscription_request("{" + kId + kStart + R"("delivery":{"kind":"fax"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the subscription is not valid");
}

TEST(Ack, ParsesAPosition) {
  EXPECT_EQ(*parse_ack(R"({"position":0})"), 0U);
  EXPECT_EQ(*parse_ack(R"({"position":17})"), 17U);
  EXPECT_EQ(*parse_ack(R"({"position":18446744073709551615})"), UINT64_MAX);
  const std::string rule = "must be a position (a whole number)";
  const std::vector<Refusal> rows{
      {"{}", "position", rule},
      {R"({"position":-1})", "position", rule},
      {R"({"position":"17"})", "position", rule},
      {R"({"position":1.0})", "position", rule},
      {R"({"position":null})", "position", rule},
      {R"({"position":1,"after":0})", "body.after", "is not a member of a subscription"},
  };
  expect_refusals(rows, [](std::string_view body) { return parse_ack(body); });
  EXPECT_EQ(parse_ack("[1]").error().message, "the body must be a JSON object");
  EXPECT_EQ(parse_ack(R"({"position":)").error().message, "the body is not valid JSON");
}

Subscription webhook_subscription() {
  Subscription s;
  s.spec.id = "hvo-cases";
  s.spec.organisation = "hvo-querido";
  s.spec.role = Role::housing;
  s.spec.subject = "jan";
  s.spec.filter = *feed_filter({"location", "case"}, {"StayEnded", "BedAssigned"});
  s.spec.start_at = "beginning";
  s.spec.delivery = DeliveryKind::webhook;
  s.spec.url = "https://hooks.example.org/in";
  s.spec.max_batch = 250;
  s.spec.secret = "whsec_c2VjcmV0";
  s.checkpoint = 17;
  s.delivered = 23;
  s.last_error = "HTTP 503";
  s.parked = 2;
  return s;
}

TEST(SubscriptionJson, AWebhookSubscriptionWithoutItsSecret) {
  EXPECT_EQ(
      boost::json::serialize(subscription_json(webhook_subscription(), 5)),
      R"({"subscriptionId":"hvo-cases","organisation":"hvo-querido","role":"housing",)"
      R"("filter":{"categories":["case","location"],"types":["BedAssigned","StayEnded"]},)"
      R"("startAt":"beginning","delivery":{"kind":"webhook","url":"https://hooks.example.org/in",)"
      R"("maxBatch":250},"checkpoint":17,"lag":5,"state":"failing","lastError":"HTTP 503",)"
      R"("parked":2})");
}

TEST(SubscriptionJson, APullSubscriptionActiveThenPaused) {
  Subscription s;
  s.spec.id = "feed";
  s.spec.organisation = "gemeente";
  s.spec.role = Role::return_support;
  s.spec.start_at = "12";
  const std::string pull =
      R"({"subscriptionId":"feed","organisation":"gemeente","role":"return",)"
      R"("filter":{"categories":[],"types":[]},"startAt":"12","delivery":{"kind":"pull"},)"
      R"("checkpoint":0,"lag":0,"state":"active","lastError":null,"parked":0})";
  EXPECT_EQ(boost::json::serialize(subscription_json(s, 0)), pull);
  s.paused = true;
  s.last_error = "x";
  EXPECT_EQ(subscription_json(s, 0).at("state"), "paused");
}

TEST(ParkedJson, ShowsTheBatchWithItsTime) {
  const ParkedBatch b{"msg_2Vx", 100, 120, 8, 1614592800LL * kMicrosPerSecond, "timed out"};
  EXPECT_EQ(boost::json::serialize(parked_json(b)),
            R"({"webhookId":"msg_2Vx","after":100,"through":120,"attempts":8,)"
            R"("parkedAt":"2021-03-01T10:00:00Z","lastError":"timed out"})");
}

}  // namespace
}  // namespace perspectief::api
