// Replaying the log offline gives exactly what the live service answers: for generated
// histories (three seeds), every read model over HTTP equals `perspectief replay` on the
// store and on its JSON Lines export, as known after the whole log and as known when the
// 3,000th event was recorded.
#include <chrono>
#include <fstream>

#include <boost/json/parse.hpp>

#include "domain/time.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

struct Query {
  std::string model;   // perspectief replay --read-model
  std::string route;   // the API route
  std::string params;  // the same parameters, as a query string
  std::string flags;   // ... and as flags
};

std::string days_ago(int n) {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return format_date(day_of(now) - n);
}

class ReplayEqualsLive : public ::testing::TestWithParam<int> {
 protected:
  TempDir dir_;
};

TEST_P(ReplayEqualsLive, EveryReadModel) {
  const int seed = GetParam();
  const std::string data = dir_.sub("data");
  const auto demo = run_command(tool() + " demo --data-dir " + data +
                                " --cases 400 --years 2 --seed " + std::to_string(seed));
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  ASSERT_NE(demo.output.find(", 0 refused"), std::string::npos) << demo.output;

  const std::string as_of = days_ago(40);
  const std::string from = days_ago(400);
  const std::string to = days_ago(10);
  const std::vector<Query> queries{
      {"occupancy", "/v1/occupancy", "asOf=" + as_of, "--as-of " + as_of},
      {"occupancy", "/v1/occupancy", "asOf=" + as_of + "T12:00:00Z",
       "--as-of " + as_of + "T12:00:00Z"},
      {"utilisation", "/v1/utilisation", "from=" + from + "&to=" + to,
       "--from " + from + " --to " + to},
      {"alerts", "/v1/alerts/stay-duration", "asOf=" + as_of, "--as-of " + as_of},
      {"outcomes", "/v1/outcomes", "from=" + from + "&to=" + to, "--from " + from + " --to " + to},
      {"caseload", "/v1/caseload", "asOf=" + as_of, "--as-of " + as_of},
      {"escalations", "/v1/escalations", "asOf=" + as_of + "&status=all",
       "--as-of " + as_of + " --status all"},
      {"intake-funnel", "/v1/intake-funnel", "from=" + from + "&to=" + to,
       "--from " + from + " --to " + to},
      {"perspective", "/v1/perspective",
       "asOf=" + as_of + "&admittedFrom=" + from + "&admittedTo=" + to,
       "--as-of " + as_of + " --admitted-from " + from + " --admitted-to " + to},
      {"participation", "/v1/participation", "from=" + from + "&to=" + to,
       "--from " + from + " --to " + to},
      {"monthly-report", "/v1/reports/monthly", "month=" + as_of.substr(0, 7),
       "--month " + as_of.substr(0, 7)},
      {"series", "/v1/series", "from=" + from.substr(0, 7) + "&to=" + to.substr(0, 7),
       "--from " + from.substr(0, 7) + " --to " + to.substr(0, 7)},
      {"returns", "/v1/returns", "from=" + from + "&to=" + to, "--from " + from + " --to " + to},
      {"data-quality", "/v1/data-quality", "asOf=" + as_of, "--as-of " + as_of},
  };

  // Before the server starts: an export with personal data takes the store's lock.
  const auto exported =
      run_command(tool() + " export --data-dir " + data + " > " + dir_.sub("log.jsonl"));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const auto pseudonymised = run_command(tool() + " export --pseudonymise --data-dir " + data +
                                         " > " + dir_.sub("research.jsonl"));
  ASSERT_EQ(pseudonymised.exit_code, 0) << pseudonymised.output;
  // Two knownAt: the recordedAt of the 3,000th event (the log as known then, a prefix the
  // server cuts by position and replay by recordedAt) and a time after the whole log.
  std::string known_mid;
  {
    std::ifstream log(dir_.sub("log.jsonl"));
    std::string line;
    for (int i = 0; i < 3000 && std::getline(log, line); ++i) {
    }
    known_mid = std::string{boost::json::parse(line).at("recordedAt").as_string()};
  }
  const std::string known_end =
      format_rfc3339(std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  const std::string tokens = write_tokens_file(dir_.str());
  ServerProcess server(tokens, data);
  HttpClient client(server.port());

  std::uint64_t mid_position = 0;
  std::uint64_t end_position = 0;
  for (const std::string& known : {known_mid, known_end}) {
    for (const auto& q : queries) {
      const std::string params = q.params + "&knownAt=" + known;
      const std::string flags = q.flags + " --known-at " + known;
      const auto live = client.get(q.route + "?" + params, "t-regie");
      ASSERT_EQ(live.status, 200) << q.route << " " << live.body << "\n" << server.stderr_text();
      const auto from_store = run_command(
          tool() + " replay --data-dir " + data + " --read-model " + q.model + " " + flags, false);
      const auto from_file = run_command(tool() + " replay --events " + dir_.sub("log.jsonl") +
                                             " --read-model " + q.model + " " + flags,
                                         false);
      EXPECT_EQ(from_store.exit_code, 0);
      EXPECT_EQ(from_store.output, live.body + "\n") << q.model << " " << params;
      EXPECT_EQ(from_file.output, live.body + "\n") << q.model << " " << params;
      if (q.model == "returns") {
        // Pseudonymised, a return still names its earlier case (by the same pseudonym).
        const auto research =
            run_command(tool() + " replay --events " + dir_.sub("research.jsonl") +
                            " --read-model " + q.model + " " + flags,
                        false);
        EXPECT_EQ(research.output, live.body + "\n") << params;
      }
      const auto body = live.json();
      EXPECT_EQ(body.at("knownAt").as_string(), known) << live.body;
      (known == known_mid ? mid_position : end_position) =
          body.at("position").to_number<std::uint64_t>();
    }
  }
  // The 3,000th event and those committed with it (same recordedAt), not the whole log.
  EXPECT_GE(mid_position, 3000U);
  EXPECT_LT(mid_position, end_position);
  // The demo programme is busy: the figures are not trivially empty.
  const auto occupancy = client.get("/v1/occupancy?asOf=" + as_of, "t-regie").json();
  EXPECT_GT(occupancy.at("programme").at("occupied").as_int64(), 0);
  // The report counts the alerts and open escalations at the month's end as those read
  // models list them.
  const auto report =
      client.get("/v1/reports/monthly?month=" + as_of.substr(0, 7), "t-regie").json();
  const std::string month_end{report.at("asOf").as_string()};
  const auto alerts = client.get("/v1/alerts/stay-duration?asOf=" + month_end, "t-regie").json();
  boost::json::object alert_levels{{"review", 0}, {"warning", 0}, {"final", 0}, {"exceeded", 0}};
  for (const auto& a : alerts.at("alerts").as_array()) {
    alert_levels[a.at("level").as_string()].as_int64() += 1;
  }
  EXPECT_EQ(report.at("stayAlerts"), alert_levels);
  EXPECT_GT(alerts.at("alerts").as_array().size(), 0U);
  const auto open = client.get("/v1/escalations?status=open&asOf=" + month_end, "t-regie").json();
  boost::json::object escalation_levels{
      {"warning", 0}, {"final_warning", 0}, {"termination_proposed", 0}};
  for (const auto& e : open.at("escalations").as_array()) {
    escalation_levels[e.at("level").as_string()].as_int64() += 1;
  }
  EXPECT_EQ(report.at("openEscalations"), escalation_levels);
  // ... and some people come back.
  const auto returns = client.get("/v1/returns?from=" + from + "&to=" + to, "t-regie").json();
  EXPECT_GT(returns.at("no_solution").at("returnedWithin24Months").as_int64(), 0)
      << boost::json::serialize(returns);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ReplayEqualsLive, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace perspectief::testing

namespace perspectief::testing {
namespace {

// `perspectief demo --uuid-ids`: the same history, its case ids UUIDs.
TEST(DemoUuidIds, TheSameHistoryWithUuidCaseIds) {
  TempDir dir;
  std::map<std::string, std::string> figures;  // ids -> the outcomes and funnel, without times
  for (const std::string ids : {"short", "uuid"}) {
    const std::string data = dir.sub(ids + "/data");
    const auto demo =
        run_command(tool() + " demo --data-dir " + data + " --cases 150 --years 1 --seed 7" +
                    (ids == "uuid" ? " --uuid-ids" : ""));
    ASSERT_EQ(demo.exit_code, 0) << demo.output;
    for (const char* model : {"outcomes", "intake-funnel"}) {
      const auto r = run_command(tool() + " replay --data-dir " + data + " --read-model " + model +
                                 " --from " + days_ago(400) + " --to " + days_ago(1));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      auto o = boost::json::parse(r.output).as_object();
      o.erase("asOf");
      o.erase("knownAt");
      figures[ids] += boost::json::serialize(o);
    }
    const auto log = run_command(tool() + " export --data-dir " + data + " | head -n 30");
    ASSERT_EQ(log.exit_code, 0) << log.output;
    const std::string key = R"("stream":"case-)";
    const auto at = log.output.find(key);
    ASSERT_NE(at, std::string::npos) << log.output;
    const auto start = at + key.size();
    const std::string id = log.output.substr(start, log.output.find('"', start) - start);
    if (ids == "uuid") {
      EXPECT_EQ(id.size(), 36U) << id;
      EXPECT_EQ(id[8], '-');
      EXPECT_EQ(id[14], '4') << id;  // version 4
    } else {
      EXPECT_EQ(id.rfind("demo-", 0), 0U) << id;
    }
  }
  EXPECT_EQ(figures["short"], figures["uuid"]);
  EXPECT_NE(figures["short"].find("\"total\""), std::string::npos) << figures["short"];
}

}  // namespace
}  // namespace perspectief::testing
