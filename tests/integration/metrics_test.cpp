// GET /metrics: Prometheus text for ops and regie only, the metric names of
// spec/operations.md, route templates as labels, and no case id or personal data anywhere.
#include <ctime>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

using MetricsEndpoint = ServerTest;

std::string sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "missing";
  const auto start = at + series.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

TEST_F(MetricsEndpoint, ServesTheSpecNamesWithoutPersonalData) {
  ASSERT_EQ(
      post("/v1/locations/l1/events", "regie",
           R"({"type":"LocationOpened","data":{"name":"L","operator":"org-housing","beds":4}})")
          .status,
      201);
  ASSERT_EQ(
      post(
          "/v1/cases/geheim-case-9/events", "intake",
          R"([{"type":"CaseRegistered","data":{"person":{"name":"Zeldzame Naam"}}},{"type":"IntakeCompleted","data":{"eligible":true}},
                     {"type":"PlacementDecided","data":{"decision":"admitted","funding":"municipal"}}])")
          .status,
      201);
  ASSERT_EQ(post("/v1/cases/geheim-case-9/events", "housing",
                 R"({"type":"BedAssigned","data":{"locationId":"l1"}})")
                .status,
            201);
  ASSERT_EQ(
      post(
          "/v1/cases/geheim-case-9/events", "housing",
          R"({"type":"EscalationRaised","data":{"escalationId":"e1","reason":"house_rules","level":"warning"}})")
          .status,
      201);
  ASSERT_EQ(get("/v1/cases/geheim-case-9", "intake").status, 200);

  for (const char* role : {"intake", "housing", "legal", "return", "participation", "researcher"}) {
    EXPECT_EQ(get("/metrics", role).status, 403) << role;
  }
  EXPECT_EQ(client_->get("/metrics", "").status, 401);
  const auto regie = get("/metrics", "regie");
  EXPECT_EQ(regie.status, 200);
  const auto r = get("/metrics", "ops");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  for (const char* name :
       {"perspectief_events_appended_total", "perspectief_append_batch_events",
        "perspectief_append_duration_seconds", "perspectief_http_requests_total",
        "perspectief_http_request_duration_seconds", "perspectief_store_last_position",
        "perspectief_projection_position", "perspectief_places", "perspectief_location_beds",
        "perspectief_stay_alerts", "perspectief_open_escalations"}) {
    EXPECT_NE(m.find("# TYPE " + std::string{name} + " "), std::string::npos) << name;
  }
  EXPECT_EQ(sample(m, R"(perspectief_events_appended_total{type="CaseRegistered"})"), "1");
  EXPECT_EQ(sample(m, R"(perspectief_events_appended_total{type="BedAssigned"})"), "1");
  EXPECT_EQ(sample(m, "perspectief_store_last_position"), "6");
  EXPECT_EQ(sample(m, R"(perspectief_projection_position{projection="history"})"), "6");
  EXPECT_EQ(sample(m, R"(perspectief_places{funding="municipal",state="occupied"})"), "1");
  EXPECT_EQ(sample(m, R"(perspectief_places{funding="total",state="capacity"})"), "500");
  EXPECT_EQ(sample(m, R"(perspectief_location_beds{location="l1",state="capacity"})"), "4");
  EXPECT_EQ(sample(m, R"(perspectief_location_beds{location="l1",state="occupied"})"), "1");
  EXPECT_EQ(sample(m, "perspectief_open_escalations"), "1");
  EXPECT_EQ(
      sample(
          m,
          R"(perspectief_http_requests_total{code="201",method="POST",route="/v1/cases/{caseId}/events"})"),
      "3");
  EXPECT_EQ(
      sample(m, R"(perspectief_http_requests_total{code="403",method="GET",route="/metrics"})"),
      "6");
  EXPECT_EQ(m.find("geheim-case-9"), std::string::npos);
  EXPECT_EQ(m.find("Zeldzame"), std::string::npos);
}

// Issue 9's metrics: active cases by current track, and activities held by category (a counter
// that follows the log). Case t1 is admitted with no track, t2 chooses legal_stay_nl; one sport
// activity is held, one language activity only scheduled.
TEST_F(MetricsEndpoint, CasesByTrackAndActivitiesHeld) {
  const std::string admitted =
      R"([{"type":"CaseRegistered","data":{"person":{"name":"T"}}},{"type":"IntakeCompleted","data":{"eligible":true}},
          {"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}}])";
  ASSERT_EQ(post("/v1/cases/t1/events", "intake", admitted).status, 201);
  ASSERT_EQ(post("/v1/cases/t2/events", "intake", admitted).status, 201);
  ASSERT_EQ(post("/v1/cases/t2/events", "legal",
                 R"({"type":"PerspectiveChosen","data":{"track":"legal_stay_nl"}})")
                .status,
            201);
  const auto schedule = [&](const std::string& id, const std::string& category) {
    return post(
               "/v1/activities/" + id + "/events", "participation",
               R"({"type":"ActivityScheduled","data":{"title":"T","organisation":"boost","category":")" +
                   category + R"(","startsAt":"2021-04-01T14:00:00Z"}})")
        .status;
  };
  ASSERT_EQ(schedule("a1", "sport"), 201);
  ASSERT_EQ(schedule("a2", "language"), 201);
  ASSERT_EQ(post("/v1/activities/a1/events", "participation",
                 R"({"type":"ActivityHeld","data":{"residents":5,"volunteers":1,"neighbours":0}})")
                .status,
            201);
  const auto m = get("/metrics", "ops").body;
  EXPECT_EQ(sample(m, R"(perspectief_cases_by_track{track="none"})"), "1");
  EXPECT_EQ(sample(m, R"(perspectief_cases_by_track{track="legal_stay_nl"})"), "1");
  EXPECT_EQ(sample(m, R"(perspectief_cases_by_track{track="return"})"), "0");
  EXPECT_EQ(sample(m, R"(perspectief_activities_held_total{category="sport"})"), "1");
  EXPECT_EQ(sample(m, R"(perspectief_activities_held_total{category="language"})"), "0");
  EXPECT_NE(m.find("# TYPE perspectief_activities_held_total counter"), std::string::npos);
  EXPECT_NE(m.find("# TYPE perspectief_cases_by_track gauge"), std::string::npos);
  // A second scrape does not count the same activity again.
  EXPECT_EQ(
      sample(get("/metrics", "ops").body, R"(perspectief_activities_held_total{category="sport"})"),
      "1");
}

// The operators' metrics: the standard process metrics, the build, the store engine's figures
// and the snapshot's age; every labelled series there from the start, at 0.
TEST_F(MetricsEndpoint, ProcessStoreAndSnapshotMetricsFromTheStart) {
  const auto first = get("/metrics", "ops");
  ASSERT_EQ(first.status, 200);
  const std::string& text = first.body;
  EXPECT_EQ(sample(text, R"(perspectief_events_appended_total{type="StayEnded"})"), "0");
  EXPECT_EQ(sample(text, R"(perspectief_activities_held_total{category="language"})"), "0");
  EXPECT_EQ(sample(text, R"(perspectief_stay_alerts{level="exceeded"})"), "0");
  EXPECT_EQ(sample(text, R"(perspectief_store_write_stalls_total{kind="stop"})"), "0");
  EXPECT_EQ(sample(text, "perspectief_store_write_stopped"), "0");
  EXPECT_NE(text.find("\nperspectief_build_info{revision=\""), std::string::npos);
  EXPECT_NE(text.find(",version=\"0.1.0\"} 1\n"), std::string::npos);
  const auto number = [&](const std::string& series) {
    const std::string v = sample(text, series);
    return v == "missing" ? -1.0 : std::stod(v);
  };
  EXPECT_GT(number("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(number("process_open_fds"), 3);
  EXPECT_GE(number("process_max_fds"), number("process_open_fds"));
  EXPECT_GE(number("process_cpu_seconds_total"), 0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(number("process_start_time_seconds"), now - 600);
  EXPECT_LE(number("process_start_time_seconds"), now + 1);
  EXPECT_GE(number("perspectief_snapshot_age_seconds"), 0);
  EXPECT_LT(number("perspectief_snapshot_age_seconds"), 600);
  EXPECT_GE(number("perspectief_store_pending_compaction_bytes"), 0);
  ASSERT_EQ(post("/v1/cases/m-1/events", "intake",
                 R"({"type":"CaseRegistered","data":{"person":{"name":"M"}}})")
                .status,
            201);
  const auto second = get("/metrics", "ops").body;
  // The event is in the events column family's memtable.
  const std::string events_memtable =
      sample(second, R"(perspectief_store_bytes{column_family="events",kind="memtable"})");
  ASSERT_NE(events_memtable, "missing");
  EXPECT_GT(std::stod(events_memtable), 0);
  EXPECT_EQ(sample(second, R"(perspectief_events_appended_total{type="CaseRegistered"})"), "1");
}

}  // namespace
}  // namespace perspectief::testing
