#pragma once

// A real server for the subscription tests (spec/integrations.md, "Subscriptions"): the
// tokens of every role plus a second organisation ("org-other") with an intake and a housing
// token, started with the flags a test asks for, and the steps those tests share.

#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/feed_model.hpp"
#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {

class SubscriptionTest : public ServerTest {
 protected:
  void SetUp() override {
    tokens_ = write_tokens_file(
        dir_.str(),
        {R"({"token":"t-intake2","subject":"i2","organisation":"org-other","role":"intake"})",
         R"({"token":"t-housing2","subject":"h2","organisation":"org-other","role":"housing"})"});
    start(server_flags());
  }

  // A failed test shows the end of the server's log (what it did with the subscriptions).
  void TearDown() override {
    if (HasFailure() && server_) {
      const std::string log = server_->stderr_text();
      std::cerr << "server log (end):\n"
                << log.substr(log.size() > 4000 ? log.size() - 4000 : 0) << "\n";
    }
  }

  // The flags the server starts with (and restarts with).
  virtual std::vector<std::string> server_flags() const { return {}; }

  // Stops the server (SIGTERM, exit 0 expected) and starts it again on the same data.
  void restart() {
    ASSERT_EQ(server_->stop(SIGTERM), 0);
    start(server_flags());
  }

  HttpResult call(const std::string& method, const std::string& target, const std::string& token,
                  const std::string& body = {}) {
    return client_->request(method, target, token, body);
  }
  HttpResult create(const std::string& token, const std::string& body) {
    return client_->post("/v1/subscriptions", token, body);
  }
  HttpResult read(const std::string& token, const std::string& id) {
    return client_->get("/v1/subscriptions/" + id, token);
  }

  // Appends one event as `token` to `path` (201 expected) and returns its position.
  std::uint64_t append(const std::string& token, const std::string& path, const std::string& body) {
    const auto r = client_->post(path, token, body);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return r.status == 201 ? r.json().at("position").to_number<std::uint64_t>() : 0;
  }
  std::uint64_t case_event(const std::string& token, const std::string& id,
                           const std::string& body) {
    return append(token, "/v1/cases/" + id + "/events", body);
  }

  // The events GET /v1/events shows `token` from the beginning (one page: the tests stay small).
  boost::json::array feed(const std::string& token, const std::string& query = "") {
    const auto r = client_->get("/v1/events?limit=1000" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("events").as_array();
  }

  // Asks the server again (every 20 ms) until `pred` holds for the subscription's JSON;
  // false after `timeout`. The server's delivery state can only be polled.
  bool read_until(const std::string& token, const std::string& id,
                  const std::function<bool(const boost::json::value&)>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto r = read(token, id);
      if (r.status == 200 && pred(r.json())) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
};

inline std::string registration(const std::string& name) {
  return ev("CaseRegistered", R"({"person":{"name":")" + name + R"(","nationality":"XX"}})");
}

// The field named by the first entry of a problem's "errors" ("" when there is none).
inline std::string first_error_field(const HttpResult& r) {
  const auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("errors")) return "";
  return std::string{v.at("errors").at(0).at("field").as_string()};
}

inline std::string detail(const HttpResult& r) {
  const auto v = r.json();
  return v.is_object() && v.as_object().contains("detail") ? std::string{v.at("detail").as_string()}
                                                           : "";
}

}  // namespace perspectief::testing
