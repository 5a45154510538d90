#include "api/api.hpp"

#include <boost/beast/http/field.hpp>

#include "api/access_log_handler.hpp"
#include "api/problem.hpp"
#include "api/reply.hpp"
#include "api/static_files.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;
namespace asio = boost::asio;

Response method_not_allowed(const std::string& allow) {
  Response res = problem(405, "this path takes " + allow);
  res.set(http::field::allow, allow);
  return res;
}

Response unauthorized() {
  Response res = problem(401, "missing or unknown bearer token");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

// What the dispatcher refuses before the handler: an event route's malformed path id (400
// whoever asks: it is checked before the role), then a role the table denies (403).
std::optional<Response> refused_before_handler(const RouteMatch& m, Role role) {
  if (stream_kind_of(m.route->id) && !stream_of(m)) return bad_path_id();
  if (grant(m.route->id, role) == Grant::denied) return refusal(m.route->id, role);
  return std::nullopt;
}

}  // namespace

Api::Api(ApiDependencies deps)
    : deps_(std::move(deps)),
      append_authorization_(deps_.case_files),
      pipeline_(append_authorization_, deps_.personal.sealer, deps_.store),
      reads_(deps_.personal.sealer, deps_.personal.access_log, deps_.clock),
      streams_(deps_.store, deps_.case_files, pipeline_, reads_, deps_.metrics),
      feed_(deps_.store, deps_.feed_index, deps_.signal, deps_.personal.pseudonymiser, reads_),
      subscriptions_(deps_.subscriptions, deps_.store, deps_.signal, deps_.personal.pseudonymiser,
                     reads_),
      case_file_handler_(deps_.store, deps_.case_files, reads_),
      erasure_(deps_.store, deps_.case_files, deps_.personal.sealer.ring(),
               deps_.personal.purge_soon),
      metrics_handler_(deps_.metrics, deps_.store, deps_.projector, deps_.case_files, deps_.history,
                       deps_.clock, deps_.subscriptions) {}

bool Api::refused_on_headers(http::verb method, std::string_view target,
                             std::string_view authorization) const {
  const auto m = match_route(method, target.substr(0, target.find('?')));
  if (!m || m->route == nullptr) return true;
  return needs_token(m->route->id) && !deps_.tokens.authenticate(authorization);
}

asio::awaitable<Response> Api::handle(const Request& req, std::string_view& route_template,
                                      std::string_view& role) {
  route_template = "unmatched";
  role = "-";
  const std::string_view target = req.target();
  const auto m = match_route(req.method(), target.substr(0, target.find('?')));
  if (!m) co_return problem(404, "no such route");
  if (m->route == nullptr) co_return method_not_allowed(m->allow);
  route_template = m->route->path_template;
  if (!needs_token(m->route->id)) co_return open_route(*m);
  const auto actor = deps_.tokens.authenticate(req[http::field::authorization]);
  if (!actor) co_return unauthorized();
  role = to_string(actor->role);
  if (auto refused = refused_before_handler(*m, actor->role)) co_return std::move(*refused);
  try {
    co_return co_await route(req, *m, *actor);
  } catch (const std::exception& e) {
    // Exceptions carry no client-safe text; the details stay out of the body. The log gets
    // the route template and the exception's own text (library messages, no request data).
    log_internal_error(route_template, "internal", "internal error", e.what());
  }
  co_return problem(500, "internal error");
}

Response Api::open_route(const RouteMatch& m) const {
  switch (m.route->id) {
    case RouteId::healthz:
      return json_response(200, {{"status", "ok"}});
    case RouteId::readyz:
      if (!ready_.load() || !deps_.store.ready()) return problem(503, "the service is not ready");
      return json_response(200, {{"status", "ready"},
                                 {"position", deps_.store.last_position()},
                                 {"role", deps_.store.follower() ? "follower" : "writer"}});
    default:
      return static_route_response(m.route->id, m.id, dashboard_dir_);
  }
}

asio::awaitable<Response> Api::route(const Request& req, const RouteMatch& m, const Actor& actor) {
  if (deps_.store.follower() && writes(m.route->id)) {
    co_return problem(503,
                      "this server is a read follower: appends, erasures and subscriptions go "
                      "to the writer");
  }
  // A follower out of step with its writer (behind, or the writer's store replaced) could
  // show what the writer no longer holds, an erased person's data among it: it answers
  // nothing but its metrics until it is in step again.
  if (deps_.store.follower() && !deps_.store.ready() && m.route->id != RouteId::metrics) {
    co_return problem(503,
                      "this read follower is not in step with the writer: read from the writer");
  }
  if (is_subscription_route(m.route->id)) {
    co_return co_await subscriptions_.handle(req, m, actor);
  }
  switch (m.route->id) {
    case RouteId::append_case:
    case RouteId::append_location:
    case RouteId::append_activity:
    case RouteId::append_programme:
      co_return co_await streams_.append(req, m, actor);
    case RouteId::read_case_events:
    case RouteId::read_location_events:
    case RouteId::read_activity_events:
    case RouteId::read_programme_events:
      co_return streams_.read(m, actor);
    case RouteId::read_feed:
      co_return co_await feed_.read(req, actor);
    case RouteId::read_case:
      co_return case_file_handler_.read(m, actor);
    case RouteId::list_cases:
      co_return case_file_handler_.list(req, actor);
    case RouteId::erase_personal_data:
      co_return co_await erasure_.erase(m, actor);
    case RouteId::access_log:
      co_return read_access_log(req, deps_.personal.access_log, deps_.store);
    case RouteId::metrics:
      co_return metrics_handler_.render();
    default:  // the read models; the open routes were answered before the token
      co_return read_model_route(req, m.route->id, actor);
  }
}

Response Api::read_model_route(const Request& req, RouteId id, const Actor& actor) {
  return read_model(id, req.target(), deps_.history, deps_.clock.now(), &deps_.store,
                    &read_model_caches_, case_visibility(id, actor, deps_.case_files));
}

}  // namespace perspectief::api
