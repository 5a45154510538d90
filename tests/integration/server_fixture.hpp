#pragma once

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <string>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace perspectief::testing {

// A read model's answer without what differs between two reads of the same figures: the time
// of the read (knownAt) and the last log position counted (an event that adds no figure, such
// as an erasure, moves it).
inline boost::json::object figures_of(const std::string& body) {
  auto o = boost::json::parse(body).as_object();
  o.erase("knownAt");
  o.erase("position");
  return o;
}

// A real perspectief-server on port 0 with a RocksDB store in a temp dir, and a client.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_ = write_tokens_file(dir_.str());
    start();
  }

  void start(std::vector<std::string> extra = {}) {
    client_.reset();
    server_ = std::make_unique<ServerProcess>(tokens_, dir_.sub("data"), std::move(extra));
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  HttpResult post(const std::string& target, const std::string& role, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) {
    return client_->post(target, "t-" + role, body, headers);
  }
  HttpResult get(const std::string& target, const std::string& role) {
    return client_->get(target, "t-" + role);
  }

  static std::string problem_type(const HttpResult& r) {
    const auto v = r.json();
    return v.is_object() && v.as_object().contains("type") ? std::string{v.at("type").as_string()}
                                                           : "";
  }

  TempDir dir_;
  std::string tokens_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

// One event of an append's body, without occurredAt (the server takes the time of the
// append) and with it; `data` is a JSON text.
inline std::string ev(const std::string& type, const std::string& data = "{}") {
  return R"({"type":")" + type + R"(","data":)" + data + "}";
}

inline std::string ev_at(const std::string& type, const std::string& at,
                         const std::string& data = "{}") {
  return R"({"type":")" + type + R"(","occurredAt":")" + at + R"(","data":)" + data + "}";
}

inline std::string registered(const char* name = "Test Person") {
  return std::string{R"({"type":"CaseRegistered","data":{"person":{"name":")"} + name + R"("}}})";
}

}  // namespace perspectief::testing
