#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using HttpProtocol = ServerTest;

TEST_F(HttpProtocol, UnknownRoutesAndWrongMethods) {
  const auto missing = get("/v1/nowhere", "regie");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(problem_type(missing), "urn:perspectief:problem:not-found");
  const auto wrong = client_->request("DELETE", "/v1/cases/c/events", "t-regie");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "POST, GET");
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

}  // namespace
}  // namespace perspectief::testing
