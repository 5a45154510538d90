// The role matrix of spec/api.md over real HTTP: who may append what (including a housing
// organisation's scope: its own locations and its own residents), who may read which case
// files, case lists, case events and the event feed, what a case file shows along a
// trajectory, and the domain refusals (409 naming the rule) that append nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using Ids = std::vector<std::string>;

constexpr const char* kForbidden = "urn:perspectief:problem:forbidden";

// One event as a client sends it; business times are explicit so dates are exact.
// A top-level string field of a JSON object, or "<none>".
std::string field_text(const boost::json::value& v, const char* key) {
  if (!v.is_object()) return "<none>";
  const auto* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string{f->as_string()} : "<none>";
}

std::int64_t field_int(const boost::json::value& v, const char* key) {
  if (!v.is_object()) return -1;
  const auto* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_int64() ? f->as_int64() : -1;
}

::testing::AssertionResult has_status(const HttpResult& r, int status) {
  if (r.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "status " << r.status << " (expected " << status << "): " << r.body;
}

// 403 with the forbidden problem type.
::testing::AssertionResult is_forbidden(const HttpResult& r) {
  if (r.status != 403)
    return ::testing::AssertionFailure() << "status " << r.status << " (expected 403): " << r.body;
  if (r.header("content-type") != "application/problem+json") {
    return ::testing::AssertionFailure() << "content-type " << r.header("content-type");
  }
  const auto v = r.json();
  if (field_text(v, "type") != kForbidden) {
    return ::testing::AssertionFailure() << "problem type is not forbidden: " << r.body;
  }
  if (field_int(v, "status") != 403) {
    return ::testing::AssertionFailure() << "problem status is not 403: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

// 409 naming the broken domain rule, in the problem type and in a "rule" field.
::testing::AssertionResult is_refused(const HttpResult& r, const std::string& rule) {
  if (r.status != 409)
    return ::testing::AssertionFailure() << "status " << r.status << " (expected 409): " << r.body;
  if (r.header("content-type") != "application/problem+json") {
    return ::testing::AssertionFailure() << "content-type " << r.header("content-type");
  }
  const auto v = r.json();
  if (field_text(v, "type") != "urn:perspectief:problem:" + rule) {
    return ::testing::AssertionFailure() << "problem type is not " << rule << ": " << r.body;
  }
  if (field_text(v, "rule") != rule) {
    return ::testing::AssertionFailure() << "rule field is not " << rule << ": " << r.body;
  }
  if (field_int(v, "status") != 409) {
    return ::testing::AssertionFailure() << "problem status is not 409: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

std::string str_or_null(const boost::json::value& v) {
  return v.is_string() ? std::string{v.as_string()}
         : v.is_null() ? "<null>"
                       : boost::json::serialize(v);
}

Ids case_ids(const HttpResult& r) {
  Ids out;
  const auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("cases") || !v.at("cases").is_array()) return out;
  for (const auto& c : v.at("cases").as_array()) out.emplace_back(c.at("caseId").as_string());
  return out;
}

// A request that some role may not make: what it sends and where.
struct Attempt {
  std::string target;
  std::string body;
};

// Two housing organisations: "org-housing" (token t-housing, the default) runs loc-a and
// loc-a2; "org-other" (token t-housing2) runs loc-b.
//
// State after seed() (all through the API):
//   programme  ProgrammeCapacitySet {10, 8, 18}
//   loc-a      org-housing, 5 beds      loc-a2  org-housing, 1 bed      loc-b  org-other, 5 beds
//   c-a        "Amina A", admitted lvv, housed in loc-a since 2021-03-01 (version 4)
//   c-b        "Bilal B", admitted municipal, housed in loc-b since 2021-03-01 (version 4)
//   c-reg      "Chris C", registered only (version 1)
//   c-wait     "Dana D", admitted lvv, waiting for a bed (version 3)
class Roles : public ServerTest {
 protected:
  static constexpr std::size_t kSeedEvents = 16;

  void SetUp() override {
    tokens_ = write_tokens_file(
        dir_.str(),
        {R"({"token":"t-housing2","subject":"h2","organisation":"org-other","role":"housing"})"});
    start();
    ASSERT_NO_FATAL_FAILURE(seed());
  }

  HttpResult post2(const std::string& target, const std::string& body) {
    return client_->post(target, "t-housing2", body);
  }
  HttpResult get2(const std::string& target) { return client_->get(target, "t-housing2"); }

  void admit(const std::string& id, const std::string& name, const std::string& funding) {
    const std::string target = "/v1/cases/" + id + "/events";
    ASSERT_TRUE(
        has_status(post(target, "intake",
                        ev_at("CaseRegistered", "2021-02-01T10:00:00Z",
                              R"({"person":{"name":")" + name + R"(","nationality":"GH"}})")),
                   201));
    ASSERT_TRUE(
        has_status(post(target, "intake",
                        ev_at("IntakeCompleted", "2021-02-10T10:00:00Z", R"({"eligible":true})")),
                   201));
    ASSERT_TRUE(has_status(post(target, "intake",
                                ev_at("PlacementDecided", "2021-02-20T10:00:00Z",
                                      R"({"decision":"admitted","funding":")" + funding + R"("})")),
                           201));
  }

  void seed() {
    ASSERT_TRUE(has_status(post("/v1/programme/events", "regie",
                                ev_at("ProgrammeCapacitySet", "2021-01-01T00:00:00Z",
                                      R"({"places":10,"lvvPlaces":8,"maxStayMonths":18})")),
                           201));
    ASSERT_TRUE(has_status(post("/v1/locations/loc-a/events", "housing",
                                ev_at("LocationOpened", "2021-01-02T09:00:00Z",
                                      R"({"name":"Locatie A","operator":"org-housing","beds":5})")),
                           201));
    ASSERT_TRUE(
        has_status(post("/v1/locations/loc-a2/events", "housing",
                        ev_at("LocationOpened", "2021-01-02T09:00:00Z",
                              R"({"name":"Locatie A2","operator":"org-housing","beds":1})")),
                   201));
    ASSERT_TRUE(has_status(post2("/v1/locations/loc-b/events",
                                 ev_at("LocationOpened", "2021-01-02T09:00:00Z",
                                       R"({"name":"Locatie B","operator":"org-other","beds":5})")),
                           201));
    ASSERT_NO_FATAL_FAILURE(admit("c-a", "Amina A", "lvv"));
    ASSERT_TRUE(
        has_status(post("/v1/cases/c-a/events", "housing",
                        ev_at("BedAssigned", "2021-03-01T10:00:00Z", R"({"locationId":"loc-a"})")),
                   201));
    ASSERT_NO_FATAL_FAILURE(admit("c-b", "Bilal B", "municipal"));
    ASSERT_TRUE(
        has_status(post2("/v1/cases/c-b/events",
                         ev_at("BedAssigned", "2021-03-01T10:00:00Z", R"({"locationId":"loc-b"})")),
                   201));
    ASSERT_NO_FATAL_FAILURE(admit("c-wait", "Dana D", "lvv"));
    ASSERT_TRUE(has_status(
        post("/v1/cases/c-reg/events", "intake",
             ev_at("CaseRegistered", "2021-02-01T10:00:00Z", R"({"person":{"name":"Chris C"}})")),
        201));
  }

  std::size_t feed_size() {
    const auto r = get("/v1/events?limit=10000", "regie");
    const auto v = r.json();
    return v.is_object() && v.as_object().contains("events") ? v.at("events").as_array().size()
                                                             : SIZE_MAX;
  }

  // The case file as regie sees it.
  boost::json::value case_file(const std::string& id) {
    return get("/v1/cases/" + id, "regie").json();
  }

  std::int64_t case_version(const std::string& id) {
    const auto v = case_file(id);
    return v.is_object() && v.as_object().contains("version") ? v.at("version").as_int64() : -1;
  }

  std::string case_status(const std::string& id) {
    const auto v = case_file(id);
    return v.is_object() && v.as_object().contains("status") ? str_or_null(v.at("status"))
                                                             : "<none>";
  }

  // Every attempt is a 403 forbidden for `role` (empty role: the t-housing2 token).
  void expect_all_forbidden(const std::string& role, const std::vector<Attempt>& attempts) {
    for (const auto& a : attempts) {
      const auto r = role.empty() ? post2(a.target, a.body) : post(a.target, role, a.body);
      EXPECT_TRUE(is_forbidden(r))
          << (role.empty() ? "housing2" : role) << " POST " << a.target << " " << a.body;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Appends, role by role

TEST_F(Roles, IntakeAppendsRegistrationPlacementEscalationsAndEndings) {
  // Allowed: its own case events, on any case (intake is not scoped to locations).
  const auto reg =
      post("/v1/cases/c-new/events", "intake",
           ev_at("CaseRegistered", "2021-03-01T10:00:00Z", R"({"person":{"name":"Eli E"}})"));
  ASSERT_TRUE(has_status(reg, 201));
  {
    const auto v = reg.json();
    const auto actor = v.at("events").as_array().at(0).at("actor");
    EXPECT_EQ(actor.at("subject").as_string(), "intake-1");
    EXPECT_EQ(actor.at("organisation").as_string(), "org-intake");
    EXPECT_EQ(actor.at("role").as_string(), "intake");
  }
  EXPECT_TRUE(
      has_status(post("/v1/cases/c-reg/events", "intake",
                      ev_at("IntakeCompleted", "2021-03-01T10:00:00Z", R"({"eligible":false})")),
                 201));
  EXPECT_TRUE(has_status(post("/v1/cases/c-reg/events", "intake",
                              ev_at("PlacementDecided", "2021-03-02T10:00:00Z",
                                    R"({"decision":"rejected","reason":"not eligible"})")),
                         201));
  EXPECT_EQ(case_status("c-reg"), "rejected");
  EXPECT_TRUE(has_status(post("/v1/cases/c-b/events", "intake",
                              ev_at("CaseManagerAssigned", "2021-03-02T10:00:00Z",
                                    R"({"caseManager":"Els","organisation":"ACO"})")),
                         201));
  EXPECT_TRUE(has_status(
      post("/v1/cases/c-b/events", "intake",
           ev_at("EscalationRaised", "2021-04-01T10:00:00Z",
                 R"({"escalationId":"e-1","reason":"non_cooperation","level":"warning"})")),
      201));
  EXPECT_TRUE(has_status(post("/v1/cases/c-b/events", "intake",
                              ev_at("EscalationResolved", "2021-04-15T10:00:00Z",
                                    R"({"escalationId":"e-1","resolution":"resolved"})")),
                         201));
  EXPECT_TRUE(
      has_status(post("/v1/cases/c-b/events", "intake",
                      ev_at("StayEnded", "2021-05-01T10:00:00Z", R"({"outcome":"left_unknown"})")),
                 201));
  EXPECT_TRUE(
      has_status(post("/v1/cases/c-b/events", "intake",
                      ev_at("ExitInterviewHeld", "2021-05-02T10:00:00Z", R"({"declined":true})")),
                 201));
  EXPECT_EQ(case_status("c-b"), "ended");
  EXPECT_EQ(case_version("c-b"), 9);

  // Refused: everything else.
  const auto before = feed_size();
  const auto before_a = case_version("c-a");
  expect_all_forbidden(
      "intake",
      {
          {"/v1/cases/c-wait/events",
           ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-a"})")},
          {"/v1/cases/c-a/events",
           ev_at("Transferred", "2021-03-05T10:00:00Z", R"({"toLocationId":"loc-a2"})")},
          {"/v1/cases/c-a/events", ev_at("LivingAllowancePaid", "2021-03-05T10:00:00Z",
                                         R"({"amountCents":5000,"period":"2021-03"})")},
          {"/v1/cases/c-a/events",
           ev_at("LegalStepRecorded", "2021-03-05T10:00:00Z", R"({"step":"appeal"})")},
          {"/v1/cases/c-a/events",
           ev_at("ReturnStepRecorded", "2021-03-05T10:00:00Z", R"({"step":"orientation"})")},
          {"/v1/cases/c-a/events",
           ev_at("PerspectiveChosen", "2021-03-05T10:00:00Z", R"({"track":"return"})")},
          {"/v1/cases/c-a/events", ev_at("ParticipationRecorded", "2021-03-05T10:00:00Z",
                                         R"({"activity":"a","organisation":"o"})")},
          {"/v1/cases/c-a/events",
           ev_at("StayExtended", "2021-03-05T10:00:00Z", R"({"until":"2023-01-01","reason":"r"})")},
          {"/v1/locations/loc-x/events", ev_at("LocationOpened", "2021-03-05T10:00:00Z",
                                               R"({"name":"X","operator":"org-intake","beds":1})")},
          {"/v1/programme/events", ev_at("ProgrammeCapacitySet", "2021-03-05T10:00:00Z",
                                         R"({"places":1,"lvvPlaces":1,"maxStayMonths":1})")},
          {"/v1/activities/act-1/events",
           ev_at(
               "ActivityScheduled", "2021-03-05T10:00:00Z",
               R"({"title":"t","organisation":"o","category":"sport","startsAt":"2021-03-08T10:00:00Z"})")},
      });
  EXPECT_EQ(feed_size(), before);
  EXPECT_EQ(case_version("c-a"), before_a);
  EXPECT_EQ(case_status("c-wait"), "admitted");
}

TEST_F(Roles, HousingActsOnlyForItsOwnLocationsAndResidents) {
  const auto before = feed_size();
  // org-housing, out of scope or out of role.
  expect_all_forbidden(
      "housing",
      {
          // A location with another operator, and org-other's location.
          {"/v1/locations/loc-x/events", ev_at("LocationOpened", "2021-03-05T10:00:00Z",
                                               R"({"name":"X","operator":"org-other","beds":3})")},
          {"/v1/locations/loc-b/events",
           ev_at("LocationCapacityChanged", "2021-03-05T10:00:00Z", R"({"beds":6})")},
          {"/v1/locations/loc-b/events",
           ev_at("NeighbourhoodContactRecorded", "2021-03-05T10:00:00Z", R"({"kind":"meeting"})")},
          {"/v1/locations/loc-b/events", ev_at("LocationClosed", "2021-03-05T10:00:00Z")},
          // A bed in org-other's location.
          {"/v1/cases/c-wait/events",
           ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-b"})")},
          // org-other's resident.
          {"/v1/cases/c-b/events", ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                         R"({"amountCents":5000,"period":"2021-03"})")},
          {"/v1/cases/c-b/events",
           ev_at("StayEnded", "2021-03-31T10:00:00Z", R"({"outcome":"left_unknown"})")},
          {"/v1/cases/c-b/events",
           ev_at("EscalationRaised", "2021-03-31T10:00:00Z",
                 R"({"escalationId":"e-9","reason":"house_rules","level":"warning"})")},
          {"/v1/cases/c-b/events",
           ev_at("Transferred", "2021-03-31T10:00:00Z", R"({"toLocationId":"loc-a"})")},
          // A case waiting for a bed is nobody's resident yet.
          {"/v1/cases/c-wait/events",
           ev_at("EscalationRaised", "2021-03-31T10:00:00Z",
                 R"({"escalationId":"e-9","reason":"house_rules","level":"warning"})")},
          {"/v1/cases/c-wait/events",
           ev_at("StayEnded", "2021-03-31T10:00:00Z", R"({"outcome":"left_unknown"})")},
          // Its own resident, but to org-other's location.
          {"/v1/cases/c-a/events",
           ev_at("Transferred", "2021-03-31T10:00:00Z", R"({"toLocationId":"loc-b"})")},
          // Not housing's events at all.
          {"/v1/cases/c-reg/events",
           ev_at("IntakeCompleted", "2021-03-31T10:00:00Z", R"({"eligible":true})")},
          {"/v1/cases/c-a/events", ev_at("EscalationResolved", "2021-03-31T10:00:00Z",
                                         R"({"escalationId":"e-1","resolution":"resolved"})")},
          {"/v1/cases/c-a/events",
           ev_at("StayExtended", "2021-03-31T10:00:00Z", R"({"until":"2023-01-01","reason":"r"})")},
          {"/v1/cases/c-a/events",
           ev_at("LegalStepRecorded", "2021-03-31T10:00:00Z", R"({"step":"appeal"})")},
          {"/v1/programme/events", ev_at("ProgrammeCapacitySet", "2021-03-31T10:00:00Z",
                                         R"({"places":1,"lvvPlaces":1,"maxStayMonths":1})")},
      });
  // org-other, the other way round.
  expect_all_forbidden(
      "", {
              {"/v1/locations/loc-a/events", ev_at("NeighbourhoodContactRecorded",
                                                   "2021-03-05T10:00:00Z", R"({"kind":"visit"})")},
              {"/v1/locations/loc-a/events",
               ev_at("LocationCapacityChanged", "2021-03-05T10:00:00Z", R"({"beds":9})")},
              {"/v1/cases/c-wait/events",
               ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-a"})")},
              {"/v1/cases/c-a/events", ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                             R"({"amountCents":5000,"period":"2021-03"})")},
              {"/v1/cases/c-a/events",
               ev_at("StayEnded", "2021-03-31T10:00:00Z", R"({"outcome":"left_unknown"})")},
              {"/v1/cases/c-b/events",
               ev_at("Transferred", "2021-03-31T10:00:00Z", R"({"toLocationId":"loc-a"})")},
          });
  EXPECT_EQ(feed_size(), before);
  EXPECT_EQ(get("/v1/locations/loc-x/events", "regie").status, 404);
  EXPECT_EQ(case_status("c-wait"), "admitted");
  EXPECT_EQ(case_version("c-a"), 4);
  EXPECT_EQ(case_version("c-b"), 4);

  // Allowed: its own locations.
  EXPECT_TRUE(has_status(post("/v1/locations/loc-c/events", "housing",
                              ev_at("LocationOpened", "2021-03-05T10:00:00Z",
                                    R"({"name":"Locatie C","operator":"org-housing","beds":2})")),
                         201));
  EXPECT_TRUE(has_status(post("/v1/locations/loc-a/events", "housing",
                              ev_at("NeighbourhoodContactRecorded", "2021-03-05T10:00:00Z",
                                    R"({"kind":"visit","notes":"open day"})")),
                         201));
  EXPECT_TRUE(
      has_status(post("/v1/locations/loc-a/events", "housing",
                      ev_at("LocationCapacityChanged", "2021-03-06T10:00:00Z", R"({"beds":6})")),
                 201));
  EXPECT_TRUE(has_status(post2("/v1/locations/loc-b/events",
                               ev_at("NeighbourhoodContactRecorded", "2021-03-05T10:00:00Z",
                                     R"({"kind":"compliment"})")),
                         201));

  // A case waiting for a bed gets one in its own location.
  const auto bed = post("/v1/cases/c-wait/events", "housing",
                        ev_at("BedAssigned", "2021-03-10T10:00:00Z", R"({"locationId":"loc-a"})"));
  ASSERT_TRUE(has_status(bed, 201));
  {
    const auto v = bed.json();
    const auto actor = v.at("events").as_array().at(0).at("actor");
    EXPECT_EQ(actor.at("organisation").as_string(), "org-housing");
    EXPECT_EQ(actor.at("role").as_string(), "housing");
  }
  EXPECT_EQ(case_status("c-wait"), "housed");

  // Its own residents.
  EXPECT_TRUE(has_status(post("/v1/cases/c-a/events", "housing",
                              ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                    R"({"amountCents":5000,"period":"2021-03"})")),
                         201));
  const auto paid2 =
      post2("/v1/cases/c-b/events", ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                          R"({"amountCents":5000,"period":"2021-03"})"));
  ASSERT_TRUE(has_status(paid2, 201));
  {
    const auto v = paid2.json();
    const auto actor = v.at("events").as_array().at(0).at("actor");
    EXPECT_EQ(actor.at("subject").as_string(), "h2");
    EXPECT_EQ(actor.at("organisation").as_string(), "org-other");
    EXPECT_EQ(actor.at("role").as_string(), "housing");
  }
  EXPECT_TRUE(
      has_status(post("/v1/cases/c-a/events", "housing",
                      ev_at("EscalationRaised", "2021-04-01T10:00:00Z",
                            R"({"escalationId":"e-1","reason":"house_rules","level":"warning"})")),
                 201));
  // Transferred between its own locations.
  EXPECT_TRUE(
      has_status(post("/v1/cases/c-a/events", "housing",
                      ev_at("Transferred", "2021-04-02T10:00:00Z", R"({"toLocationId":"loc-a2"})")),
                 201));
  EXPECT_EQ(str_or_null(case_file("c-a").at("locationId")), "loc-a2");
  // org-other may not take that resident over.
  EXPECT_TRUE(
      is_forbidden(post2("/v1/cases/c-a/events", ev_at("Transferred", "2021-04-03T10:00:00Z",
                                                       R"({"toLocationId":"loc-b"})"))));
  EXPECT_TRUE(has_status(post("/v1/cases/c-a/events", "housing",
                              ev_at("StayEnded", "2021-05-01T10:00:00Z",
                                    R"({"outcome":"transferred_other_shelter"})")),
                         201));
  EXPECT_TRUE(has_status(
      post2("/v1/cases/c-b/events",
            ev_at("StayEnded", "2021-05-01T10:00:00Z", R"({"outcome":"independent_return"})")),
      201));
  EXPECT_EQ(case_status("c-a"), "ended");
  EXPECT_EQ(case_status("c-b"), "ended");
  EXPECT_EQ(feed_size(), before + 11);
}

TEST_F(Roles, LegalRecordsLegalStepsTracksAndCaseManagers) {
  EXPECT_TRUE(has_status(post("/v1/cases/c-a/events", "legal",
                              ev_at("LegalStepRecorded", "2021-03-05T10:00:00Z",
                                    R"({"step":"repeat_asylum_application","result":"pending"})")),
                         201));
  EXPECT_TRUE(has_status(
      post("/v1/cases/c-b/events", "legal",
           ev_at("PerspectiveChosen", "2021-03-06T10:00:00Z", R"({"track":"legal_stay_nl"})")),
      201));
  EXPECT_TRUE(has_status(post("/v1/cases/c-wait/events", "legal",
                              ev_at("CaseManagerAssigned", "2021-03-07T10:00:00Z",
                                    R"({"caseManager":"Joost","organisation":"ASKV"})")),
                         201));

  const auto before = feed_size();
  expect_all_forbidden(
      "legal",
      {
          {"/v1/cases/c-a/events",
           ev_at("ReturnStepRecorded", "2021-03-08T10:00:00Z", R"({"step":"orientation"})")},
          {"/v1/cases/c-new/events",
           ev_at("CaseRegistered", "2021-03-08T10:00:00Z", R"({"person":{"name":"N"}})")},
          {"/v1/cases/c-reg/events",
           ev_at("IntakeCompleted", "2021-03-08T10:00:00Z", R"({"eligible":true})")},
          {"/v1/cases/c-wait/events",
           ev_at("BedAssigned", "2021-03-08T10:00:00Z", R"({"locationId":"loc-a"})")},
          {"/v1/cases/c-a/events",
           ev_at("EscalationRaised", "2021-03-08T10:00:00Z",
                 R"({"escalationId":"e-1","reason":"other","level":"warning"})")},
          {"/v1/cases/c-a/events",
           ev_at("StayEnded", "2021-03-08T10:00:00Z", R"({"outcome":"residence_permit"})")},
          {"/v1/cases/c-a/events", ev_at("ParticipationRecorded", "2021-03-08T10:00:00Z",
                                         R"({"activity":"a","organisation":"o"})")},
          {"/v1/cases/c-a/events",
           ev_at("StayExtended", "2021-03-08T10:00:00Z", R"({"until":"2023-01-01","reason":"r"})")},
          {"/v1/locations/loc-x/events", ev_at("LocationOpened", "2021-03-08T10:00:00Z",
                                               R"({"name":"X","operator":"org-legal","beds":1})")},
      });
  EXPECT_EQ(feed_size(), before);
  EXPECT_EQ(case_status("c-a"), "housed");
}

TEST_F(Roles, ReturnRecordsReturnStepsTracksAndCaseManagers) {
  EXPECT_TRUE(has_status(post("/v1/cases/c-a/events", "return",
                              ev_at("ReturnStepRecorded", "2021-03-05T10:00:00Z",
                                    R"({"step":"travel_documents_requested","country":"GH"})")),
                         201));
  EXPECT_TRUE(
      has_status(post("/v1/cases/c-a/events", "return",
                      ev_at("PerspectiveChosen", "2021-03-06T10:00:00Z", R"({"track":"return"})")),
                 201));
  EXPECT_TRUE(has_status(post("/v1/cases/c-a/events", "return",
                              ev_at("CaseManagerAssigned", "2021-03-07T10:00:00Z",
                                    R"({"caseManager":"Sanne","organisation":"Goedwerk"})")),
                         201));

  const auto before = feed_size();
  expect_all_forbidden(
      "return",
      {
          {"/v1/cases/c-a/events",
           ev_at("LegalStepRecorded", "2021-03-08T10:00:00Z", R"({"step":"appeal"})")},
          {"/v1/cases/c-a/events", ev_at("EscalationResolved", "2021-03-08T10:00:00Z",
                                         R"({"escalationId":"e-1","resolution":"resolved"})")},
          {"/v1/cases/c-a/events",
           ev_at("StayEnded", "2021-03-08T10:00:00Z", R"({"outcome":"independent_return"})")},
          {"/v1/cases/c-a/events", ev_at("ExitInterviewHeld", "2021-03-08T10:00:00Z")},
          {"/v1/cases/c-a/events", ev_at("LivingAllowancePaid", "2021-03-08T10:00:00Z",
                                         R"({"amountCents":100,"period":"2021-03"})")},
          {"/v1/activities/act-1/events",
           ev_at(
               "ActivityScheduled", "2021-03-08T10:00:00Z",
               R"({"title":"t","organisation":"o","category":"information","startsAt":"2021-03-09T10:00:00Z"})")},
      });
  EXPECT_EQ(feed_size(), before);
}

TEST_F(Roles, ParticipationRecordsParticipationAndActivities) {
  EXPECT_TRUE(has_status(
      post(
          "/v1/activities/act-1/events", "participation",
          ev_at(
              "ActivityScheduled", "2021-03-01T10:00:00Z",
              R"({"title":"Dutch lessons","organisation":"BOOST","category":"language","startsAt":"2021-03-08T14:00:00Z","coDesigned":true})")),
      201));
  EXPECT_TRUE(has_status(post("/v1/activities/act-1/events", "participation",
                              ev_at("ActivityHeld", "2021-03-08T16:00:00Z",
                                    R"({"residents":7,"volunteers":2,"neighbours":1})")),
                         201));
  EXPECT_TRUE(has_status(
      post(
          "/v1/activities/act-2/events", "participation",
          R"([{"type":"ActivityScheduled","occurredAt":"2021-03-01T10:00:00Z","data":{"title":"Football","organisation":"Life Goals","category":"sport","startsAt":"2021-03-09T14:00:00Z"}},
                                  {"type":"ActivityCancelled","occurredAt":"2021-03-02T10:00:00Z","data":{}}])"),
      201));
  EXPECT_TRUE(has_status(
      post(
          "/v1/cases/c-a/events", "participation",
          ev_at(
              "ParticipationRecorded", "2021-03-08T16:00:00Z",
              R"({"activity":"Dutch lessons","organisation":"BOOST","hours":2,"activityId":"act-1"})")),
      201));

  const auto before = feed_size();
  expect_all_forbidden(
      "participation",
      {
          {"/v1/cases/c-a/events",
           ev_at("PerspectiveChosen", "2021-03-09T10:00:00Z", R"({"track":"undecided"})")},
          {"/v1/cases/c-a/events", ev_at("CaseManagerAssigned", "2021-03-09T10:00:00Z",
                                         R"({"caseManager":"X","organisation":"BOOST"})")},
          {"/v1/cases/c-new/events",
           ev_at("CaseRegistered", "2021-03-09T10:00:00Z", R"({"person":{"name":"N"}})")},
          {"/v1/cases/c-a/events",
           ev_at("EscalationRaised", "2021-03-09T10:00:00Z",
                 R"({"escalationId":"e-1","reason":"behaviour","level":"warning"})")},
          {"/v1/locations/loc-a/events",
           ev_at("NeighbourhoodContactRecorded", "2021-03-09T10:00:00Z", R"({"kind":"meeting"})")},
          {"/v1/programme/events", ev_at("ProgrammeCapacitySet", "2021-03-09T10:00:00Z",
                                         R"({"places":1,"lvvPlaces":1,"maxStayMonths":1})")},
      });
  EXPECT_EQ(feed_size(), before);
}

TEST_F(Roles, RegieMayAppendEverythingExceptErasureByPost) {
  const auto before = feed_size();
  const std::vector<Attempt> allowed{
      {"/v1/programme/events", ev_at("ProgrammeCapacitySet", "2021-03-01T00:00:00Z",
                                     R"({"places":12,"lvvPlaces":8,"maxStayMonths":18})")},
      // Not scoped to any operator.
      {"/v1/locations/loc-r/events",
       ev_at("LocationOpened", "2021-03-01T00:00:00Z",
             R"({"name":"Locatie R","operator":"org-third","beds":2})")},
      {"/v1/locations/loc-b/events",
       ev_at("LocationCapacityChanged", "2021-03-02T00:00:00Z", R"({"beds":7})")},
      {"/v1/locations/loc-a/events",
       ev_at("NeighbourhoodContactRecorded", "2021-03-02T00:00:00Z", R"({"kind":"complaint"})")},
      {"/v1/cases/c-new/events",
       ev_at("CaseRegistered", "2021-03-01T10:00:00Z", R"({"person":{"name":"Eli E"}})")},
      {"/v1/cases/c-reg/events",
       ev_at("IntakeCompleted", "2021-03-01T10:00:00Z", R"({"eligible":true})")},
      {"/v1/cases/c-reg/events",
       ev_at("PlacementDecided", "2021-03-02T10:00:00Z", R"({"decision":"waitlisted"})")},
      {"/v1/cases/c-wait/events",
       ev_at("BedAssigned", "2021-03-02T10:00:00Z", R"({"locationId":"loc-b"})")},
      {"/v1/cases/c-a/events",
       ev_at("Transferred", "2021-03-03T10:00:00Z", R"({"toLocationId":"loc-b"})")},
      {"/v1/cases/c-a/events", ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                     R"({"amountCents":5000,"period":"2021-03"})")},
      {"/v1/cases/c-a/events", ev_at("CaseManagerAssigned", "2021-04-01T10:00:00Z",
                                     R"({"caseManager":"R","organisation":"Regie"})")},
      {"/v1/cases/c-a/events", ev_at("LegalStepRecorded", "2021-04-01T10:00:00Z",
                                     R"({"step":"ind_decision","result":"rejected"})")},
      {"/v1/cases/c-a/events",
       ev_at("ReturnStepRecorded", "2021-04-01T10:00:00Z", R"({"step":"orientation"})")},
      {"/v1/cases/c-a/events",
       ev_at("PerspectiveChosen", "2021-04-01T10:00:00Z", R"({"track":"onward_migration"})")},
      {"/v1/cases/c-a/events", ev_at("ParticipationRecorded", "2021-04-01T10:00:00Z",
                                     R"({"activity":"a","organisation":"o"})")},
      {"/v1/cases/c-a/events",
       ev_at("EscalationRaised", "2021-04-02T10:00:00Z",
             R"({"escalationId":"e-1","reason":"other","level":"final_warning"})")},
      {"/v1/cases/c-a/events", ev_at("EscalationResolved", "2021-04-03T10:00:00Z",
                                     R"({"escalationId":"e-1","resolution":"resolved"})")},
      {"/v1/cases/c-a/events", ev_at("StayExtended", "2021-04-04T10:00:00Z",
                                     R"({"until":"2023-03-01","reason":"medical"})")},
      {"/v1/cases/c-b/events", ev_at("ExitInterviewHeld", "2021-05-01T10:00:00Z")},
      {"/v1/cases/c-b/events",
       ev_at("StayEnded", "2021-05-01T10:00:00Z", R"({"outcome":"onward_migration"})")},
      {"/v1/activities/act-1/events",
       ev_at(
           "ActivityScheduled", "2021-03-01T10:00:00Z",
           R"({"title":"t","organisation":"o","category":"culture","startsAt":"2021-03-09T10:00:00Z"})")},
  };
  for (const auto& a : allowed) {
    EXPECT_TRUE(has_status(post(a.target, "regie", a.body), 201)) << a.target << " " << a.body;
  }
  EXPECT_EQ(feed_size(), before + allowed.size());
  {
    const auto v = case_file("c-a");
    EXPECT_EQ(str_or_null(v.at("locationId")), "loc-b");
    EXPECT_EQ(str_or_null(v.at("limitOn")), "2023-03-01");
  }
  EXPECT_EQ(case_status("c-wait"), "housed");
  EXPECT_EQ(case_status("c-reg"), "waitlisted");

  // Nobody appends PersonalDataErased by POST, not even regie: erasure is its own operation.
  const auto erase =
      post("/v1/cases/c-a/events", "regie", ev_at("PersonalDataErased", "2021-05-01T10:00:00Z"));
  EXPECT_EQ(erase.status, 400) << erase.body;
  EXPECT_EQ(problem_type(erase), "urn:perspectief:problem:invalid-request");
  EXPECT_EQ(
      post("/v1/cases/c-a/events", "intake", ev_at("PersonalDataErased", "2021-05-01T10:00:00Z"))
          .status,
      400);
  EXPECT_EQ(feed_size(), before + allowed.size());
}

TEST_F(Roles, ResearcherAndOpsMayAppendNothing) {
  const std::vector<Attempt> attempts{
      {"/v1/programme/events", ev_at("ProgrammeCapacitySet", "2021-03-01T00:00:00Z",
                                     R"({"places":12,"lvvPlaces":8,"maxStayMonths":18})")},
      {"/v1/locations/loc-r/events", ev_at("LocationOpened", "2021-03-01T00:00:00Z",
                                           R"({"name":"R","operator":"org-researcher","beds":2})")},
      {"/v1/locations/loc-a/events",
       ev_at("NeighbourhoodContactRecorded", "2021-03-02T00:00:00Z", R"({"kind":"visit"})")},
      {"/v1/cases/c-new/events",
       ev_at("CaseRegistered", "2021-03-01T10:00:00Z", R"({"person":{"name":"N"}})")},
      {"/v1/cases/c-a/events",
       ev_at("PerspectiveChosen", "2021-04-01T10:00:00Z", R"({"track":"return"})")},
      {"/v1/cases/c-a/events", ev_at("ParticipationRecorded", "2021-04-01T10:00:00Z",
                                     R"({"activity":"a","organisation":"o"})")},
      {"/v1/cases/c-wait/events",
       ev_at("BedAssigned", "2021-04-01T10:00:00Z", R"({"locationId":"loc-a"})")},
      {"/v1/activities/act-1/events",
       ev_at(
           "ActivityScheduled", "2021-03-01T10:00:00Z",
           R"({"title":"t","organisation":"o","category":"health","startsAt":"2021-03-09T10:00:00Z"})")},
  };
  const auto before = feed_size();
  expect_all_forbidden("researcher", attempts);
  expect_all_forbidden("ops", attempts);
  EXPECT_EQ(feed_size(), before);
  EXPECT_EQ(get("/v1/cases/c-new", "regie").status, 404);
}

// ---------------------------------------------------------------------------------------------
// Reads

TEST_F(Roles, CaseFileReadsFollowTheRoleAndTheHousingScope) {
  const auto person_name = [](const HttpResult& r) -> std::string {
    const auto v = r.json();
    if (!v.is_object() || !v.as_object().contains("person")) return "<no person field>";
    const auto& p = v.at("person");
    if (p.is_null()) return "<null>";
    return p.is_object() && p.as_object().contains("name") ? std::string{p.at("name").as_string()}
                                                           : "<bad person>";
  };

  for (const char* role : {"intake", "legal", "return", "regie"}) {
    const auto a = get("/v1/cases/c-a", role);
    ASSERT_TRUE(has_status(a, 200)) << role;
    EXPECT_EQ(person_name(a), "Amina A") << role;
    EXPECT_EQ(a.json().at("person").at("nationality").as_string(), "GH") << role;
    EXPECT_EQ(person_name(get("/v1/cases/c-b", role)), "Bilal B") << role;
    EXPECT_EQ(person_name(get("/v1/cases/c-reg", role)), "Chris C") << role;
    EXPECT_EQ(person_name(get("/v1/cases/c-wait", role)), "Dana D") << role;
  }

  // org-housing: its resident and the case waiting for a bed, with the person.
  {
    const auto a = get("/v1/cases/c-a", "housing");
    ASSERT_TRUE(has_status(a, 200));
    EXPECT_EQ(person_name(a), "Amina A");
    const auto w = get("/v1/cases/c-wait", "housing");
    ASSERT_TRUE(has_status(w, 200));
    EXPECT_EQ(person_name(w), "Dana D");
    const auto b = get("/v1/cases/c-b", "housing");
    EXPECT_TRUE(is_forbidden(b));
    EXPECT_EQ(b.body.find("Bilal"), std::string::npos);
    EXPECT_TRUE(is_forbidden(get("/v1/cases/c-reg", "housing")));
  }
  // org-other: the mirror image.
  {
    const auto b = get2("/v1/cases/c-b");
    ASSERT_TRUE(has_status(b, 200));
    EXPECT_EQ(person_name(b), "Bilal B");
    EXPECT_EQ(person_name(get2("/v1/cases/c-wait")), "Dana D");
    const auto a = get2("/v1/cases/c-a");
    EXPECT_TRUE(is_forbidden(a));
    EXPECT_EQ(a.body.find("Amina"), std::string::npos);
    EXPECT_TRUE(is_forbidden(get2("/v1/cases/c-reg")));
  }

  // participation: every case file, never the person.
  for (const char* id : {"c-a", "c-b", "c-reg", "c-wait"}) {
    const auto r = get(std::string{"/v1/cases/"} + id, "participation");
    ASSERT_TRUE(has_status(r, 200)) << id;
    EXPECT_EQ(person_name(r), "<null>") << id;
    EXPECT_EQ(r.body.find("Amina"), std::string::npos);
    EXPECT_EQ(r.body.find("\"GH\""), std::string::npos);
  }
  {
    const auto r = get("/v1/cases/c-a", "participation");
    const auto v = r.json();
    EXPECT_EQ(v.at("status").as_string(), "housed");
    EXPECT_EQ(v.at("locationId").as_string(), "loc-a");
  }

  // researcher and ops: no case files, known or not.
  for (const char* role : {"researcher", "ops"}) {
    EXPECT_TRUE(is_forbidden(get("/v1/cases/c-a", role))) << role;
    EXPECT_TRUE(is_forbidden(get("/v1/cases/nobody", role))) << role;
  }

  // An unknown case is a 404 for those who may read case files.
  for (const char* role : {"intake", "housing", "legal", "return", "participation", "regie"}) {
    const auto r = get("/v1/cases/nobody", role);
    EXPECT_EQ(r.status, 404) << role;
    EXPECT_EQ(problem_type(r), "urn:perspectief:problem:not-found") << role;
  }
  EXPECT_EQ(get2("/v1/cases/nobody").status, 404);

  // Once the resident moves to org-other's location, org-housing loses sight of the case.
  ASSERT_TRUE(
      has_status(post("/v1/cases/c-a/events", "regie",
                      ev_at("Transferred", "2021-04-01T10:00:00Z", R"({"toLocationId":"loc-b"})")),
                 201));
  EXPECT_TRUE(is_forbidden(get("/v1/cases/c-a", "housing")));
  EXPECT_EQ(person_name(get2("/v1/cases/c-a")), "Amina A");
}

TEST_F(Roles, CaseListsFilterPageAndKeepTheHousingScope) {
  for (const char* role : {"intake", "legal", "return", "participation", "regie"}) {
    const auto r = get("/v1/cases", role);
    ASSERT_TRUE(has_status(r, 200)) << role;
    EXPECT_EQ(case_ids(r), (Ids{"c-a", "c-b", "c-reg", "c-wait"})) << role;
    EXPECT_TRUE(r.json().at("next").is_null()) << role;
  }
  // Summaries carry no person (participation sees the list too).
  {
    const auto r = get("/v1/cases", "participation");
    const auto v = r.json();
    for (const auto& c : v.at("cases").as_array())
      EXPECT_FALSE(c.as_object().contains("person")) << boost::json::serialize(c);
    EXPECT_EQ(r.body.find("Amina"), std::string::npos);
    const auto& first = v.at("cases").as_array().at(0);
    EXPECT_EQ(first.at("caseId").as_string(), "c-a");
    EXPECT_EQ(first.at("status").as_string(), "housed");
    EXPECT_EQ(first.at("funding").as_string(), "lvv");
    EXPECT_EQ(first.at("locationId").as_string(), "loc-a");
    EXPECT_EQ(first.at("admittedOn").as_string(), "2021-03-01");
    EXPECT_EQ(first.at("version").as_int64(), 4);
  }

  // Filters.
  EXPECT_EQ(case_ids(get("/v1/cases?status=housed", "regie")), (Ids{"c-a", "c-b"}));
  EXPECT_EQ(case_ids(get("/v1/cases?status=admitted", "regie")), (Ids{"c-wait"}));
  EXPECT_EQ(case_ids(get("/v1/cases?status=registered", "intake")), (Ids{"c-reg"}));
  EXPECT_EQ(case_ids(get("/v1/cases?status=ended", "intake")), Ids{});
  EXPECT_EQ(case_ids(get("/v1/cases?locationId=loc-b", "regie")), (Ids{"c-b"}));
  EXPECT_EQ(case_ids(get("/v1/cases?status=housed&locationId=loc-a", "legal")), (Ids{"c-a"}));
  EXPECT_EQ(case_ids(get("/v1/cases?locationId=loc-a2", "regie")), Ids{});

  // Paging: limit, then after = next.
  {
    const auto p1 = get("/v1/cases?limit=2", "regie");
    ASSERT_TRUE(has_status(p1, 200));
    EXPECT_EQ(case_ids(p1), (Ids{"c-a", "c-b"}));
    EXPECT_EQ(str_or_null(p1.json().at("next")), "c-b");
    const auto p2 = get("/v1/cases?limit=2&after=c-b", "regie");
    ASSERT_TRUE(has_status(p2, 200));
    EXPECT_EQ(case_ids(p2), (Ids{"c-reg", "c-wait"}));
    EXPECT_TRUE(p2.json().at("next").is_null()) << p2.body;
    const auto p3 = get("/v1/cases?limit=3&after=c-a", "regie");
    EXPECT_EQ(case_ids(p3), (Ids{"c-b", "c-reg", "c-wait"}));
    EXPECT_TRUE(p3.json().at("next").is_null()) << p3.body;
    const auto filtered = get("/v1/cases?status=housed&limit=1", "regie");
    EXPECT_EQ(case_ids(filtered), (Ids{"c-a"}));
    EXPECT_EQ(str_or_null(filtered.json().at("next")), "c-a");
    const auto filtered2 = get("/v1/cases?status=housed&limit=1&after=c-a", "regie");
    EXPECT_EQ(case_ids(filtered2), (Ids{"c-b"}));
    EXPECT_TRUE(filtered2.json().at("next").is_null()) << filtered2.body;
  }

  // Housing: only its residents and the cases waiting for a bed, in lists and pages too.
  {
    const auto h = get("/v1/cases", "housing");
    ASSERT_TRUE(has_status(h, 200));
    EXPECT_EQ(case_ids(h), (Ids{"c-a", "c-wait"}));
    EXPECT_EQ(h.body.find("c-b"), std::string::npos);
    EXPECT_EQ(case_ids(get2("/v1/cases")), (Ids{"c-b", "c-wait"}));
    EXPECT_EQ(case_ids(get("/v1/cases?locationId=loc-b", "housing")), Ids{});
    EXPECT_EQ(case_ids(get("/v1/cases?status=housed", "housing")), (Ids{"c-a"}));
    EXPECT_EQ(case_ids(get("/v1/cases?status=registered", "housing")), Ids{});
    EXPECT_EQ(case_ids(get2("/v1/cases?locationId=loc-b")), (Ids{"c-b"}));
    const auto p1 = get("/v1/cases?limit=1", "housing");
    EXPECT_EQ(case_ids(p1), (Ids{"c-a"}));
    EXPECT_EQ(str_or_null(p1.json().at("next")), "c-a");
    const auto p2 = get("/v1/cases?limit=1&after=c-a", "housing");
    EXPECT_EQ(case_ids(p2), (Ids{"c-wait"}));
    EXPECT_TRUE(p2.json().at("next").is_null()) << p2.body;
  }

  // No lists for researcher and ops; bad parameters are 400.
  EXPECT_TRUE(is_forbidden(get("/v1/cases", "researcher")));
  EXPECT_TRUE(is_forbidden(get("/v1/cases", "ops")));
  for (const char* bad : {"/v1/cases?status=bogus", "/v1/cases?limit=0", "/v1/cases?limit=1001",
                          "/v1/cases?locationId=a%20b", "/v1/cases?colour=red"}) {
    const auto r = get(bad, "regie");
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
    EXPECT_EQ(problem_type(r), "urn:perspectief:problem:invalid-request") << bad;
  }
  EXPECT_EQ(get("/v1/cases?status=bogus", "housing").status, 400);
}

TEST_F(Roles, CaseEventReadsFollowTheRoleAndTheHousingScope) {
  // spec/api.md: intake reads case events, legal and return read case files (not the events,
  // which carry every note); regie everything; housing in its scope.
  for (const char* role : {"intake", "regie"}) {
    const auto r = get("/v1/cases/c-b/events", role);
    ASSERT_TRUE(has_status(r, 200)) << role;
    EXPECT_EQ(r.header("etag"), "\"4\"") << role;
    const auto v = r.json();
    ASSERT_EQ(v.at("events").as_array().size(), 4U) << role;
    EXPECT_EQ(v.at("events").as_array()[0].at("data").at("person").at("name").as_string(),
              "Bilal B")
        << role;
    EXPECT_EQ(v.at("events").as_array()[3].at("type").as_string(), "BedAssigned") << role;
    EXPECT_EQ(v.at("events").as_array()[3].at("actor").at("organisation").as_string(), "org-other")
        << role;
  }
  {
    const auto a = get("/v1/cases/c-a/events", "housing");
    ASSERT_TRUE(has_status(a, 200));
    EXPECT_EQ(a.json().at("events").as_array().size(), 4U);
    EXPECT_EQ(a.header("etag"), "\"4\"");
    const auto w = get("/v1/cases/c-wait/events", "housing");
    ASSERT_TRUE(has_status(w, 200));
    EXPECT_EQ(w.json().at("events").as_array().size(), 3U);
    EXPECT_EQ(w.header("etag"), "\"3\"");
    const auto b = get("/v1/cases/c-b/events", "housing");
    EXPECT_TRUE(is_forbidden(b));
    EXPECT_EQ(b.body.find("Bilal"), std::string::npos);
    EXPECT_TRUE(is_forbidden(get("/v1/cases/c-reg/events", "housing")));
  }
  {
    EXPECT_TRUE(has_status(get2("/v1/cases/c-b/events"), 200));
    EXPECT_TRUE(has_status(get2("/v1/cases/c-wait/events"), 200));
    EXPECT_TRUE(is_forbidden(get2("/v1/cases/c-a/events")));
    EXPECT_TRUE(is_forbidden(get2("/v1/cases/c-reg/events")));
  }
  for (const char* role : {"legal", "return", "participation", "researcher", "ops"}) {
    EXPECT_TRUE(is_forbidden(get("/v1/cases/c-a/events", role))) << role;
    EXPECT_TRUE(is_forbidden(get("/v1/cases/c-wait/events", role))) << role;
    EXPECT_TRUE(is_forbidden(get("/v1/cases/nobody/events", role))) << role;
  }
  for (const char* role : {"intake", "housing", "regie"}) {
    EXPECT_EQ(get("/v1/cases/nobody/events", role).status, 404) << role;
  }
}

TEST_F(Roles, TheWholeFeedIsRegiesAndPseudonymisedForResearchers) {
  const auto r = get("/v1/events", "regie");
  ASSERT_TRUE(has_status(r, 200));
  const auto v = r.json();
  EXPECT_EQ(v.at("events").as_array().size(), kSeedEvents);
  EXPECT_EQ(v.at("next").as_int64(), static_cast<std::int64_t>(kSeedEvents));
  EXPECT_EQ(v.at("events").as_array()[0].at("type").as_string(), "ProgrammeCapacitySet");

  // researcher: the same events, pseudonymised (tests/integration/privacy_test.cpp).
  const auto research = get("/v1/events", "researcher");
  ASSERT_TRUE(has_status(research, 200));
  EXPECT_EQ(research.json().at("events").as_array().size(), kSeedEvents);
  // The other roles but ops read their scoped feeds (tests/integration/scoped_feed_test.cpp).
  for (const char* role : {"intake", "housing", "legal", "return", "participation"}) {
    EXPECT_TRUE(has_status(get("/v1/events", role), 200)) << role;
  }
  EXPECT_TRUE(has_status(get2("/v1/events"), 200));
  EXPECT_TRUE(is_forbidden(get("/v1/events", "ops")));
  EXPECT_TRUE(is_forbidden(get("/v1/events?after=3&limit=2", "ops")));
}

// ---------------------------------------------------------------------------------------------
// What a case file shows

TEST_F(Roles, TheCaseFileFollowsTheTrajectory) {
  {
    const auto r = get("/v1/cases/c-a", "intake");
    ASSERT_TRUE(has_status(r, 200));
    const auto v = r.json();
    EXPECT_EQ(v.at("caseId").as_string(), "c-a");
    EXPECT_EQ(v.at("status").as_string(), "housed");
    EXPECT_EQ(v.at("funding").as_string(), "lvv");
    EXPECT_EQ(v.at("locationId").as_string(), "loc-a");
    EXPECT_EQ(v.at("admittedOn").as_string(), "2021-03-01");
    EXPECT_EQ(v.at("limitOn").as_string(), "2022-09-01");  // admission + 18 months
    EXPECT_TRUE(v.at("caseManager").is_null());
    EXPECT_TRUE(v.at("organisation").is_null());
    EXPECT_TRUE(v.at("track").is_null());
    EXPECT_TRUE(v.at("outcome").is_null());
    EXPECT_TRUE(v.at("endedOn").is_null());
    EXPECT_EQ(v.at("legalSteps").as_array().size(), 0U);
    EXPECT_EQ(v.at("returnSteps").as_array().size(), 0U);
    EXPECT_EQ(v.at("escalations").as_array().size(), 0U);
    EXPECT_EQ(v.at("version").as_int64(), 4);
    EXPECT_EQ(r.header("etag"), "\"4\"");
  }
  {
    const auto v = case_file("c-wait");
    EXPECT_EQ(v.at("status").as_string(), "admitted");
    EXPECT_EQ(v.at("funding").as_string(), "lvv");
    EXPECT_TRUE(v.at("locationId").is_null());
    EXPECT_TRUE(v.at("admittedOn").is_null());
    EXPECT_TRUE(v.at("limitOn").is_null());
    EXPECT_EQ(v.at("version").as_int64(), 3);
  }
  {
    const auto v = case_file("c-reg");
    EXPECT_EQ(v.at("status").as_string(), "registered");
    EXPECT_TRUE(v.at("funding").is_null());
    EXPECT_EQ(v.at("version").as_int64(), 1);
  }
  {
    const auto v = case_file("c-b");
    EXPECT_EQ(v.at("funding").as_string(), "municipal");
    EXPECT_EQ(v.at("locationId").as_string(), "loc-b");
  }

  const std::string t = "/v1/cases/c-a/events";
  ASSERT_TRUE(has_status(post(t, "legal",
                              ev_at("CaseManagerAssigned", "2021-03-02T10:00:00Z",
                                    R"({"caseManager":"Els de Vries","organisation":"ASKV"})")),
                         201));
  ASSERT_TRUE(has_status(
      post(
          t, "legal",
          ev_at(
              "LegalStepRecorded", "2021-03-10T10:00:00Z",
              R"({"step":"repeat_asylum_application","result":"pending","notes":"lawyer appointed"})")),
      201));
  ASSERT_TRUE(has_status(post(t, "return",
                              ev_at("ReturnStepRecorded", "2021-03-11T10:00:00Z",
                                    R"({"step":"orientation","country":"GH"})")),
                         201));
  ASSERT_TRUE(has_status(
      post(t, "legal",
           ev_at("PerspectiveChosen", "2021-03-12T10:00:00Z", R"({"track":"legal_stay_nl"})")),
      201));
  ASSERT_TRUE(
      has_status(post(t, "housing",
                      ev_at("EscalationRaised", "2021-05-01T10:00:00Z",
                            R"({"escalationId":"e-1","reason":"house_rules","level":"warning"})")),
                 201));
  {
    const auto r = get("/v1/cases/c-a", "legal");
    ASSERT_TRUE(has_status(r, 200));
    const auto v = r.json();
    EXPECT_EQ(v.at("caseManager").as_string(), "Els de Vries");
    EXPECT_EQ(v.at("organisation").as_string(), "ASKV");
    EXPECT_EQ(v.at("track").as_string(), "legal_stay_nl");
    const auto& legal = v.at("legalSteps").as_array();
    ASSERT_EQ(legal.size(), 1U);
    EXPECT_EQ(legal[0].at("step").as_string(), "repeat_asylum_application");
    EXPECT_EQ(legal[0].at("result").as_string(), "pending");
    EXPECT_EQ(legal[0].at("on").as_string(), "2021-03-10");
    const auto& ret = v.at("returnSteps").as_array();
    ASSERT_EQ(ret.size(), 1U);
    EXPECT_EQ(ret[0].at("step").as_string(), "orientation");
    EXPECT_EQ(ret[0].at("country").as_string(), "GH");
    EXPECT_EQ(ret[0].at("on").as_string(), "2021-03-11");
    const auto& esc = v.at("escalations").as_array();
    ASSERT_EQ(esc.size(), 1U);
    EXPECT_EQ(esc[0].at("escalationId").as_string(), "e-1");
    EXPECT_EQ(esc[0].at("level").as_string(), "warning");
    EXPECT_EQ(esc[0].at("reason").as_string(), "house_rules");
    EXPECT_EQ(esc[0].at("raisedOn").as_string(), "2021-05-01");
    EXPECT_TRUE(esc[0].at("resolvedOn").is_null());
    EXPECT_TRUE(esc[0].at("resolution").is_null());
    EXPECT_EQ(v.at("version").as_int64(), 9);
    EXPECT_EQ(r.header("etag"), "\"9\"");
  }

  ASSERT_TRUE(has_status(post(t, "intake",
                              ev_at("EscalationResolved", "2021-05-10T10:00:00Z",
                                    R"({"escalationId":"e-1","resolution":"resolved"})")),
                         201));
  ASSERT_TRUE(
      has_status(post(t, "return",
                      ev_at("PerspectiveChosen", "2021-06-01T10:00:00Z", R"({"track":"return"})")),
                 201));
  ASSERT_TRUE(has_status(
      post(t, "legal", ev_at("LegalStepRecorded", "2021-06-02T10:00:00Z", R"({"step":"appeal"})")),
      201));
  ASSERT_TRUE(has_status(
      post(t, "intake",
           ev_at("EscalationRaised", "2021-07-01T10:00:00Z",
                 R"({"escalationId":"e-2","reason":"non_cooperation","level":"final_warning"})")),
      201));
  ASSERT_TRUE(has_status(post(t, "regie",
                              ev_at("StayExtended", "2021-07-02T10:00:00Z",
                                    R"({"until":"2022-12-31","reason":"medical"})")),
                         201));
  {
    const auto v = case_file("c-a");
    EXPECT_EQ(v.at("track").as_string(), "return");
    EXPECT_EQ(v.at("limitOn").as_string(), "2022-12-31");
    const auto& legal = v.at("legalSteps").as_array();
    ASSERT_EQ(legal.size(), 2U);
    EXPECT_EQ(legal[1].at("step").as_string(), "appeal");
    EXPECT_TRUE(legal[1].at("result").is_null());
    EXPECT_EQ(legal[1].at("on").as_string(), "2021-06-02");
    const auto& esc = v.at("escalations").as_array();
    ASSERT_EQ(esc.size(), 2U);
    EXPECT_EQ(esc[0].at("resolvedOn").as_string(), "2021-05-10");
    EXPECT_EQ(esc[0].at("resolution").as_string(), "resolved");
    EXPECT_EQ(esc[1].at("escalationId").as_string(), "e-2");
    EXPECT_EQ(esc[1].at("level").as_string(), "final_warning");
    EXPECT_TRUE(esc[1].at("resolvedOn").is_null());
    EXPECT_EQ(v.at("version").as_int64(), 14);
  }

  ASSERT_TRUE(
      has_status(post(t, "housing",
                      ev_at("StayEnded", "2021-08-31T10:00:00Z",
                            R"({"outcome":"independent_return","destinationCountry":"GH"})")),
                 201));
  ASSERT_TRUE(has_status(
      post(t, "intake",
           ev_at("ExitInterviewHeld", "2021-09-01T10:00:00Z", R"({"notes":"went home"})")),
      201));
  {
    const auto r = get("/v1/cases/c-a", "regie");
    ASSERT_TRUE(has_status(r, 200));
    const auto v = r.json();
    EXPECT_EQ(v.at("status").as_string(), "ended");
    EXPECT_EQ(v.at("outcome").as_string(), "independent_return");
    EXPECT_EQ(v.at("endedOn").as_string(), "2021-08-31");
    EXPECT_EQ(v.at("admittedOn").as_string(), "2021-03-01");
    EXPECT_EQ(v.at("funding").as_string(), "lvv");
    EXPECT_EQ(v.at("caseManager").as_string(), "Els de Vries");
    const auto& esc = v.at("escalations").as_array();
    ASSERT_EQ(esc.size(), 2U);
    // The stay's end closes what was still open.
    EXPECT_EQ(esc[1].at("resolvedOn").as_string(), "2021-08-31");
    EXPECT_EQ(esc[1].at("resolution").as_string(), "stay_ended");
    EXPECT_EQ(esc[0].at("resolution").as_string(), "resolved");
    EXPECT_EQ(v.at("person").at("name").as_string(), "Amina A");
    EXPECT_EQ(v.at("version").as_int64(), 16);
    EXPECT_EQ(r.header("etag"), "\"16\"");
    EXPECT_EQ(get("/v1/cases/c-a/events", "regie").header("etag"), "\"16\"");
  }
  // An ended case is no longer housed anywhere: outside every housing organisation's scope.
  EXPECT_TRUE(is_forbidden(get("/v1/cases/c-a", "housing")));
  // And no housing or legal event is accepted after the end.
  EXPECT_TRUE(is_refused(
      post(t, "legal", ev_at("LegalStepRecorded", "2021-09-02T10:00:00Z", R"({"step":"appeal"})")),
      "stay-ended"));
  EXPECT_EQ(case_version("c-a"), 16);
}

// ---------------------------------------------------------------------------------------------
// Domain refusals over HTTP

TEST_F(Roles, DomainRulesRefuseWith409NamingTheRuleAndAppendNothing) {
  struct Refusal {
    std::string role;
    std::string target;
    std::string body;
    std::string rule;
  };
  const std::vector<Refusal> refusals{
      // Rule 5: a bed only for an admitted case (housing is in scope: loc-a is its own).
      {"regie", "/v1/cases/c-reg/events",
       ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-a"})"),
       "bed-when-admitted"},
      {"regie", "/v1/cases/c-a/events",
       ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-a"})"),
       "bed-when-admitted"},
      // Rule 1.
      {"intake", "/v1/cases/c-a/events",
       ev_at("CaseRegistered", "2021-03-05T10:00:00Z", R"({"person":{"name":"Again"}})"),
       "case-registered-first"},
      {"intake", "/v1/cases/c-none/events",
       ev_at("IntakeCompleted", "2021-03-05T10:00:00Z", R"({"eligible":true})"),
       "case-registered-first"},
      // Rule 2.
      {"intake", "/v1/cases/c-a/events",
       ev_at("IntakeCompleted", "2021-03-05T10:00:00Z", R"({"eligible":true})"),
       "intake-when-registered"},
      // Rule 3.
      {"intake", "/v1/cases/c-reg/events",
       ev_at("PlacementDecided", "2021-03-05T10:00:00Z",
             R"({"decision":"admitted","funding":"lvv"})"),
       "placement-after-intake"},
      // Rule 6.
      {"housing", "/v1/cases/c-a/events",
       ev_at("Transferred", "2021-03-05T10:00:00Z", R"({"toLocationId":"loc-a"})"),
       "transfer-same-location"},
      {"regie", "/v1/cases/c-wait/events",
       ev_at("Transferred", "2021-03-05T10:00:00Z", R"({"toLocationId":"loc-a"})"),
       "transfer-when-housed"},
      // Rule 7.
      {"regie", "/v1/cases/c-wait/events",
       ev_at("LivingAllowancePaid", "2021-03-05T10:00:00Z",
             R"({"amountCents":5000,"period":"2021-03"})"),
       "allowance-when-housed"},
      // Rule 8.
      {"legal", "/v1/cases/c-reg/events",
       ev_at("LegalStepRecorded", "2021-03-05T10:00:00Z", R"({"step":"appeal"})"),
       "only-when-active"},
      {"participation", "/v1/cases/c-reg/events",
       ev_at("ParticipationRecorded", "2021-03-05T10:00:00Z",
             R"({"activity":"a","organisation":"o"})"),
       "only-when-active"},
      // Rule 9.
      {"intake", "/v1/cases/c-a/events",
       ev_at("EscalationResolved", "2021-03-05T10:00:00Z",
             R"({"escalationId":"e-none","resolution":"resolved"})"),
       "escalation-not-open"},
      // Rule 10: until must lie after 2022-09-01.
      {"regie", "/v1/cases/c-a/events",
       ev_at("StayExtended", "2021-03-05T10:00:00Z", R"({"until":"2022-09-01","reason":"r"})"),
       "extension-after-limit"},
      {"regie", "/v1/cases/c-wait/events",
       ev_at("StayExtended", "2021-03-05T10:00:00Z", R"({"until":"2023-09-01","reason":"r"})"),
       "extension-when-housed"},
      // Rule 11.
      {"intake", "/v1/cases/c-reg/events",
       ev_at("StayEnded", "2021-03-05T10:00:00Z", R"({"outcome":"other"})"), "end-when-active"},
      // Location rules.
      {"housing", "/v1/locations/loc-a/events", ev_at("LocationClosed", "2021-03-05T10:00:00Z"),
       "location-occupied"},
      {"housing", "/v1/locations/loc-a/events",
       ev_at("LocationCapacityChanged", "2021-03-05T10:00:00Z", R"({"beds":0})"),
       "capacity-below-occupancy"},
      {"housing", "/v1/locations/loc-a/events",
       ev_at("LocationOpened", "2021-03-05T10:00:00Z",
             R"({"name":"A","operator":"org-housing","beds":1})"),
       "location-opened-first"},
      // Business time never goes back within a stream.
      {"legal", "/v1/cases/c-a/events",
       ev_at("LegalStepRecorded", "2021-02-28T10:00:00Z", R"({"step":"appeal"})"),
       "occurred-at-order"},
  };
  const auto before = feed_size();
  for (const auto& r : refusals) {
    EXPECT_TRUE(is_refused(post(r.target, r.role, r.body), r.rule))
        << r.role << " " << r.target << " " << r.body;
  }
  // A housing organisation assigning a bed in a location that does not exist is out of its
  // scope (the location is not one it runs): 403, not a domain refusal.
  EXPECT_TRUE(is_forbidden(
      post("/v1/cases/c-wait/events", "housing",
           ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-gone"})"))));
  // regie is not scoped, so there it is the domain rule.
  EXPECT_TRUE(
      is_refused(post("/v1/cases/c-wait/events", "regie",
                      ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-gone"})")),
                 "location-unknown"));
  EXPECT_EQ(feed_size(), before);
  EXPECT_EQ(case_version("c-a"), 4);
  EXPECT_EQ(case_version("c-reg"), 1);
  EXPECT_EQ(case_version("c-wait"), 3);
  EXPECT_EQ(get("/v1/cases/c-none", "regie").status, 404);
  EXPECT_EQ(get("/v1/locations/loc-a/events", "regie").json().at("events").as_array().size(), 1U);

  // Capacity: loc-a2 has one bed; the first transfer takes it, the next bed there is refused.
  ASSERT_TRUE(
      has_status(post("/v1/cases/c-a/events", "housing",
                      ev_at("Transferred", "2021-03-06T10:00:00Z", R"({"toLocationId":"loc-a2"})")),
                 201));
  EXPECT_TRUE(
      is_refused(post("/v1/cases/c-wait/events", "housing",
                      ev_at("BedAssigned", "2021-03-06T10:00:00Z", R"({"locationId":"loc-a2"})")),
                 "bed-capacity"));
  // Allowance once per period.
  ASSERT_TRUE(has_status(post("/v1/cases/c-a/events", "housing",
                              ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                    R"({"amountCents":5000,"period":"2021-03"})")),
                         201));
  EXPECT_TRUE(is_refused(post("/v1/cases/c-a/events", "housing",
                              ev_at("LivingAllowancePaid", "2021-03-31T11:00:00Z",
                                    R"({"amountCents":5000,"period":"2021-03"})")),
                         "allowance-once-per-period"));
  // Admission needs an eligible intake.
  ASSERT_TRUE(
      has_status(post("/v1/cases/c-reg/events", "intake",
                      ev_at("IntakeCompleted", "2021-03-01T10:00:00Z", R"({"eligible":false})")),
                 201));
  EXPECT_TRUE(is_refused(post("/v1/cases/c-reg/events", "intake",
                              ev_at("PlacementDecided", "2021-03-02T10:00:00Z",
                                    R"({"decision":"admitted","funding":"municipal"})")),
                         "admission-needs-eligibility"));
  EXPECT_EQ(feed_size(), before + 3);
  EXPECT_EQ(case_status("c-wait"), "admitted");
  EXPECT_EQ(case_status("c-reg"), "intake_completed");
}

TEST_F(Roles, ARefusedArrayAppendsNothing) {
  const auto before = feed_size();
  // 409: the second event breaks rule 3 (the intake in the same array is not eligible).
  EXPECT_TRUE(is_refused(
      post(
          "/v1/cases/c-reg/events", "intake",
          R"([{"type":"IntakeCompleted","occurredAt":"2021-03-01T10:00:00Z","data":{"eligible":false}},
                                  {"type":"PlacementDecided","occurredAt":"2021-03-02T10:00:00Z","data":{"decision":"admitted","funding":"lvv"}}])"),
      "admission-needs-eligibility"));
  EXPECT_EQ(case_status("c-reg"), "registered");
  EXPECT_EQ(case_version("c-reg"), 1);

  // 409 on the last of three events: the first transfer already moved the case to loc-a2.
  EXPECT_TRUE(is_refused(
      post(
          "/v1/cases/c-a/events", "regie",
          R"([{"type":"LivingAllowancePaid","occurredAt":"2021-03-31T10:00:00Z","data":{"amountCents":5000,"period":"2021-03"}},
                                  {"type":"Transferred","occurredAt":"2021-04-01T10:00:00Z","data":{"toLocationId":"loc-a2"}},
                                  {"type":"Transferred","occurredAt":"2021-04-02T10:00:00Z","data":{"toLocationId":"loc-a2"}}])"),
      "transfer-same-location"));
  EXPECT_EQ(case_version("c-a"), 4);
  EXPECT_EQ(str_or_null(case_file("c-a").at("locationId")), "loc-a");

  // 403 on the second event: housing may assign a bed in loc-a, not then move the case to loc-b.
  EXPECT_TRUE(is_forbidden(post(
      "/v1/cases/c-wait/events", "housing",
      R"([{"type":"BedAssigned","occurredAt":"2021-03-05T10:00:00Z","data":{"locationId":"loc-a"}},
                                    {"type":"Transferred","occurredAt":"2021-03-06T10:00:00Z","data":{"toLocationId":"loc-b"}}])")));
  EXPECT_EQ(case_status("c-wait"), "admitted");
  EXPECT_EQ(case_version("c-wait"), 3);

  // 403 by role on the second event.
  EXPECT_TRUE(is_forbidden(post(
      "/v1/cases/c-a/events", "intake",
      R"([{"type":"CaseManagerAssigned","occurredAt":"2021-03-05T10:00:00Z","data":{"caseManager":"M","organisation":"ACO"}},
                                    {"type":"LegalStepRecorded","occurredAt":"2021-03-06T10:00:00Z","data":{"step":"appeal"}}])")));
  EXPECT_TRUE(case_file("c-a").at("caseManager").is_null());
  EXPECT_EQ(feed_size(), before);

  // None of the refusals left a trace in the write model: the bed in loc-a2 is still free and
  // loc-a still has its five beds with one taken.
  const auto ok = post(
      "/v1/cases/c-wait/events", "housing",
      R"([{"type":"BedAssigned","occurredAt":"2021-03-05T10:00:00Z","data":{"locationId":"loc-a2"}},
                           {"type":"LivingAllowancePaid","occurredAt":"2021-03-31T10:00:00Z","data":{"amountCents":5000,"period":"2021-03"}}])");
  ASSERT_TRUE(has_status(ok, 201));
  EXPECT_EQ(ok.json().at("version").as_int64(), 5);
  EXPECT_EQ(ok.header("etag"), "\"5\"");
  EXPECT_TRUE(has_status(post("/v1/cases/c-a/events", "regie",
                              ev_at("LivingAllowancePaid", "2021-03-31T10:00:00Z",
                                    R"({"amountCents":5000,"period":"2021-03"})")),
                         201));
  EXPECT_EQ(feed_size(), before + 3);
}

}  // namespace
}  // namespace perspectief::testing
