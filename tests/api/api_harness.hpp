#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>

#include "api/api.hpp"
#include "tests/support/fake_event_store.hpp"
#include "tests/support/memory_side_table.hpp"

namespace perspectief::api {

// The API over a fake store and in-memory side tables: the real handlers, read models,
// sealer and access log, no RocksDB and no sockets. One bearer token per role
// ("t-<role>"); the housing token's organisation is hvo-querido, another housing token
// ("t-housing-other") is leger-des-heils'.
class ApiHarness {
 public:
  ApiHarness() {
    case_files_.observe(&feed_index_);
    projector_.add(case_files_);
    projector_.add(history_);
    EXPECT_TRUE(projector_.start().ok());
    api_.set_ready(true);
  }

  struct Reply {
    unsigned status = 0;
    std::string body;
    Response raw;
    boost::json::value json() const { return boost::json::parse(body); }
    std::string header(boost::beast::http::field f) const { return std::string{raw[f]}; }
  };

  Reply call(boost::beast::http::verb method, const std::string& target, const std::string& token,
             const std::string& body = {}, const std::string& if_match = {},
             const std::string& content_type = "application/json") {
    Request req{method, target, 11};
    if (!token.empty()) req.set(boost::beast::http::field::authorization, "Bearer " + token);
    req.set(boost::beast::http::field::content_type, content_type);
    if (!if_match.empty()) req.set(boost::beast::http::field::if_match, if_match);
    req.body() = body;
    req.prepare_payload();
    Reply reply;
    boost::asio::io_context ioc;
    std::string_view route_template;
    std::string_view role;
    boost::asio::co_spawn(
        ioc, api_.handle(req, route_template, role),
        [&reply](std::exception_ptr, Response res) { reply.raw = std::move(res); });
    ioc.run();
    reply.status = reply.raw.result_int();
    reply.body = reply.raw.body();
    return reply;
  }
  Reply get(const std::string& target, const std::string& token) {
    return call(boost::beast::http::verb::get, target, token);
  }
  Reply post(const std::string& target, const std::string& token, const std::string& body) {
    return call(boost::beast::http::verb::post, target, token, body);
  }

  // Appends as regie, who may append every type; fails the test otherwise.
  void seed(const std::string& target, const std::string& body) {
    const Reply r = post(target, "t-regie", body);
    ASSERT_EQ(r.status, 201U) << target << " " << r.body;
  }
  // A location of hvo-querido (l1) and one of leger-des-heils (l2), and case c-a housed in
  // l1, c-b waiting for a bed, c-c only registered. Each case has a person.
  void seed_programme() {
    seed("/v1/locations/l1/events",
         R"({"type":"LocationOpened","data":{"name":"Een","operator":"hvo-querido","beds":10}})");
    seed(
        "/v1/locations/l2/events",
        R"({"type":"LocationOpened","data":{"name":"Twee","operator":"leger-des-heils","beds":5}})");
    for (const char* c : {"c-a", "c-b", "c-c"}) {
      seed(std::string{"/v1/cases/"} + c + "/events",
           R"({"type":"CaseRegistered","data":{"person":{"name":"P"}}})");
    }
    for (const char* c : {"c-a", "c-b"}) {
      seed(std::string{"/v1/cases/"} + c + "/events",
           R"([{"type":"IntakeCompleted","data":{"eligible":true}},
               {"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}}])");
    }
    seed("/v1/cases/c-a/events", R"({"type":"BedAssigned","data":{"locationId":"l1"}})");
  }

  ::perspectief::testing::FakeEventStore& store() { return store_; }
  Api& api() { return api_; }
  ManualClock& clock() { return clock_; }
  privacy::AccessLog& access_log() { return access_log_; }
  privacy::KeyRing& ring() { return ring_; }
  privacy::Sealer& sealer() { return sealer_; }
  const privacy::Pseudonymiser& pseudonymiser() const { return pseudonymiser_; }
  const CaseFiles& case_files() const { return case_files_; }
  int purges() const { return purges_; }

 private:
  static privacy::KeysDir keys() {
    privacy::KeysDir k;
    k.masters["0123456789abcdef"] = std::string(32, 'm');
    k.current = "0123456789abcdef";
    k.research = std::string(32, 'r');
    return k;
  }
  static TokenRegistry tokens() {
    std::string json = "[";
    for (const char* role :
         {"intake", "housing", "legal", "return", "participation", "regie", "researcher", "ops"}) {
      const std::string org = std::string{role} == "housing" ? "hvo-querido" : "org";
      json += std::string{R"({"token":"t-)"} + role + R"(","subject":"s-)" + role +
              R"(","organisation":")" + org + R"(","role":")" + role + "\"},";
    }
    json += R"({"token":"t-housing-other","subject":"s-other","organisation":"leger-des-heils",)"
            R"("role":"housing"}])";
    return std::move(TokenRegistry::parse(json)).value();
  }

  ManualClock clock_{1'640'995'200'000'000};  // 2022-01-01T00:00:00Z
  ::perspectief::testing::MemorySideTable data_keys_;
  ::perspectief::testing::FakeEventStore store_{clock_, &data_keys_};
  TokenRegistry tokens_ = tokens();
  CommitSignal signal_{store_};
  CaseFiles case_files_{initial_programme(500, 360, 18)};
  History history_{500, 360, 18};
  FeedIndex feed_index_;
  Metrics metrics_;
  Projector projector_{store_};
  ::perspectief::testing::MemorySideTable access_entries_;
  privacy::KeyRing ring_{data_keys_, keys()};
  privacy::Sealer sealer_{ring_};
  privacy::Pseudonymiser pseudonymiser_{std::string(32, 'r')};
  privacy::AccessLog access_log_{access_entries_};
  int purges_ = 0;
  ::perspectief::testing::MemorySideTable subscription_entries_;
  SubscriptionRegistry registry_{subscription_entries_};
  WebhookAllowList allow_list_ = *WebhookAllowList::parse("127.0.0.1/32", true);
  Api api_{ApiDependencies{
      store_, tokens_, signal_, clock_, case_files_, history_, feed_index_, metrics_, projector_,
      PersonalData{sealer_, pseudonymiser_, access_log_, [this] { ++purges_; }},
      SubscriptionDependencies{registry_, feed_index_, allow_list_}}};
};

}  // namespace perspectief::api
