#include "api/metrics_handler.hpp"

#include <boost/beast/http/field.hpp>

#include "projections/read_models.hpp"

namespace perspectief::api {

Response MetricsHandler::render() const {
  namespace http = boost::beast::http;
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  const Micros now = clock_.now();
  const auto participation = history_.read([now](const History& h) {
    return Metrics::Participation{activities_held_by_category(h), active_cases_by_track(h, now)};
  });
  res.body() = metrics_.render(store_.last_position(), projector_.position(),
                               case_files_.figures(day_of(now)), participation,
                               subscription_figures(subscriptions_), store_.engine_stats(), now);
  res.prepare_payload();
  return res;
}

}  // namespace perspectief::api
