#include "api/authorization.hpp"

#include <array>

#include "api/problem.hpp"
#include "domain/authorization.hpp"

namespace perspectief::api {
namespace {

// One letter per grant keeps the table below a readable grid.
// NOLINTBEGIN(readability-identifier-naming)
constexpr Grant O = Grant::open;
constexpr Grant D = Grant::denied;
constexpr Grant A = Grant::allowed;
constexpr Grant S = Grant::scoped;
constexpr Grant W = Grant::without_personal_data;
constexpr Grant E = Grant::by_event_type;
// NOLINTEND(readability-identifier-naming)

constexpr std::size_t kRoleCount = 8;

// One row per route; the columns follow enum class Role: intake, housing, legal, return,
// participation, regie, researcher, ops.
struct Row {
  RouteId route;
  std::array<Grant, kRoleCount> grants;
};

// clang-format off
constexpr std::array kTable{
    //                                  intake housing legal return partic regie research ops
    Row{RouteId::healthz,               {O,     O,      O,    O,     O,     O,    O,       O}},
    Row{RouteId::readyz,                {O,     O,      O,    O,     O,     O,    O,       O}},
    Row{RouteId::openapi,               {O,     O,      O,    O,     O,     O,    O,       O}},
    Row{RouteId::dashboard_index,       {O,     O,      O,    O,     O,     O,    O,       O}},
    Row{RouteId::dashboard_file,        {O,     O,      O,    O,     O,     O,    O,       O}},
    Row{RouteId::append_case,           {E,     S,      E,    E,     E,     E,    E,       E}},
    Row{RouteId::append_location,       {E,     S,      E,    E,     E,     E,    E,       E}},
    Row{RouteId::append_activity,       {E,     E,      E,    E,     E,     E,    E,       E}},
    Row{RouteId::append_programme,      {E,     E,      E,    E,     E,     E,    E,       E}},
    Row{RouteId::read_case_events,      {A,     S,      D,    D,     D,     A,    D,       D}},
    Row{RouteId::read_location_events,  {A,     S,      D,    D,     D,     A,    D,       D}},
    Row{RouteId::read_activity_events,  {D,     D,      D,    D,     A,     A,    D,       D}},
    Row{RouteId::read_programme_events, {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::read_feed,             {A,     S,      A,    A,     W,     A,    W,       D}},
    Row{RouteId::read_case,             {A,     S,      A,    A,     W,     A,    D,       D}},
    Row{RouteId::list_cases,            {A,     S,      A,    A,     W,     A,    D,       D}},
    Row{RouteId::occupancy,             {A,     S,      A,    A,     D,     A,    A,       D}},
    Row{RouteId::utilisation,           {A,     D,      A,    A,     D,     A,    A,       D}},
    Row{RouteId::stay_alerts,           {A,     S,      A,    A,     D,     A,    D,       D}},
    Row{RouteId::outcomes,              {A,     D,      A,    A,     D,     A,    A,       D}},
    Row{RouteId::caseload,              {A,     D,      A,    A,     D,     A,    D,       D}},
    Row{RouteId::escalations,           {A,     D,      A,    A,     D,     A,    D,       D}},
    Row{RouteId::intake_funnel,         {A,     D,      A,    A,     D,     A,    A,       D}},
    Row{RouteId::perspective,           {A,     D,      A,    A,     D,     A,    A,       D}},
    Row{RouteId::participation,         {A,     D,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::monthly_report,        {D,     D,      D,    D,     D,     A,    A,       D}},
    Row{RouteId::series,                {D,     D,      D,    D,     D,     A,    A,       D}},
    Row{RouteId::returns,               {A,     D,      A,    A,     D,     A,    A,       D}},
    Row{RouteId::data_quality,          {A,     D,      D,    D,     D,     A,    D,       D}},
    Row{RouteId::metrics,               {D,     D,      D,    D,     D,     A,    D,       A}},
    Row{RouteId::erase_personal_data,   {A,     D,      D,    D,     D,     A,    D,       D}},
    Row{RouteId::access_log,            {D,     D,      D,    D,     D,     A,    D,       D}},
    Row{RouteId::create_subscription,       {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::list_subscriptions,        {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::read_subscription,         {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::delete_subscription,       {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::pause_subscription,        {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::resume_subscription,       {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::pull_subscription,         {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::ack_subscription,          {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::list_parked,               {A,     A,      A,    A,     A,     A,    A,       D}},
    Row{RouteId::replay_parked,             {A,     A,      A,    A,     A,     A,    A,       D}},
};
// clang-format on

std::string role_may_not(Role role, std::string_view what) {
  return "role " + std::string{to_string(role)} + " may not " + std::string{what};
}

// The append route of a stream kind (its row in the table).
RouteId append_route(StreamKind kind) {
  switch (kind) {
    case StreamKind::case_file:
      return RouteId::append_case;
    case StreamKind::location:
      return RouteId::append_location;
    case StreamKind::activity:
      return RouteId::append_activity;
    case StreamKind::programme:
      break;
  }
  return RouteId::append_programme;
}

Status forbidden(std::string message) {
  return make_error(ErrorCode::forbidden, std::move(message));
}

constexpr std::string_view kCaseOutOfScope =
    "this case is neither waiting for a bed nor housed in a location of yours";

}  // namespace

Grant grant(RouteId route, Role role) {
  for (const auto& row : kTable) {
    if (row.route == route) return row.grants[static_cast<std::size_t>(role)];
  }
  return Grant::denied;
}

bool needs_token(RouteId route) {
  return grant(route, Role::ops) != Grant::open;
}

Response refusal(RouteId route, Role role) {
  if (is_subscription_route(route)) {
    return problem(403, role_may_not(role, "subscribe to the event feed"));
  }
  switch (route) {
    case RouteId::read_feed:
      return problem(403, role_may_not(role, "read the event feed"));
    case RouteId::read_case:
    case RouteId::list_cases:
      return problem(403, role_may_not(role, "read case files"));
    case RouteId::metrics:
      return problem(403, "the metrics are for ops and regie");
    case RouteId::erase_personal_data:
      return problem(403, "only intake and regie may erase personal data");
    case RouteId::access_log:
      return problem(403, "the access log is for regie");
    case RouteId::read_case_events:
    case RouteId::read_location_events:
    case RouteId::read_activity_events:
    case RouteId::read_programme_events:
      return problem(403, role_may_not(role, "read these events"));
    default:
      return problem(403, role_may_not(role, "read this read model"));
  }
}

CaseAccess case_access(const Actor& actor, const CaseFileView& view) {
  switch (grant(RouteId::read_case, actor.role)) {
    case Grant::allowed:
      return CaseAccess::with_pii;
    case Grant::without_personal_data:
      return CaseAccess::without_pii;
    case Grant::scoped: {
      // The view carries the operator of the case's location: the one location the rule asks.
      LocationState location;
      location.exists = !view.location_operator.empty();
      location.operator_id = view.location_operator;
      const auto at = [&location](const std::string&) { return &location; };
      return housing_may_read_case(actor.organisation, view.state, at) ? CaseAccess::with_pii
                                                                       : CaseAccess::none;
    }
    default:
      return CaseAccess::none;
  }
}

CaseVisibility case_visibility(RouteId route, const Actor& actor, const CaseFiles& case_files) {
  if (grant(route, actor.role) != Grant::scoped) return {};
  return [&case_files, actor](std::string_view case_id) {
    const auto view = case_files.get(std::string{case_id});
    return view && case_access(actor, *view) != CaseAccess::none;
  };
}

LocationScope location_scope(const Actor& actor, const CaseFiles& case_files,
                             const std::string& location_id) {
  const std::string op = case_files.location_operator(location_id);
  if (op.empty()) return LocationScope::absent;
  return op == actor.organisation ? LocationScope::own : LocationScope::others;
}

Status AppendAuthorization::authorize(const Actor& actor, const AppendTarget& target,
                                      const std::vector<NewEvent>& events) const {
  for (const auto& e : events) {
    if (!may_append(actor.role, e.type))
      return forbidden(role_may_not(actor.role, "append " + e.type));
  }
  if (grant(append_route(target.kind), actor.role) != Grant::scoped) return Ok{};
  if (target.kind == StreamKind::location) {
    if (location_scope(actor, case_files_, target.id) != LocationScope::others) return Ok{};
    return forbidden("this location is run by another organisation");
  }
  const auto view = case_files_.get(target.id);
  if (view && case_access(actor, *view) == CaseAccess::with_pii) return Ok{};
  return forbidden(std::string{kCaseOutOfScope});
}

}  // namespace perspectief::api
