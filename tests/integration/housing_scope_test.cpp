// A housing organisation's scope at the edges: what an out-of-scope append answers (the same
// 403 whatever its If-Match, so the stream's version does not leak), and which case ids it
// sees in the read models that list cases (only the cases waiting for a bed or housed in its
// own locations).

#include <string>
#include <vector>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using Ids = std::vector<std::string>;

// The caseId of every entry of the list `member` in the answer.
Ids case_ids(const HttpResult& r, const char* member) {
  Ids out;
  const auto v = r.json();
  if (!v.is_object() || !v.as_object().contains(member))
    return {"<no " + std::string{member} + ">"};
  for (const auto& e : v.at(member).as_array()) out.emplace_back(e.at("caseId").as_string());
  return out;
}

// Two housing organisations: "org-housing" (t-housing) runs loc-a, "org-other" (t-housing2)
// runs loc-b. c-a is housed in loc-a, c-b in loc-b (both since 2021-03-01, each with an open
// escalation), c-wait is admitted and waits for a bed, c-reg is only registered.
class HousingScope : public ServerTest {
 protected:
  void SetUp() override {
    tokens_ = write_tokens_file(
        dir_.str(),
        {R"({"token":"t-housing2","subject":"h2","organisation":"org-other","role":"housing"})"});
    start();
    ASSERT_NO_FATAL_FAILURE(seed());
  }

  HttpResult get2(const std::string& target) { return client_->get(target, "t-housing2"); }

  void ok(const HttpResult& r) { ASSERT_EQ(r.status, 201) << r.body; }

  void admit(const std::string& id) {
    const std::string target = "/v1/cases/" + id + "/events";
    ok(post(target, "intake",
            ev_at("CaseRegistered", "2021-02-01T10:00:00Z", R"({"person":{"name":"P Q"}})")));
    ok(post(target, "intake",
            ev_at("IntakeCompleted", "2021-02-10T10:00:00Z", R"({"eligible":true})")));
    ok(post(target, "intake",
            ev_at("PlacementDecided", "2021-02-20T10:00:00Z",
                  R"({"decision":"admitted","funding":"lvv"})")));
  }

  void seed() {
    ok(post("/v1/programme/events", "regie",
            ev_at("ProgrammeCapacitySet", "2021-01-01T00:00:00Z",
                  R"({"places":10,"lvvPlaces":8,"maxStayMonths":18})")));
    ok(post("/v1/locations/loc-a/events", "housing",
            ev_at("LocationOpened", "2021-01-02T09:00:00Z",
                  R"({"name":"Locatie A","operator":"org-housing","beds":5})")));
    ok(client_->post("/v1/locations/loc-b/events", "t-housing2",
                     ev_at("LocationOpened", "2021-01-02T09:00:00Z",
                           R"({"name":"Locatie B","operator":"org-other","beds":5})")));
    ok(client_->post("/v1/locations/loc-b/events", "t-housing2",
                     ev_at("LocationCapacityChanged", "2021-01-03T09:00:00Z", R"({"beds":6})")));
    for (const char* id : {"c-a", "c-b", "c-wait"}) ASSERT_NO_FATAL_FAILURE(admit(id));
    ok(post("/v1/cases/c-a/events", "housing",
            ev_at("BedAssigned", "2021-03-01T10:00:00Z", R"({"locationId":"loc-a"})")));
    ok(client_->post("/v1/cases/c-b/events", "t-housing2",
                     ev_at("BedAssigned", "2021-03-01T10:00:00Z", R"({"locationId":"loc-b"})")));
    for (const char* id : {"c-a", "c-b"}) {
      ok(post(std::string{"/v1/cases/"} + id + "/events", "intake",
              ev_at("EscalationRaised", "2021-04-01T10:00:00Z",
                    R"({"escalationId":"e-1","reason":"non_cooperation","level":"warning"})")));
    }
    ok(post("/v1/cases/c-reg/events", "intake",
            ev_at("CaseRegistered", "2021-02-01T10:00:00Z", R"({"person":{"name":"R S"}})")));
  }
};

// An append outside housing's scope is refused before the store looks at If-Match: the 403
// is byte for byte the same with a right, a wrong or no If-Match, and tells no version.
TEST_F(HousingScope, AnOutOfScopeAppendGetsTheSame403WhateverItsIfMatch) {
  struct Target {
    std::string path;
    std::string body;
    std::string version;  // the stream's version now
  };
  const std::vector<Target> targets{
      // c-b: housed at org-other's location (version 5); c-reg: registered only (version 1).
      {"/v1/cases/c-b/events",
       ev_at("LivingAllowancePaid", "2021-03-05T10:00:00Z",
             R"({"amountCents":5000,"period":"2021-03"})"),
       "5"},
      {"/v1/cases/c-reg/events",
       ev_at("BedAssigned", "2021-03-05T10:00:00Z", R"({"locationId":"loc-a"})"), "1"},
      // loc-b: run by org-other (version 2).
      {"/v1/locations/loc-b/events",
       ev_at("NeighbourhoodContactRecorded", "2021-03-05T10:00:00Z", R"({"kind":"meeting"})"), "2"},
  };
  for (const auto& t : targets) {
    const auto plain = post(t.path, "housing", t.body);
    ASSERT_EQ(plain.status, 403) << t.path << ": " << plain.body;
    EXPECT_EQ(plain.body.find("version"), std::string::npos) << plain.body;
    for (const std::string& if_match : {std::string{"\"1\""}, std::string{"\"0\""},
                                        "\"" + t.version + "\"", std::string{"W/\"x\""}}) {
      const auto with = post(t.path, "housing", t.body, {{"If-Match", if_match}});
      EXPECT_EQ(with.status, 403) << t.path << " If-Match " << if_match << ": " << with.body;
      EXPECT_EQ(with.body, plain.body) << t.path << " If-Match " << if_match;
    }
  }
  // In scope, If-Match is checked as before: 412 with the version.
  const auto mismatch = post("/v1/cases/c-a/events", "housing",
                             ev_at("LivingAllowancePaid", "2021-03-05T10:00:00Z",
                                   R"({"amountCents":5000,"period":"2021-03"})"),
                             {{"If-Match", "\"1\""}});
  EXPECT_EQ(mismatch.status, 412) << mismatch.body;
  EXPECT_EQ(mismatch.json().at("detail").as_string(), "expected stream version 1, but it is 5");
  // Nothing was appended by the refused requests.
  EXPECT_EQ(get("/v1/cases/c-b", "regie").json().at("version").as_int64(), 5);
  EXPECT_EQ(get("/v1/cases/c-reg", "regie").json().at("version").as_int64(), 1);
}

// Every read model housing may read that lists cases shows only the cases in its scope;
// the ones that list none (occupancy) and the totals stay programme-wide.
TEST_F(HousingScope, EachOrganisationSeesOnlyItsOwnCasesInTheReadModels) {
  // Stay alerts: both stays are 15 months old on 2022-06-01 (warning).
  const std::string alerts = "/v1/alerts/stay-duration?asOf=2022-06-01";
  EXPECT_EQ(case_ids(get(alerts, "regie"), "alerts"), (Ids{"c-a", "c-b"}));
  EXPECT_EQ(case_ids(get(alerts, "housing"), "alerts"), (Ids{"c-a"}));
  EXPECT_EQ(case_ids(get2(alerts), "alerts"), (Ids{"c-b"}));
  const auto own = get(alerts, "housing").json().at("alerts").at(0);
  EXPECT_EQ(own.at("locationId").as_string(), "loc-a");
  EXPECT_EQ(own.at("level").as_string(), "warning");

  // The case list (case files): the waiting case and its own residents.
  EXPECT_EQ(case_ids(get("/v1/cases", "housing"), "cases"), (Ids{"c-a", "c-wait"}));
  EXPECT_EQ(case_ids(get2("/v1/cases"), "cases"), (Ids{"c-b", "c-wait"}));

  // Escalations list case ids too: not a read model for housing.
  EXPECT_EQ(case_ids(get("/v1/escalations?asOf=2021-05-01", "regie"), "escalations"),
            (Ids{"c-a", "c-b"}));
  EXPECT_EQ(get("/v1/escalations?asOf=2021-05-01", "housing").status, 403);
  EXPECT_EQ(get2("/v1/escalations?asOf=2021-05-01").status, 403);

  // Occupancy lists no case: the same programme-wide answer for both organisations.
  const std::string query = "/v1/occupancy?asOf=2022-06-01";
  const auto occupancy = get(query, "housing");
  ASSERT_EQ(occupancy.status, 200);
  EXPECT_EQ(occupancy.body.find("caseId"), std::string::npos);
  auto mine = occupancy.json().as_object();
  auto theirs = get2(query).json().as_object();
  mine.erase("knownAt");  // the time of each request
  theirs.erase("knownAt");
  EXPECT_EQ(mine, theirs);
  EXPECT_EQ(occupancy.json().at("programme").at("occupied").as_int64(), 2);
  EXPECT_EQ(occupancy.json().at("waitingForBed").as_int64(), 1);
}

}  // namespace
}  // namespace perspectief::testing
