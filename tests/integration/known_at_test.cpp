// Known-at reads over the real server (spec/evaluation.md, "Known-at"): October is recorded,
// its figures are read as known then, late entries for October follow (a back-dated
// StayEnded, a back-dated BedAssigned of a new case), and the same reads with the old knownAt
// give the same bytes while the current ones changed by exactly those entries.
#include <chrono>
#include <string>
#include <thread>

#include "domain/time.hpp"
#include "eventstore/sha256.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

namespace json = boost::json;

class KnownAt : public ServerTest {
 protected:
  void ok(const HttpResult& r) { ASSERT_EQ(r.status, 201) << r.body; }

  // Registered, intake, admitted (lvv) on `day` of October 2026, housed in l1 two days later.
  void housed(const std::string& id, int day) {
    const std::string d = "2026-10-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
    const std::string bed_day =
        "2026-10-" + std::string(day + 2 < 10 ? "0" : "") + std::to_string(day + 2);
    ok(post("/v1/cases/" + id + "/events", "intake",
            "[" + ev_at("CaseRegistered", d + "T09:00:00Z", R"({"person":{"name":"N"}})") + "," +
                ev_at("IntakeCompleted", d + "T10:00:00Z", R"({"eligible":true})") + "," +
                ev_at("PlacementDecided", d + "T11:00:00Z",
                      R"({"decision":"admitted","funding":"lvv"})") +
                "]"));
    ok(post("/v1/cases/" + id + "/events", "housing",
            ev_at("BedAssigned", bed_day + "T12:00:00Z", R"({"locationId":"l1"})")));
  }

  // A location opened in September; c-1, c-2 and c-3 admitted on 1, 3 and 5 October and
  // housed two days later; c-1's stay ended on 20 October (14 events). Returns a knownAt
  // after all of it and before anything recorded next.
  std::string record_october() {
    ok(post("/v1/locations/l1/events", "housing",
            ev_at("LocationOpened", "2026-09-01T09:00:00Z",
                  R"({"name":"L","operator":"org-housing","beds":10})")));
    housed("c-1", 1);
    housed("c-2", 3);
    housed("c-3", 5);
    ok(post("/v1/cases/c-1/events", "intake",
            ev_at("StayEnded", "2026-10-20T10:00:00Z", R"({"outcome":"independent_return"})")));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const std::string known = now_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return known;
  }

  static std::string now_text() {
    return format_rfc3339(std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  }
};

constexpr const char* kMonth = "from=2026-10-01&to=2026-10-31&asOf=2026-10-31T23:59:59Z";

TEST_F(KnownAt, ReadsWithAnEarlierKnownAtIgnoreLateEntries) {
  const std::string known = record_october();  // October as reported

  const std::vector<std::string> reads{std::string{"/v1/outcomes?"} + kMonth,
                                       std::string{"/v1/utilisation?"} + kMonth,
                                       std::string{"/v1/intake-funnel?"} + kMonth,
                                       "/v1/occupancy?asOf=2026-10-31T23:59:59Z",
                                       "/v1/alerts/stay-duration?asOf=2026-10-31T23:59:59Z",
                                       "/v1/escalations?asOf=2026-10-31T23:59:59Z&status=all",
                                       "/v1/caseload?asOf=2026-10-31T23:59:59Z"};
  std::vector<std::string> reported;
  for (const auto& r : reads) {
    const auto got = get(r + "&knownAt=" + known, "regie");
    ASSERT_EQ(got.status, 200) << r << ": " << got.body;
    EXPECT_EQ(got.json().at("knownAt").as_string(), known);
    EXPECT_EQ(got.json().at("position"), 14) << r;  // 1 location, 3 x 4 case events, 1 end
    reported.push_back(got.body);
  }

  // Late entries for October: c-2 left on the 25th, c-4 came in and got a bed on the 28th.
  ok(post("/v1/cases/c-2/events", "intake",
          ev_at("StayEnded", "2026-10-25T10:00:00Z", R"({"outcome":"left_unknown"})")));
  housed("c-4", 26);

  for (std::size_t i = 0; i < reads.size(); ++i) {
    const auto again = get(reads[i] + "&knownAt=" + known, "regie");
    EXPECT_EQ(again.body, reported[i]) << reads[i];  // byte for byte
  }
  // Eight other knownAt push this one out of the server's cache: folded afresh, the same.
  for (int day = 1; day <= 8; ++day) {
    ASSERT_EQ(get("/v1/occupancy?knownAt=2026-01-0" + std::to_string(day), "regie").status, 200);
  }
  EXPECT_EQ(get(reads[0] + "&knownAt=" + known, "regie").body, reported[0]);

  // Now: changed by exactly the late entries.
  const auto before = json::parse(reported[0]).as_object();  // outcomes
  const auto after = get(reads[0], "regie").json().as_object();
  EXPECT_EQ(after.at("position"), 19);
  EXPECT_EQ(before.at("total"), 1) << reported[0];
  EXPECT_EQ(after.at("total"), 2);
  EXPECT_EQ(before.at("byClass").at("no_solution"), 0);
  EXPECT_EQ(after.at("byClass").at("no_solution"), 1);
  EXPECT_EQ(after.at("byClass").at("durable"), before.at("byClass").at("durable"));

  const auto funnel_before = json::parse(reported[2]).as_object();
  const auto funnel_after = get(reads[2], "regie").json().as_object();
  EXPECT_EQ(funnel_before.at("registered"), 3);
  EXPECT_EQ(funnel_after.at("registered"), 4);
  EXPECT_EQ(funnel_after.at("admitted"), 4);

  // Bed nights: c-2 is not housed at the end of 25-31 October (7 fewer), c-4 is at the end of
  // 28-31 October (4 more).
  const auto nights = [](const json::object& o) {
    return o.at("programme").at("bedNights").to_number<std::int64_t>();
  };
  const auto use_before = json::parse(reported[1]).as_object();
  const auto use_after = get(reads[1], "regie").json().as_object();
  EXPECT_EQ(nights(use_after) - nights(use_before), -7 + 4) << reported[1];

  const auto occupancy_before = json::parse(reported[3]).as_object();
  const auto occupancy_after = get(reads[3], "regie").json().as_object();
  EXPECT_EQ(occupancy_before.at("programme").at("occupied"), 2);  // c-2 and c-3
  EXPECT_EQ(occupancy_after.at("programme").at("occupied"), 2);   // c-3 and c-4
  EXPECT_NE(occupancy_after.at("knownAt").as_string(), known);    // now
}

TEST_F(KnownAt, TheMonthlyReportOfASettledKnownAtIsImmutableAndSignedByItsDigest) {
  const std::string known = record_october();  // October as reported
  const std::string october = "/v1/reports/monthly?month=2026-10";

  const auto reported = get(october + "&knownAt=" + known, "regie");
  ASSERT_EQ(reported.status, 200) << reported.body;
  auto report = reported.json().as_object();
  const std::string digest{report.at("digest").as_string()};
  EXPECT_EQ(reported.header("etag"), "\"" + digest + "\"");
  // Nothing was recorded after knownAt yet: the report may still change (an event committed
  // meanwhile with an earlier recordedAt), so it is not to be cached.
  EXPECT_EQ(reported.header("cache-control"), "no-store");
  // The SHA-256 of the body as served without its last member, the digest.
  const std::string tail = R"(,"digest":")" + digest + "\"}";
  ASSERT_TRUE(reported.body.ends_with(tail)) << reported.body;
  EXPECT_EQ(digest,
            to_hex(sha256(reported.body.substr(0, reported.body.size() - tail.size()) + "}")));
  EXPECT_EQ(report.at("month"), "2026-10");
  EXPECT_EQ(report.at("from"), "2026-10-01");
  EXPECT_EQ(report.at("to"), "2026-10-31");
  EXPECT_EQ(report.at("asOf"), "2026-10-31T23:59:59Z");
  EXPECT_EQ(report.at("position"), 14);
  EXPECT_EQ(report.at("activeAtStart"), 0);
  EXPECT_EQ(report.at("activeAtEnd"), 2);  // c-2 and c-3
  EXPECT_EQ(report.at("inflow"), 3);       // first beds on 3, 5 and 7 October
  EXPECT_EQ(report.at("outflow"), 1);      // c-1
  EXPECT_EQ(report.at("outcomes").at("byClass").at("durable"), 1);
  EXPECT_EQ(report.at("occupancy").at("programme").at("occupied"), 2);
  EXPECT_EQ(report.at("intakeFunnel").at("registered"), 3);
  EXPECT_EQ(report.at("stayAlerts"),
            (json::object{{"review", 0}, {"warning", 0}, {"final", 0}, {"exceeded", 0}}));
  EXPECT_EQ(report.at("openEscalations"),
            (json::object{{"warning", 0}, {"final_warning", 0}, {"termination_proposed", 0}}));
  EXPECT_EQ(reported.body.find("c-1"), std::string::npos);  // no case ids
  EXPECT_EQ(get(october + "&knownAt=" + known, "researcher").body, reported.body);

  ok(post("/v1/cases/c-2/events", "intake",
          ev_at("StayEnded", "2026-10-25T10:00:00Z", R"({"outcome":"left_unknown"})")));
  housed("c-4", 26);
  const auto again = get(october + "&knownAt=" + known, "regie");
  EXPECT_EQ(again.body, reported.body);  // byte for byte
  EXPECT_EQ(again.header("etag"), reported.header("etag"));
  // Events recorded after knownAt are folded: the report is final.
  EXPECT_EQ(again.header("cache-control"), "private, max-age=31536000, immutable");
  const auto now = get(october, "regie");
  ASSERT_EQ(now.status, 200);
  EXPECT_EQ(now.header("cache-control"), "no-store");
  const auto current = now.json();
  EXPECT_NE(current.at("digest").as_string(), digest);
  EXPECT_EQ(current.at("position"), 19);
  EXPECT_EQ(current.at("inflow"), 4);       // and c-4 on 28 October
  EXPECT_EQ(current.at("outflow"), 2);      // and c-2
  EXPECT_EQ(current.at("activeAtEnd"), 2);  // c-3 and c-4
  // Read a third time (from the events up to the cut alone, kept since the second read).
  EXPECT_EQ(get(october + "&knownAt=" + known, "regie").body, reported.body);

  // The same bytes on a restored backup (spec/evaluation.md: any server holding the same log).
  const auto backup = run_command(tool() + " backup --data-dir " + dir_.sub("data") + " --to " +
                                  dir_.sub("backup"));
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  const auto restore = run_command(tool() + " restore --from " + dir_.sub("backup") +
                                   " --data-dir " + dir_.sub("restored"));
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  {
    ServerProcess second(tokens_, dir_.sub("restored"));
    HttpClient c(second.port());
    const auto there = c.get(october + "&knownAt=" + known, "t-regie");
    EXPECT_EQ(there.body, reported.body);
    EXPECT_EQ(there.header("etag"), reported.header("etag"));
    EXPECT_EQ(there.header("cache-control"), "private, max-age=31536000, immutable");
  }

  const auto missing = get("/v1/reports/monthly", "regie");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json().at("errors").at(0).at("field"), "month");
  EXPECT_EQ(get("/v1/reports/monthly?month=2026-13", "regie").status, 400);
  EXPECT_EQ(get("/v1/reports/monthly?month=2026-10&asOf=2026-10-01", "regie").status, 400);
  EXPECT_EQ(get(october, "intake").status, 403);
  EXPECT_EQ(get(october, "housing").status, 403);
}

json::object month(const std::string& m, int active, int occupied, int inflow, int outflow,
                   json::object by_class, json::value median, int registered, int admitted) {
  return {{"month", m},
          {"activeAtEnd", active},
          {"occupiedAtEnd", occupied},
          {"inflow", inflow},
          {"outflow", outflow},
          {"outflowByClass", std::move(by_class)},
          {"medianStayDaysOfOutflow", std::move(median)},
          {"registered", registered},
          {"admitted", admitted}};
}

json::object classes(int durable, int no_solution) {
  return {{"durable", durable}, {"semi_durable", 0}, {"no_solution", no_solution}, {"other", 0}};
}

TEST_F(KnownAt, TheSeriesCountsEachMonthAndIgnoresLateEntriesAtAnEarlierKnownAt) {
  const std::string known = record_october();  // October as reported
  const std::string query = "/v1/series?from=2026-09&to=2026-11";
  const auto before = get(query + "&knownAt=" + known, "regie");
  ASSERT_EQ(before.status, 200) << before.body;
  const json::array expected_before{month("2026-09", 0, 0, 0, 0, classes(0, 0), nullptr, 0, 0),
                                    // c-1 stayed 20 - 3 = 17 days
                                    month("2026-10", 2, 2, 3, 1, classes(1, 0), 17, 3, 3),
                                    month("2026-11", 2, 2, 0, 0, classes(0, 0), nullptr, 0, 0)};
  EXPECT_EQ(before.json().at("months"), expected_before) << before.body;
  EXPECT_EQ(before.json().at("from"), "2026-09");
  EXPECT_EQ(before.json().at("to"), "2026-11");

  ok(post("/v1/cases/c-2/events", "intake",
          ev_at("StayEnded", "2026-10-25T10:00:00Z", R"({"outcome":"left_unknown"})")));
  housed("c-4", 26);  // bed 28 October
  EXPECT_EQ(get(query + "&knownAt=" + known, "regie").body, before.body);
  const auto after = get(query, "regie");
  ASSERT_EQ(after.status, 200) << after.body;
  const json::array expected_after{month("2026-09", 0, 0, 0, 0, classes(0, 0), nullptr, 0, 0),
                                   // c-2 stayed 25 - 5 = 20 days: the median of 17 and 20
                                   month("2026-10", 2, 2, 4, 2, classes(1, 1), 18.5, 4, 4),
                                   month("2026-11", 2, 2, 0, 0, classes(0, 0), nullptr, 0, 0)};
  EXPECT_EQ(after.json().at("months"), expected_after) << after.body;

  EXPECT_EQ(get("/v1/series?from=2026-11&to=2026-09", "regie").status, 400);
  EXPECT_EQ(get("/v1/series?from=2016-01&to=2026-12", "regie").status, 400);  // 132 months
  EXPECT_EQ(get("/v1/series?from=2026-9", "regie").status, 400);
  EXPECT_EQ(get("/v1/series?from=2017-01&to=2026-12", "regie").status, 200);  // 120 months
  const auto defaults = get("/v1/series", "researcher");
  ASSERT_EQ(defaults.status, 200);
  EXPECT_EQ(defaults.json().at("months").as_array().size(), 24U);
  EXPECT_EQ(get(query, "intake").status, 403);
}

TEST_F(KnownAt, BeforeTheFirstEventNothingIsKnownAndABadKnownAtIs400) {
  const std::string before = now_text();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ok(post("/v1/locations/l1/events", "housing",
          ev_at("LocationOpened", "2026-09-01T09:00:00Z",
                R"({"name":"L","operator":"org-housing","beds":10})")));
  housed("c-1", 1);
  const auto nothing = get("/v1/occupancy?asOf=2026-10-31&knownAt=" + before, "regie").json();
  EXPECT_EQ(nothing.at("position"), 0);
  EXPECT_EQ(nothing.at("locations").as_array().size(), 0U);
  EXPECT_EQ(nothing.at("programme").at("occupied"), 0);
  const auto all = get("/v1/occupancy?asOf=2026-10-31&knownAt=2100-01-01", "regie").json();
  EXPECT_EQ(all.at("position"), 5);
  EXPECT_EQ(all.at("programme").at("occupied"), 1);
  EXPECT_NE(all.at("knownAt"), "2100-01-01T23:59:59Z");  // never later than now
  const auto bad = get("/v1/occupancy?knownAt=yesterday", "regie");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("detail"), "bad query parameter knownAt") << bad.body;
  EXPECT_EQ(bad.json().at("errors").at(0).at("field"), "knownAt");
}

}  // namespace
}  // namespace perspectief::testing
