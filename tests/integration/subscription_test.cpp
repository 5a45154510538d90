// Subscriptions over the real server (spec/integrations.md, "Subscriptions" and "Pull
// delivery"): creation and its idempotency, organisations that cannot see each other's
// subscriptions, the 400s of bad requests, pulling and acknowledging, pause, resume, delete,
// and subscriptions that survive a restart.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/subscription_fixture.hpp"

namespace perspectief::testing {
namespace {

namespace json = boost::json;

std::string pull_body(const std::string& id, const std::string& extra = "") {
  return R"({"subscriptionId":")" + id + R"(","startAt":"beginning",)" + extra +
         R"("delivery":{"kind":"pull"}})";
}

json::value expected_pull(const std::string& organisation, const std::string& role,
                          std::uint64_t checkpoint, std::uint64_t lag,
                          const std::string& state = "active") {
  return json::object{
      {"subscriptionId", "s-1"},
      {"organisation", organisation},
      {"role", role},
      {"filter", json::object{{"categories", json::array{}}, {"types", json::array{}}}},
      {"startAt", "beginning"},
      {"delivery", json::object{{"kind", "pull"}}},
      {"checkpoint", checkpoint},
      {"lag", lag},
      {"state", state},
      {"lastError", nullptr},
      {"parked", 0}};
}

TEST_F(SubscriptionTest, CreateAnswers201ThenTheSameBody200AndAnotherBody409) {
  const auto created = create("t-intake", pull_body("s-1"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json(), expected_pull("org-intake", "intake", 0, 0));
  const auto again = create("t-intake", pull_body("s-1"));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json(), expected_pull("org-intake", "intake", 0, 0));
  const auto other = create("t-intake", pull_body("s-1", R"("filter":{"types":["BedAssigned"]},)"));
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(problem_type(other), "urn:perspectief:problem:conflict");
  EXPECT_EQ(read("t-intake", "s-1").json(), expected_pull("org-intake", "intake", 0, 0));
}

TEST_F(SubscriptionTest, AnotherOrganisationGets404AndMayUseTheSameId) {
  ASSERT_EQ(create("t-intake", pull_body("s-1")).status, 201);
  for (const auto& [method, path, body] :
       std::vector<std::array<std::string, 3>>{{"GET", "", ""},
                                               {"DELETE", "", ""},
                                               {"POST", "/pause", ""},
                                               {"POST", "/resume", ""},
                                               {"GET", "/events", ""},
                                               {"POST", "/ack", R"({"position":0})"},
                                               {"GET", "/parked", ""},
                                               {"POST", "/parked/replay", ""}}) {
    const auto r = call(method, "/v1/subscriptions/s-1" + path, "t-intake2", body);
    EXPECT_EQ(r.status, 404) << method << path << ": " << r.body;
    EXPECT_EQ(detail(r), "no such subscription") << method << path;
  }
  EXPECT_EQ(client_->get("/v1/subscriptions", "t-intake2").json(),
            (json::object{{"subscriptions", json::array{}}}));

  const auto own = create("t-intake2", pull_body("s-1"));
  EXPECT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(own.json(), expected_pull("org-other", "intake", 0, 0));
  EXPECT_EQ(read("t-intake", "s-1").json(), expected_pull("org-intake", "intake", 0, 0));
  EXPECT_EQ(
      client_->get("/v1/subscriptions", "t-intake").json(),
      (json::object{{"subscriptions", json::array{expected_pull("org-intake", "intake", 0, 0)}}}));
}

TEST_F(SubscriptionTest, OpsMayNotSubscribe) {
  EXPECT_EQ(create("t-ops", pull_body("s-1")).status, 403);
  EXPECT_EQ(client_->get("/v1/subscriptions", "t-ops").status, 403);
  EXPECT_EQ(read("t-ops", "s-1").status, 403);
}

TEST_F(SubscriptionTest, BodiesNotSentAsJsonAre415) {
  const auto created = client_->post("/v1/subscriptions", "t-intake", pull_body("s-1"),
                                     {{"Content-Type", "text/plain"}});
  EXPECT_EQ(created.status, 415);
  EXPECT_EQ(created.json().at("detail"), "send the subscription as application/json");
  EXPECT_EQ(client_->get("/v1/subscriptions/s-1", "t-intake").status, 404);
  ASSERT_EQ(client_->post("/v1/subscriptions", "t-intake", pull_body("s-1")).status, 201);
  const auto ack = client_->post("/v1/subscriptions/s-1/ack", "t-intake", R"({"position":0})",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ack.status, 415);
  EXPECT_EQ(ack.json().at("detail"), "send the acknowledgement as application/json");
}

struct BadBody {
  std::string body;
  std::string field;  // "" for a body that is not JSON
  std::string detail;
};

TEST_F(SubscriptionTest, BadBodiesAre400NamingTheField) {
  const std::string start = R"({"subscriptionId":"s-1","startAt":"beginning",)";
  const std::string invalid = "the subscription is not valid";
  const std::vector<BadBody> cases{
      {R"({"subscriptionId":)", "", "the body is not valid JSON"},
      {start + R"("delivery":{"kind":"pull"},"colour":"red"})", "body.colour", invalid},
      {R"({"subscriptionId":"no spaces","startAt":"end","delivery":{"kind":"pull"}})",
       "subscriptionId", invalid},
      {start + R"("filter":{"categories":["cases"]},"delivery":{"kind":"pull"}})",
       "filter.categories", "unknown category in categories"},
      {start + R"("filter":{"types":["BedTaken"]},"delivery":{"kind":"pull"}})", "filter.types",
       "unknown event type in types"},
      {R"({"subscriptionId":"s-1","startAt":5,"delivery":{"kind":"pull"}})", "startAt",
       "startAt is beyond the last position"},
      {start + R"("delivery":{"kind":"webhook","url":"https://example.org/h","maxBatch":0}})",
       "delivery.maxBatch", invalid},
      {start + R"("delivery":{"kind":"webhook","url":"https://example.org/h","maxBatch":1001}})",
       "delivery.maxBatch", invalid},
      {start + R"("delivery":{"kind":"email"}})", "delivery.kind", invalid},
      {start + R"("delivery":{"kind":"webhook","url":"https://example.org/h"}})", "delivery.url",
       "no webhook targets are allowed: the operator sets --webhook-allow"},
  };
  for (const auto& c : cases) {
    const auto r = create("t-intake", c.body);
    EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
    EXPECT_EQ(problem_type(r), "urn:perspectief:problem:invalid-request") << c.body;
    EXPECT_EQ(first_error_field(r), c.field) << c.body << ": " << r.body;
    EXPECT_EQ(detail(r), c.detail) << c.body;
  }
  EXPECT_EQ(client_->get("/v1/subscriptions", "t-intake").json(),
            (json::object{{"subscriptions", json::array{}}}));
}

// The programme, loc-a (org-housing) and loc-b (org-other); c-1 housed in loc-a, c-2 in loc-b.
class PullTest : public SubscriptionTest {
 protected:
  void house_two_cases() {
    append("t-regie", "/v1/programme/events",
           ev("ProgrammeCapacitySet", R"({"places":10,"lvvPlaces":8,"maxStayMonths":18})"));
    append("t-housing", "/v1/locations/loc-a/events",
           ev("LocationOpened", R"({"name":"Locatie A","operator":"org-housing","beds":5})"));
    append("t-housing2", "/v1/locations/loc-b/events",
           ev("LocationOpened", R"({"name":"Locatie B","operator":"org-other","beds":5})"));
    for (const char* id : {"c-1", "c-2"}) {
      case_event("t-intake", id, registration(std::string{"Person "} + id));
      case_event("t-intake", id, ev("IntakeCompleted", R"({"eligible":true})"));
      case_event("t-intake", id,
                 ev("PlacementDecided", R"({"decision":"admitted","funding":"lvv"})"));
    }
    case_event("t-housing", "c-1", ev("BedAssigned", R"({"locationId":"loc-a"})"));
    case_event("t-housing2", "c-2", ev("BedAssigned", R"({"locationId":"loc-b"})"));
    append("t-housing2", "/v1/locations/loc-b/events",
           ev("LocationCapacityChanged", R"({"beds":6})"));
  }

  HttpResult pull(const std::string& query = "") {
    return client_->get("/v1/subscriptions/s-1/events" + query, "t-housing");
  }
  HttpResult ack(std::uint64_t position) {
    return client_->post("/v1/subscriptions/s-1/ack", "t-housing",
                         R"({"position":)" + std::to_string(position) + "}");
  }
};

std::size_t after(const json::array& events, std::uint64_t position) {
  return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(), [&](const auto& e) { return position_of(e) > position; }));
}

TEST_F(PullTest, PullShowsTheScopedFeedAfterTheCheckpointUntilAcknowledged) {
  house_two_cases();
  ASSERT_EQ(create("t-housing", pull_body("s-1")).status, 201);
  const auto visible = feed("t-housing");
  ASSERT_GE(visible.size(), 4U);
  for (const auto& e : visible) {
    EXPECT_NE(e.at("stream"), "location-loc-b");
    EXPECT_FALSE(e.at("stream") == "case-c-2" && e.at("type") == "BedAssigned");
  }

  const auto first = pull();
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("events").as_array(), visible);
  const auto next = first.json().at("next").to_number<std::uint64_t>();
  EXPECT_EQ(next, client_->get("/v1/events?limit=1000", "t-housing").json().at("next"));
  // Nothing acknowledged: the same events again.
  EXPECT_EQ(pull().json().at("events").as_array(), visible);
  EXPECT_EQ(read("t-housing", "s-1").json().at("lag"), visible.size());

  const auto second = position_of(visible[1]);
  const auto acked = ack(second);
  ASSERT_EQ(acked.status, 200) << acked.body;
  EXPECT_EQ(acked.json(), expected_pull("org-housing", "housing", second, after(visible, second)));
  const auto rest = pull("?limit=2").json();
  EXPECT_EQ(rest.at("events").as_array(), json::array(visible.begin() + 2, visible.begin() + 4));
  EXPECT_EQ(rest.at("next"), position_of(visible[3]));

  // Never backwards; beyond what was handed out: 409.
  EXPECT_EQ(ack(position_of(visible[0])).json().at("checkpoint"), second);
  const auto beyond = ack(next + 1);
  EXPECT_EQ(beyond.status, 409) << beyond.body;
  EXPECT_EQ(detail(beyond), "position is beyond the last delivered position");
  EXPECT_EQ(ack(next).json(), expected_pull("org-housing", "housing", next, 0));
  const auto empty = pull().json();
  EXPECT_EQ(empty.at("events").as_array(), json::array{});
}

TEST_F(PullTest, FilterTypesNarrowsTheEvents) {
  house_two_cases();
  ASSERT_EQ(create("t-housing", pull_body("s-1", R"("filter":{"types":["BedAssigned"]},)")).status,
            201);
  const auto events = pull().json().at("events").as_array();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].at("stream"), "case-c-1");
  EXPECT_EQ(events, feed("t-housing", "&types=BedAssigned"));
  EXPECT_EQ(read("t-housing", "s-1").json().at("filter"),
            (json::object{{"categories", json::array{}}, {"types", json::array{"BedAssigned"}}}));
}

TEST_F(PullTest, PauseResumeAndDelete) {
  ASSERT_EQ(create("t-housing", pull_body("s-1")).status, 201);
  const auto paused = client_->post("/v1/subscriptions/s-1/pause", "t-housing", "");
  EXPECT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json(), expected_pull("org-housing", "housing", 0, 0, "paused"));
  const auto resumed = client_->post("/v1/subscriptions/s-1/resume", "t-housing", "");
  EXPECT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(resumed.json(), expected_pull("org-housing", "housing", 0, 0));
  const auto deleted = call("DELETE", "/v1/subscriptions/s-1", "t-housing");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(deleted.body, "");
  EXPECT_EQ(read("t-housing", "s-1").status, 404);
  EXPECT_EQ(call("DELETE", "/v1/subscriptions/s-1", "t-housing").status, 404);
}

TEST_F(PullTest, SubscriptionsSurviveARestart) {
  house_two_cases();
  ASSERT_EQ(create("t-housing", pull_body("s-1")).status, 201);
  ASSERT_EQ(create("t-housing", pull_body("s-2")).status, 201);
  ASSERT_EQ(client_->post("/v1/subscriptions/s-2/pause", "t-housing", "").status, 200);
  const auto visible = feed("t-housing");
  ASSERT_EQ(pull().status, 200);
  const auto checkpoint = position_of(visible[2]);
  ASSERT_EQ(ack(checkpoint).status, 200);
  const auto before = client_->get("/v1/subscriptions", "t-housing").json();
  ASSERT_EQ(before.at("subscriptions").as_array().size(), 2U);

  restart();
  EXPECT_EQ(client_->get("/v1/subscriptions", "t-housing").json(), before);
  EXPECT_EQ(read("t-housing", "s-1").json().at("checkpoint"), checkpoint);
  EXPECT_EQ(read("t-housing", "s-2").json().at("state"), "paused");
  EXPECT_EQ(pull().json().at("events").as_array(), json::array(visible.begin() + 3, visible.end()));
}

}  // namespace
}  // namespace perspectief::testing
