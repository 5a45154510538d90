#include "tests/integration/server_fixture.hpp"

#include <boost/json/parse.hpp>

#include <sstream>

namespace perspectief::testing {
namespace {

using HttpProtocol = ServerTest;

TEST_F(HttpProtocol, UnknownRoutesAndWrongMethods) {
  const auto missing = get("/v1/nowhere", "regie");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(problem_type(missing), "urn:perspectief:problem:not-found");
  const auto wrong = client_->request("DELETE", "/v1/cases/c/events", "t-regie");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "POST, GET, HEAD");
  EXPECT_EQ(problem_type(wrong), "urn:perspectief:problem:method-not-allowed");
}

TEST_F(HttpProtocol, BodyOverTheLimitIs413) {
  const std::string huge(2 * 1024 * 1024, 'x');
  const auto r = post("/v1/cases/c/events", "intake", huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(get("/v1/events", "regie").json().at("events").as_array().size(), 0U);
}

TEST_F(HttpProtocol, GarbageGetsA400AndTheServerKeepsServing) {
  const auto reply = raw_exchange(server_->port(), "HELLO THERE\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0U) << reply;
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos);
  const auto bad_length = raw_exchange(
      server_->port(), "POST /v1/cases/c/events HTTP/1.1\r\nContent-Length: abc\r\n\r\n");
  EXPECT_EQ(bad_length.rfind("HTTP/1.1 400", 0), 0U) << bad_length;
  EXPECT_EQ(client_->get("/healthz", "").status, 200);
}

TEST_F(HttpProtocol, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 50; ++i) {
    const auto r = client_->get("/healthz", "");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.header("connection"), "close");
  }
}

TEST_F(HttpProtocol, RequestLogHoldsRoutesButNoPersonalData) {
  ASSERT_EQ(post("/v1/cases/secret-case-77/events", "intake", registered("Zeldzame Naam")).status,
            201);
  ASSERT_EQ(post("/v1/cases/secret-case-77/events", "intake",
                 R"({"type":"IntakeCompleted","data":{"eligible":"Zeldzame"}})")
                .status,
            400);
  server_->stop(SIGTERM);
  const std::string log = server_->stderr_text();
  EXPECT_NE(log.find(R"("route":"/v1/cases/{caseId}/events")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("status":201)"), std::string::npos);
  EXPECT_EQ(log.find("Zeldzame"), std::string::npos);
  EXPECT_EQ(log.find("secret-case-77"), std::string::npos);
  EXPECT_NE(log.find(R"("role":"intake")"), std::string::npos);
  EXPECT_NE(log.find(R"("requestId":")"), std::string::npos);
  // Every request line is one JSON object with the documented fields.
  std::istringstream lines(log);
  std::string line;
  int requests = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') continue;
    boost::system::error_code ec;
    const auto v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    const auto& o = v.as_object();
    if (!o.contains("route")) continue;
    ++requests;
    for (const char* field : {"time", "requestId", "method", "status", "durationMs", "role"}) {
      EXPECT_TRUE(o.contains(field)) << field << " missing in " << line;
    }
    EXPECT_TRUE(o.at("durationMs").is_number()) << line;
  }
  EXPECT_EQ(requests, 2);
}

TEST_F(HttpProtocol, RequestIdIsTakenOrGeneratedAndReturned) {
  const auto given =
      client_->request("GET", "/healthz", "", "", {{"X-Request-Id", "front-end.42_a"}});
  EXPECT_EQ(given.header("x-request-id"), "front-end.42_a");
  const auto generated = client_->get("/healthz", "");
  EXPECT_EQ(generated.header("x-request-id").size(), 16U);
  // Text that is not an id is replaced, so it never reaches the log.
  const auto replaced =
      client_->request("GET", "/healthz", "", "", {{"X-Request-Id", "naam: Zeldzaam"}});
  EXPECT_EQ(replaced.header("x-request-id").size(), 16U);
  server_->stop(SIGTERM);
  const std::string log = server_->stderr_text();
  EXPECT_NE(log.find(R"("requestId":"front-end.42_a")"), std::string::npos);
  EXPECT_EQ(log.find("Zeldzaam"), std::string::npos);
}

// "Now" occupancy is served from a cache while the history has not moved: every commit must
// still show at once, and a repeated request must give the same figures with its own asOf.
TEST_F(HttpProtocol, OccupancyNowFollowsEveryCommit) {
  const auto occupied = [&] {
    const auto r = get("/v1/occupancy", "regie");
    EXPECT_EQ(r.status, 200);
    return r.json().at("programme").at("occupied").as_int64();
  };
  ASSERT_EQ(
      post("/v1/locations/l1/events", "regie",
           R"({"type":"LocationOpened","data":{"name":"L","operator":"org-housing","beds":4}})")
          .status,
      201);
  EXPECT_EQ(occupied(), 0);
  const auto first = get("/v1/occupancy", "regie").json();
  EXPECT_EQ(first.at("locations").as_array().size(), 1U);
  for (int i = 0; i < 3; ++i) {
    const std::string c = "/v1/cases/o" + std::to_string(i) + "/events";
    ASSERT_EQ(
        post(
            c, "intake",
            R"([{"type":"CaseRegistered","data":{"person":{"name":"O"}}},{"type":"IntakeCompleted","data":{"eligible":true}},
                 {"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}}])")
            .status,
        201);
    EXPECT_EQ(get("/v1/occupancy", "regie").json().at("waitingForBed").as_int64(), 1);
    ASSERT_EQ(post(c, "housing", R"({"type":"BedAssigned","data":{"locationId":"l1"}})").status,
              201);
    EXPECT_EQ(occupied(), i + 1);
  }
  const auto a = get("/v1/occupancy", "regie").json();
  const auto b = get("/v1/occupancy", "regie").json();
  EXPECT_EQ(a.at("programme"), b.at("programme"));
  EXPECT_EQ(a.at("locations"), b.at("locations"));
  EXPECT_LE(a.at("asOf").as_string(), b.at("asOf").as_string());
  EXPECT_EQ(b.at("locations").at(0).at("free").as_int64(), 1);
}

}  // namespace
}  // namespace perspectief::testing
