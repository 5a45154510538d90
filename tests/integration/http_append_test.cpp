#include <chrono>
#include <future>
#include <thread>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using HttpAppend = ServerTest;

TEST_F(HttpAppend, HealthAndReadinessNeedNoToken) {
  EXPECT_EQ(client_->get("/healthz", "").status, 200);
  const auto ready = client_->get("/readyz", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json().at("status").as_string(), "ready");
}

TEST_F(HttpAppend, AppendsAnEventAndReturnsTheEnvelope) {
  const auto r = post(
      "/v1/cases/c-1/events", "intake",
      R"({"type":"CaseRegistered","eventId":"7d3f0000-0000-4000-8000-0000000000a1","occurredAt":"2021-03-01T10:00:00Z","data":{"person":{"name":"A"}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("etag"), "\"1\"");
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  const auto body = r.json().as_object();
  EXPECT_EQ(body.at("stream").as_string(), "case-c-1");
  EXPECT_EQ(body.at("version").as_int64(), 1);
  EXPECT_EQ(body.at("position").as_int64(), 1);
  const auto& e = body.at("events").as_array().at(0).as_object();
  EXPECT_EQ(e.at("eventId").as_string(), "7d3f0000-0000-4000-8000-0000000000a1");
  EXPECT_EQ(e.at("type").as_string(), "CaseRegistered");
  EXPECT_EQ(e.at("schemaVersion").as_int64(), 1);
  EXPECT_EQ(e.at("occurredAt").as_string(), "2021-03-01T10:00:00Z");
  EXPECT_TRUE(e.at("recordedAt").is_string());
  EXPECT_EQ(e.at("actor").at("subject").as_string(), "intake-1");
  EXPECT_EQ(e.at("actor").at("organisation").as_string(), "org-intake");
  EXPECT_EQ(e.at("actor").at("role").as_string(), "intake");

  const auto read = get("/v1/cases/c-1/events", "intake");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.header("etag"), "\"1\"");
  ASSERT_EQ(read.json().at("events").as_array().size(), 1U);
  EXPECT_EQ(read.json().at("events").as_array()[0].at("data").at("person").at("name").as_string(),
            "A");
}

TEST_F(HttpAppend, AtomicArrayAndIfMatch) {
  const auto first =
      post("/v1/locations/loc-1/events", "housing",
           R"([{"type":"LocationOpened","data":{"name":"L1","operator":"org-housing","beds":10}},
                              {"type":"LocationCapacityChanged","data":{"beds":12}}])",
           {{"If-Match", "\"0\""}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json().at("version").as_int64(), 2);
  EXPECT_EQ(first.json().at("events").as_array().size(), 2U);

  const auto stale = post("/v1/locations/loc-1/events", "housing", R"({"type":"LocationClosed"})",
                          {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.header("content-type"), "application/problem+json");
  EXPECT_EQ(problem_type(stale), "urn:perspectief:problem:precondition-failed");

  // One bad event in an array refuses the whole array.
  const auto half_bad = post(
      "/v1/locations/loc-1/events", "housing",
      R"([{"type":"LocationCapacityChanged","data":{"beds":20}},{"type":"LocationCapacityChanged","data":{"beds":-1}}])");
  EXPECT_EQ(half_bad.status, 400);
  EXPECT_EQ(half_bad.json().at("errors").as_array()[0].at("field").as_string(), "[1].data.beds");

  const auto right = post("/v1/locations/loc-1/events", "housing", R"({"type":"LocationClosed"})",
                          {{"If-Match", "\"2\""}});
  EXPECT_EQ(right.status, 201);
  EXPECT_EQ(right.header("etag"), "\"3\"");
  EXPECT_EQ(get("/v1/locations/loc-1/events", "regie").json().at("events").as_array().size(), 3U);
}

TEST_F(HttpAppend, ResendIsIdempotentAndReuseWithOtherContentConflicts) {
  const std::string body =
      R"({"type":"CaseRegistered","eventId":"7d3f0000-0000-4000-8000-0000000000b2","data":{"person":{"name":"B"}}})";
  const auto first = post("/v1/cases/c-2/events", "intake", body);
  ASSERT_EQ(first.status, 201);
  const auto again = post("/v1/cases/c-2/events", "intake", body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("events"), first.json().at("events"));
  EXPECT_EQ(again.header("etag"), "\"1\"");
  const auto other = post(
      "/v1/cases/c-2/events", "intake",
      R"({"type":"CaseRegistered","eventId":"7d3f0000-0000-4000-8000-0000000000b2","data":{"person":{"name":"C"}}})");
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(other.json().at("detail").as_string(), "eventId is already stored with other content");
  EXPECT_EQ(other.body.find("\"C\""), std::string::npos);
  EXPECT_EQ(get("/v1/cases/c-2/events", "regie").json().at("events").as_array().size(), 1U);
}

// spec/evaluation.md, "Returns to the programme": previousCaseId names a closed case, else 409
// previous_case, and nothing is stored; a return to a closed case counts in GET /v1/returns.
TEST_F(HttpAppend, AReturnNamesAClosedEarlierCase) {
  const auto with_previous = [](const std::string& id) {
    return R"({"type":"CaseRegistered","data":{"person":{"name":"R"},"previousCaseId":")" + id +
           R"("}})";
  };
  ASSERT_EQ(post("/v1/cases/first/events", "intake", registered()).status, 201);
  for (const char* previous : {"first", "nobody"}) {  // open, and unknown
    const auto refused = post("/v1/cases/again/events", "intake", with_previous(previous));
    EXPECT_EQ(refused.status, 409) << previous;
    EXPECT_EQ(refused.json().at("rule").as_string(), "previous_case") << refused.body;
    EXPECT_EQ(refused.body.find("\"R\""), std::string::npos);
  }
  EXPECT_EQ(get("/v1/cases/again/events", "regie").status, 404);
  ASSERT_EQ(post("/v1/cases/first/events", "intake",
                 R"([{"type":"IntakeCompleted","data":{"eligible":false}},)"
                 R"({"type":"PlacementDecided","data":{"decision":"rejected"}}])")
                .status,
            201);
  const auto accepted = post("/v1/cases/again/events", "intake", with_previous("first"));
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(get("/v1/cases/again/events", "regie")
                .json()
                .at("events")
                .at(0)
                .at("data")
                .at("previousCaseId")
                .as_string(),
            "first");
}

struct RoleCase {
  const char* role;
  const char* target;
  const char* body;
  int status;
};

TEST_F(HttpAppend, RolesMayAppendOnlyTheirEvents) {
  const std::vector<RoleCase> cases{
      {"regie", "/v1/programme/events",
       R"({"type":"ProgrammeCapacitySet","data":{"places":500,"lvvPlaces":360,"maxStayMonths":18}})",
       201},
      {"housing", "/v1/locations/loc-1/events",
       R"({"type":"LocationOpened","data":{"name":"L","operator":"org-housing","beds":5}})", 201},
      {"intake", "/v1/cases/r-1/events",
       R"({"type":"CaseRegistered","data":{"person":{"name":"N"}}})", 201},
      {"housing", "/v1/cases/r-1/events", R"({"type":"IntakeCompleted","data":{"eligible":true}})",
       403},
      {"intake", "/v1/cases/r-1/events", R"({"type":"IntakeCompleted","data":{"eligible":true}})",
       201},
      {"intake", "/v1/cases/r-1/events",
       R"({"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}})", 201},
      {"legal", "/v1/cases/r-1/events", R"({"type":"LegalStepRecorded","data":{"step":"appeal"}})",
       201},
      {"legal", "/v1/cases/r-1/events",
       R"({"type":"ReturnStepRecorded","data":{"step":"orientation"}})", 403},
      {"return", "/v1/cases/r-1/events",
       R"({"type":"ReturnStepRecorded","data":{"step":"orientation"}})", 201},
      {"participation", "/v1/cases/r-1/events",
       R"({"type":"ParticipationRecorded","data":{"activity":"a","organisation":"o"}})", 201},
      {"participation", "/v1/activities/a-1/events",
       R"({"type":"ActivityScheduled","data":{"title":"t","organisation":"o","category":"sport","startsAt":"2021-03-01T10:00:00Z"}})",
       201},
      {"researcher", "/v1/cases/r-1/events",
       R"({"type":"PerspectiveChosen","data":{"track":"return"}})", 403},
      {"ops", "/v1/programme/events",
       R"({"type":"ProgrammeCapacitySet","data":{"places":500,"lvvPlaces":360,"maxStayMonths":18}})",
       403},
  };
  for (const auto& c : cases) {
    const auto r = post(c.target, c.role, c.body);
    EXPECT_EQ(r.status, c.status) << c.role << " " << c.body << " -> " << r.body;
    if (c.status == 403) {
      EXPECT_EQ(problem_type(r), "urn:perspectief:problem:forbidden");
    }
  }
  EXPECT_EQ(get("/v1/events?limit=100", "regie").json().at("events").as_array().size(), 9U);
}

TEST_F(HttpAppend, AuthenticationAndReadPermissions) {
  ASSERT_EQ(post("/v1/cases/p-1/events", "intake", registered()).status, 201);
  const auto none = client_->get("/v1/cases/p-1/events", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer");
  EXPECT_EQ(client_->get("/v1/cases/p-1/events", "wrong").status, 401);
  EXPECT_EQ(get("/v1/cases/p-1/events", "participation").status, 403);
  EXPECT_EQ(get("/v1/cases/p-1/events", "researcher").status, 403);
  EXPECT_EQ(get("/v1/cases/p-1/events", "ops").status, 403);
  EXPECT_EQ(get("/v1/cases/p-1/events", "legal").status, 403);  // the case file, not the events
  EXPECT_EQ(get("/v1/cases/p-1/events", "return").status, 403);
  EXPECT_EQ(get("/v1/cases/p-1/events", "regie").status, 200);
  EXPECT_EQ(get("/v1/events", "ops").status, 403);
  EXPECT_EQ(get("/v1/events", "researcher").status, 200);  // pseudonymised (Privacy tests)
  EXPECT_EQ(get("/v1/cases/nobody/events", "intake").status, 404);
  EXPECT_EQ(get("/v1/programme/events", "intake").status, 200);
}

TEST_F(HttpAppend, BadRequestsChangeNothing) {
  struct Bad {
    std::string target;
    std::string body;
    std::map<std::string, std::string> headers;
    int status;
  };
  const std::vector<Bad> cases{
      {"/v1/cases/b-1/events", "{not json", {}, 400},
      {"/v1/cases/b-1/events",
       R"({"type":"CaseRegistered","data":{"person":{"name":7}}})",
       {},
       400},
      {"/v1/cases/b-1/events", R"({"type":"Unknown","data":{}})", {}, 400},
      {"/v1/cases/b-1/events",
       R"({"type":"PlacementDecided","data":{"decision":"admitted","funding":"eu"}})",
       {},
       400},
      {"/v1/cases/b%20c/events", registered(), {}, 400},
      {"/v1/cases/" + std::string(65, 'x') + "/events", registered(), {}, 400},
      {"/v1/cases/b-1/events", registered(), {{"Content-Type", "text/plain"}}, 415},
      {"/v1/cases/b-1/events", registered(), {{"If-Match", "soon"}}, 400},
      {"/v1/locations/b-1/events", registered(), {}, 400},
  };
  for (const auto& c : cases) {
    const auto r = client_->post(c.target, "t-intake", c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.target << " " << c.body << " -> " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << c.body;
    const auto p = r.json();
    EXPECT_EQ(p.at("status").as_int64(), c.status);
    EXPECT_TRUE(p.at("title").is_string());
    EXPECT_TRUE(p.at("detail").is_string());
  }
  const auto feed = get("/v1/events", "regie");
  EXPECT_EQ(feed.json().at("events").as_array().size(), 0U);
  EXPECT_EQ(feed.json().at("next").as_int64(), 0);
}

TEST_F(HttpAppend, FeedPagesAndLongPolls) {
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(post("/v1/cases/f-" + std::to_string(i) + "/events", "intake", registered()).status,
              201);
  const auto page = get("/v1/events?after=1&limit=2", "regie");
  ASSERT_EQ(page.status, 200);
  ASSERT_EQ(page.json().at("events").as_array().size(), 2U);
  EXPECT_EQ(page.json().at("events").as_array()[0].at("position").as_int64(), 2);
  EXPECT_EQ(page.json().at("next").as_int64(), 3);
  EXPECT_EQ(get("/v1/events?limit=0", "regie").status, 400);
  EXPECT_EQ(get("/v1/events?limit=10001", "regie").status, 400);
  EXPECT_EQ(get("/v1/events?wait=61", "regie").status, 400);
  EXPECT_EQ(get("/v1/events?after=-1", "regie").status, 400);
  EXPECT_EQ(get("/v1/events?colour=red", "regie").status, 400);

  // A long poll past the end returns as soon as something is appended.
  const auto port = server_->port();
  auto poll = std::async(std::launch::async, [port] {
    HttpClient c(port);
    const auto started = std::chrono::steady_clock::now();
    auto r = c.get("/v1/events?after=5&wait=30", "t-regie");
    return std::make_pair(r, std::chrono::steady_clock::now() - started);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(post("/v1/cases/f-late/events", "intake", registered()).status, 201);
  const auto [r, took] = poll.get();
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json().at("events").as_array().size(), 1U);
  EXPECT_EQ(r.json().at("events").as_array()[0].at("position").as_int64(), 6);
  EXPECT_LT(took, std::chrono::seconds(10));

  // With nothing new, wait=1 returns an empty page after about a second.
  const auto started = std::chrono::steady_clock::now();
  const auto empty = get("/v1/events?after=6&wait=1", "regie");
  EXPECT_EQ(empty.json().at("events").as_array().size(), 0U);
  EXPECT_EQ(empty.json().at("next").as_int64(), 6);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
}

TEST_F(HttpAppend, EventsSurviveARestart) {
  ASSERT_EQ(post("/v1/cases/s-1/events", "intake", registered()).status, 201);
  EXPECT_EQ(server_->stop(SIGTERM), 0);  // graceful: exit status 0
  start();
  const auto read = get("/v1/cases/s-1/events", "intake");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json().at("events").as_array().size(), 1U);
  const auto next =
      post("/v1/cases/s-1/events", "intake",
           R"({"type":"IntakeCompleted","data":{"eligible":true}})", {{"If-Match", "\"1\""}});
  EXPECT_EQ(next.status, 201);
  EXPECT_EQ(next.json().at("position").as_int64(), 2);
}

}  // namespace
}  // namespace perspectief::testing
