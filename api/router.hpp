#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <ostream>  // boost/core/detail/string_view.hpp (1.81) uses it without including it

#include <boost/beast/http/verb.hpp>

namespace perspectief::api {

enum class RouteId {
  healthz,
  readyz,
  append_case,
  append_location,
  append_activity,
  append_programme,
  read_case_events,
  read_location_events,
  read_activity_events,
  read_programme_events,
  read_feed,
  read_case,
  list_cases,
  occupancy,
  utilisation,
  stay_alerts,
  outcomes,
  caseload,
  escalations,
  intake_funnel,
  perspective,
  participation,
  monthly_report,
  series,
  returns,
  data_quality,
  metrics,
  erase_personal_data,
  access_log,
  openapi,
  dashboard_index,
  dashboard_file,
  // The subscription routes, together from create_subscription to replay_parked
  // (is_subscription_route).
  create_subscription,
  list_subscriptions,
  read_subscription,
  delete_subscription,
  pause_subscription,
  resume_subscription,
  pull_subscription,
  ack_subscription,
  list_parked,
  replay_parked,
};

// The /v1/subscriptions routes (spec/integrations.md): one handler, one grant.
constexpr bool is_subscription_route(RouteId id) {
  return id >= RouteId::create_subscription && id <= RouteId::replay_parked;
}

// The routes that change the store: the appends, the erasure and every subscription route
// (a subscription's cursor and parked batches are the writer's). A read follower refuses them.
constexpr bool writes(RouteId id) {
  switch (id) {
    case RouteId::append_case:
    case RouteId::append_location:
    case RouteId::append_activity:
    case RouteId::append_programme:
    case RouteId::erase_personal_data:
      return true;
    default:
      return is_subscription_route(id);
  }
}

struct RouteSpec {
  RouteId id;
  boost::beast::http::verb method;
  std::string_view path_template;  // e.g. "/v1/cases/{caseId}/events"; also the metrics label
};

// Every route of the router, in a fixed order.
std::span<const RouteSpec> routes();

struct RouteMatch {
  const RouteSpec* route = nullptr;  // null: no route for this method (see allow)
  std::string id;                    // the {…Id} path parameter, raw (validated by the handler)
  std::string allow;                 // for 405: the methods this path takes, "GET, POST"
};

// nullopt: no such path (404). A match without route: the path exists with other methods (405).
// HEAD matches a path's GET route (the server sends the GET reply's headers only), and `allow`
// lists HEAD after each GET.
std::optional<RouteMatch> match_route(boost::beast::http::verb method, std::string_view path);

}  // namespace perspectief::api
