// Webhooks and erasure (spec/integrations.md, "Durability": an event of an erased case is
// delivered without personal data, whatever the time of erasure): an intake subscription gets
// a registration with its person; after DELETE /v1/cases/{id}/personal-data no delivery of that
// case's events carries the person: not a later event, not a subscription created after the
// erasure that starts at the beginning, not a batch parked before the erasure and replayed
// after it.

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <string>

#include "tests/integration/webhook_fixture.hpp"

namespace perspectief::testing {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

constexpr std::string_view kName = "Quixotewright";

// Whether a batch to `target` holds the event at `position`.
bool delivered(const std::vector<Received>& got, const std::string& target,
               std::uint64_t position) {
  for (const auto& r : got) {
    if (r.target != target) continue;
    for (const auto& e : events_of(r)) {
      if (e.at("position") == position) return true;
    }
  }
  return false;
}

// Fails the test for each event of case-c-1 in `r` that shows the person.
void expect_no_person(const Received& r) {
  EXPECT_EQ(r.body.find(kName), std::string::npos) << r.target << " " << r.header("webhook-id");
  for (const auto& e : events_of(r)) {
    if (e.at("stream") != "case-c-1") continue;
    EXPECT_FALSE(e.at("data").as_object().contains("person"))
        << r.target << " " << json::serialize(e);
  }
}

TEST_F(WebhookTest, NoDeliveryAfterTheErasureCarriesThePerson) {
  WebhookReceiver live;
  std::atomic<bool> ok{false};
  WebhookReceiver parking{fail_until(ok)};
  create_webhook("t-intake", "s-live", live.url());
  create_webhook("t-intake", "s-park", parking.url());
  const auto registered = case_event("t-intake", "c-1", registration(std::string{kName}));

  ASSERT_TRUE(live.wait_for([&](const auto& got) { return delivered(got, "/hook", registered); },
                            seconds(10)));
  EXPECT_EQ(events_of(live.received().at(0)).at(0).at("data").at("person").at("name").as_string(),
            kName);
  ASSERT_TRUE(
      read_until("t-intake", "s-park", [](const json::value& s) { return s.at("parked") == 1; }));
  const auto attempts = parking.received();
  ASSERT_EQ(attempts.size(), 8U);
  EXPECT_NE(attempts[0].body.find(kName), std::string::npos);  // parked with the person
  const std::string parked_id = attempts[0].header("webhook-id");
  // s-live has nothing left to render: every later delivery is rendered after the erasure.
  ASSERT_TRUE(read_until("t-intake", "s-live",
                         [&](const json::value& s) { return s.at("checkpoint") == registered; }));
  const auto before = live.received().size();

  const auto erased = call("DELETE", "/v1/cases/c-1/personal-data", "t-intake");
  ASSERT_EQ(erased.status, 200) << erased.body;
  const auto later = case_event("t-intake", "c-1", ev("IntakeCompleted", R"({"eligible":true})"));
  create_webhook("t-intake", "s-late", live.url("/late"));
  ASSERT_TRUE(live.wait_for(
      [&](const auto& got) {
        return delivered(got, "/hook", later) && delivered(got, "/late", later);
      },
      seconds(10)));
  const auto after_erasure = live.received();
  for (std::size_t i = before; i < after_erasure.size(); ++i) expect_no_person(after_erasure[i]);
  EXPECT_TRUE(delivered(after_erasure, "/late", registered));  // from the beginning, erased

  ok = true;
  ASSERT_EQ(client_->post("/v1/subscriptions/s-park/parked/replay", "t-intake", "").status, 202);
  ASSERT_TRUE(parking.wait_for(
      [&](const auto& got) {
        return std::count_if(got.begin(), got.end(), [&](const Received& r) {
                 return r.header("webhook-id") == parked_id;
               }) == 9;
      },
      seconds(10)));
  const auto replayed = parking.received();
  for (std::size_t i = 8; i < replayed.size(); ++i) expect_no_person(replayed[i]);
}

}  // namespace
}  // namespace perspectief::testing
