#include "api/router.hpp"

#include <array>
#include <vector>

namespace perspectief::api {
namespace {

using boost::beast::http::verb;

constexpr std::array<RouteSpec, 42> kRoutes{{
    {RouteId::healthz, verb::get, "/healthz"},
    {RouteId::readyz, verb::get, "/readyz"},
    {RouteId::append_case, verb::post, "/v1/cases/{caseId}/events"},
    {RouteId::read_case_events, verb::get, "/v1/cases/{caseId}/events"},
    {RouteId::append_location, verb::post, "/v1/locations/{locationId}/events"},
    {RouteId::read_location_events, verb::get, "/v1/locations/{locationId}/events"},
    {RouteId::append_activity, verb::post, "/v1/activities/{activityId}/events"},
    {RouteId::read_activity_events, verb::get, "/v1/activities/{activityId}/events"},
    {RouteId::append_programme, verb::post, "/v1/programme/events"},
    {RouteId::read_programme_events, verb::get, "/v1/programme/events"},
    {RouteId::read_feed, verb::get, "/v1/events"},
    {RouteId::read_case, verb::get, "/v1/cases/{caseId}"},
    {RouteId::list_cases, verb::get, "/v1/cases"},
    {RouteId::occupancy, verb::get, "/v1/occupancy"},
    {RouteId::utilisation, verb::get, "/v1/utilisation"},
    {RouteId::stay_alerts, verb::get, "/v1/alerts/stay-duration"},
    {RouteId::outcomes, verb::get, "/v1/outcomes"},
    {RouteId::caseload, verb::get, "/v1/caseload"},
    {RouteId::escalations, verb::get, "/v1/escalations"},
    {RouteId::intake_funnel, verb::get, "/v1/intake-funnel"},
    {RouteId::perspective, verb::get, "/v1/perspective"},
    {RouteId::participation, verb::get, "/v1/participation"},
    {RouteId::monthly_report, verb::get, "/v1/reports/monthly"},
    {RouteId::series, verb::get, "/v1/series"},
    {RouteId::returns, verb::get, "/v1/returns"},
    {RouteId::data_quality, verb::get, "/v1/data-quality"},
    {RouteId::metrics, verb::get, "/metrics"},
    {RouteId::erase_personal_data, verb::delete_, "/v1/cases/{caseId}/personal-data"},
    {RouteId::access_log, verb::get, "/v1/access-log"},
    {RouteId::openapi, verb::get, "/v1/openapi.json"},
    {RouteId::dashboard_index, verb::get, "/"},
    {RouteId::dashboard_file, verb::get, "/dashboard/{file}"},
    {RouteId::create_subscription, verb::post, "/v1/subscriptions"},
    {RouteId::list_subscriptions, verb::get, "/v1/subscriptions"},
    {RouteId::read_subscription, verb::get, "/v1/subscriptions/{subscriptionId}"},
    {RouteId::delete_subscription, verb::delete_, "/v1/subscriptions/{subscriptionId}"},
    {RouteId::pause_subscription, verb::post, "/v1/subscriptions/{subscriptionId}/pause"},
    {RouteId::resume_subscription, verb::post, "/v1/subscriptions/{subscriptionId}/resume"},
    {RouteId::pull_subscription, verb::get, "/v1/subscriptions/{subscriptionId}/events"},
    {RouteId::ack_subscription, verb::post, "/v1/subscriptions/{subscriptionId}/ack"},
    {RouteId::list_parked, verb::get, "/v1/subscriptions/{subscriptionId}/parked"},
    {RouteId::replay_parked, verb::post, "/v1/subscriptions/{subscriptionId}/parked/replay"},
}};

// A path's segments after the leading '/' ("/v1/cases/x" -> "v1", "cases", "x"), in place:
// no template has more than kMaxSegments, so a longer path matches none.
constexpr std::size_t kMaxSegments = 8;
struct Segments {
  std::array<std::string_view, kMaxSegments> at{};
  std::size_t size = 0;
  bool too_many = false;
};

Segments split(std::string_view path) {
  Segments parts;
  std::size_t start = 1;
  if (path.empty() || path[0] != '/') return parts;
  while (start <= path.size()) {
    if (parts.size == kMaxSegments) {
      parts.too_many = true;
      return parts;
    }
    const auto end = path.find('/', start);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    parts.at[parts.size++] = path.substr(start, stop - start);
    start = stop + 1;
  }
  return parts;
}

// The routes' templates split once (every request matches the path against all of them).
const std::array<Segments, kRoutes.size()>& template_segments() {
  static const auto kSplit = [] {
    std::array<Segments, kRoutes.size()> out{};
    for (std::size_t i = 0; i < kRoutes.size(); ++i) out[i] = split(kRoutes[i].path_template);
    return out;
  }();
  return kSplit;
}

// Matches a template segment by segment; a "{…}" segment captures any non-empty segment.
bool matches(const Segments& t, const Segments& p, std::string& id) {
  if (t.size != p.size) return false;
  std::string_view captured;
  for (std::size_t i = 0; i < t.size; ++i) {
    if (!t.at[i].empty() && t.at[i].front() == '{') {
      if (p.at[i].empty()) return false;
      captured = p.at[i];
    } else if (t.at[i] != p.at[i]) {
      return false;
    }
  }
  id = std::string{captured};
  return true;
}

}  // namespace

std::span<const RouteSpec> routes() {
  return kRoutes;
}

std::optional<RouteMatch> match_route(verb method, std::string_view path) {
  std::optional<RouteMatch> found;
  const Segments p = split(path);
  if (p.too_many) return found;
  const auto& templates = template_segments();
  for (std::size_t i = 0; i < kRoutes.size(); ++i) {
    const RouteSpec& r = kRoutes[i];
    std::string id;
    if (!matches(templates[i], p, id)) continue;
    if (!found) found.emplace();
    // HEAD is answered on every GET route as GET is, without the body (RFC 9110, 9.3.2).
    if (r.method == method || (method == verb::head && r.method == verb::get)) {
      found->route = &r;
      found->id = std::move(id);
    }
    if (!found->allow.empty()) found->allow += ", ";
    found->allow += std::string{boost::beast::http::to_string(r.method)};
    if (r.method == verb::get) found->allow += ", HEAD";
  }
  return found;
}

}  // namespace perspectief::api
