#include "api/authorization.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

constexpr std::array kRoles{
    Role::intake,        Role::housing, Role::legal,      Role::return_support,
    Role::participation, Role::regie,   Role::researcher, Role::ops};

// spec/api.md, "Authentication and roles", one column per role in the order of kRoles:
// o open (no token), - denied, A allowed, S scoped to a housing organisation's cases and
// locations, W without personal data, E by event type (may_append).
struct Expected {
  RouteId route;
  std::string_view grants;
};

constexpr std::array<Expected, 42> kSpec{{
    {RouteId::healthz, "oooooooo"},
    {RouteId::readyz, "oooooooo"},
    {RouteId::openapi, "oooooooo"},
    {RouteId::dashboard_index, "oooooooo"},
    {RouteId::dashboard_file, "oooooooo"},
    {RouteId::append_case, "ESEEEEEE"},
    {RouteId::append_location, "ESEEEEEE"},
    {RouteId::append_activity, "EEEEEEEE"},
    {RouteId::append_programme, "EEEEEEEE"},
    {RouteId::read_case_events, "AS---A--"},
    {RouteId::read_location_events, "AS---A--"},
    {RouteId::read_activity_events, "----AA--"},
    {RouteId::read_programme_events, "AAAAAAA-"},
    {RouteId::read_feed, "ASAAWAW-"},
    {RouteId::read_case, "ASAAWA--"},
    {RouteId::list_cases, "ASAAWA--"},
    {RouteId::occupancy, "ASAA-AA-"},
    {RouteId::utilisation, "A-AA-AA-"},
    {RouteId::stay_alerts, "ASAA-A--"},
    {RouteId::outcomes, "A-AA-AA-"},
    {RouteId::caseload, "A-AA-A--"},
    {RouteId::escalations, "A-AA-A--"},
    {RouteId::intake_funnel, "A-AA-AA-"},
    {RouteId::perspective, "A-AA-AA-"},
    {RouteId::participation, "A-AAAAA-"},
    {RouteId::monthly_report, "-----AA-"},
    {RouteId::series, "-----AA-"},
    {RouteId::returns, "A-AA-AA-"},
    {RouteId::data_quality, "A----A--"},
    {RouteId::metrics, "-----A-A"},
    {RouteId::erase_personal_data, "A----A--"},
    {RouteId::access_log, "-----A--"},
    // spec/integrations.md: every role but ops, each within its own organisation.
    {RouteId::create_subscription, "AAAAAAA-"},
    {RouteId::list_subscriptions, "AAAAAAA-"},
    {RouteId::read_subscription, "AAAAAAA-"},
    {RouteId::delete_subscription, "AAAAAAA-"},
    {RouteId::pause_subscription, "AAAAAAA-"},
    {RouteId::resume_subscription, "AAAAAAA-"},
    {RouteId::pull_subscription, "AAAAAAA-"},
    {RouteId::ack_subscription, "AAAAAAA-"},
    {RouteId::list_parked, "AAAAAAA-"},
    {RouteId::replay_parked, "AAAAAAA-"},
}};

char letter(Grant g) {
  switch (g) {
    case Grant::open:
      return 'o';
    case Grant::denied:
      return '-';
    case Grant::allowed:
      return 'A';
    case Grant::scoped:
      return 'S';
    case Grant::without_personal_data:
      return 'W';
    case Grant::by_event_type:
      return 'E';
  }
  return '?';
}

TEST(Authorization, EveryRouteAndRoleHasTheGrantOfTheSpec) {
  ASSERT_EQ(kSpec.size(), routes().size());
  for (const auto& row : kSpec) {
    for (std::size_t i = 0; i < kRoles.size(); ++i) {
      EXPECT_EQ(letter(grant(row.route, kRoles[i])), row.grants[i])
          << "route " << static_cast<int>(row.route) << ", role " << to_string(kRoles[i]);
    }
    EXPECT_EQ(needs_token(row.route), row.grants[0] != 'o');
  }
}

TEST(Authorization, RefusalsNameTheRouteOrTheRole) {
  const auto detail = [](RouteId r, Role role) {
    return boost::json::parse(refusal(r, role).body()).at("detail").as_string();
  };
  EXPECT_EQ(refusal(RouteId::metrics, Role::intake).result_int(), 403U);
  EXPECT_EQ(detail(RouteId::metrics, Role::intake), "the metrics are for ops and regie");
  EXPECT_EQ(detail(RouteId::read_feed, Role::ops), "role ops may not read the event feed");
  EXPECT_EQ(detail(RouteId::read_case, Role::ops), "role ops may not read case files");
  EXPECT_EQ(detail(RouteId::erase_personal_data, Role::legal),
            "only intake and regie may erase personal data");
  EXPECT_EQ(detail(RouteId::access_log, Role::intake), "the access log is for regie");
  EXPECT_EQ(detail(RouteId::read_case_events, Role::legal), "role legal may not read these events");
  EXPECT_EQ(detail(RouteId::caseload, Role::housing), "role housing may not read this read model");
}

CaseFileView view(CaseStatus status, std::string location_operator) {
  CaseFileView v;
  v.case_id = "c";
  v.state.status = status;
  v.state.location_id = location_operator.empty() ? "" : "l";
  v.location_operator = std::move(location_operator);
  return v;
}

// The scope column: what each role sees of a case, by the case's state.
TEST(Authorization, CaseAccessByRoleAndScope) {
  struct Case {
    Role role;
    CaseStatus status;
    std::string location_operator;
    CaseAccess expected;
  };
  const std::vector<Case> cases{
      {Role::intake, CaseStatus::registered, "", CaseAccess::with_pii},
      {Role::legal, CaseStatus::housed, "leger-des-heils", CaseAccess::with_pii},
      {Role::return_support, CaseStatus::ended, "", CaseAccess::with_pii},
      {Role::regie, CaseStatus::housed, "hvo-querido", CaseAccess::with_pii},
      {Role::participation, CaseStatus::housed, "hvo-querido", CaseAccess::without_pii},
      {Role::researcher, CaseStatus::admitted, "", CaseAccess::none},
      {Role::ops, CaseStatus::admitted, "", CaseAccess::none},
      {Role::housing, CaseStatus::admitted, "", CaseAccess::with_pii},
      {Role::housing, CaseStatus::housed, "hvo-querido", CaseAccess::with_pii},
      {Role::housing, CaseStatus::housed, "leger-des-heils", CaseAccess::none},
      {Role::housing, CaseStatus::registered, "", CaseAccess::none},
      {Role::housing, CaseStatus::waitlisted, "", CaseAccess::none},
      {Role::housing, CaseStatus::ended, "hvo-querido", CaseAccess::none},
  };
  for (const auto& c : cases) {
    const Actor actor{"s", "hvo-querido", c.role};
    EXPECT_EQ(case_access(actor, view(c.status, c.location_operator)), c.expected)
        << to_string(c.role) << " " << static_cast<int>(c.status);
  }
}

TEST(Authorization, AppendsByEventTypeThenHousingScope) {
  ApiHarness h;
  h.seed_programme();
  const AppendAuthorization authorization{h.case_files()};
  const auto check = [&](Role role, StreamKind kind, const std::string& id, const char* type) {
    NewEvent e;
    e.type = type;
    const Status s = authorization.authorize(Actor{"s", "hvo-querido", role},
                                             AppendTarget{kind, id, stream_name(kind, id)}, {e});
    return s.ok() ? std::string{"ok"} : s.error().message;
  };
  EXPECT_EQ(check(Role::legal, StreamKind::case_file, "c-a", "LegalStepRecorded"), "ok");
  EXPECT_EQ(check(Role::legal, StreamKind::case_file, "c-a", "BedAssigned"),
            "role legal may not append BedAssigned");
  EXPECT_EQ(check(Role::regie, StreamKind::case_file, "c-a", "PersonalDataErased"),
            "role regie may not append PersonalDataErased");
  EXPECT_EQ(check(Role::researcher, StreamKind::programme, "programme", "ProgrammeCapacitySet"),
            "role researcher may not append ProgrammeCapacitySet");
  EXPECT_EQ(check(Role::housing, StreamKind::case_file, "c-b", "BedAssigned"), "ok");
  EXPECT_EQ(check(Role::housing, StreamKind::case_file, "c-a", "StayEnded"), "ok");
  const std::string out_of_scope =
      "this case is neither waiting for a bed nor housed in a location of yours";
  EXPECT_EQ(check(Role::housing, StreamKind::case_file, "c-c", "StayEnded"), out_of_scope);
  EXPECT_EQ(check(Role::housing, StreamKind::case_file, "c-none", "StayEnded"), out_of_scope);
  EXPECT_EQ(check(Role::housing, StreamKind::location, "l1", "LocationClosed"), "ok");
  EXPECT_EQ(check(Role::housing, StreamKind::location, "l-new", "LocationOpened"), "ok");
  EXPECT_EQ(check(Role::housing, StreamKind::location, "l2", "LocationClosed"),
            "this location is run by another organisation");
}

}  // namespace
}  // namespace perspectief::api
