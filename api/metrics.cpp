#include "api/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace perspectief::api {
namespace {

const prometheus::Histogram::BucketBoundaries kLatency{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1,    2.5};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      events_appended_(prometheus::BuildCounter()
                           .Name("perspectief_events_appended_total")
                           .Help("Events appended durably, by type")
                           .Register(*registry_)),
      batch_events_(prometheus::BuildHistogram()
                        .Name("perspectief_append_batch_events")
                        .Help("Events per durable commit (WAL sync)")
                        .Register(*registry_)),
      batch_events_metric_(&batch_events_.Add(
          {}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 1024})),
      append_duration_(prometheus::BuildHistogram()
                           .Name("perspectief_append_duration_seconds")
                           .Help("Append requests from receipt to durable")
                           .Register(*registry_)),
      append_duration_metric_(&append_duration_.Add({}, kLatency)),
      http_requests_(prometheus::BuildCounter()
                         .Name("perspectief_http_requests_total")
                         .Help("HTTP requests by method, route template and status code")
                         .Register(*registry_)),
      http_duration_(prometheus::BuildHistogram()
                         .Name("perspectief_http_request_duration_seconds")
                         .Help("HTTP request duration by route template")
                         .Register(*registry_)),
      store_position_(prometheus::BuildGauge()
                          .Name("perspectief_store_last_position")
                          .Help("Position of the last durable event")
                          .Register(*registry_)),
      projection_position_(prometheus::BuildGauge()
                               .Name("perspectief_projection_position")
                               .Help("Position each projection has folded up to")
                               .Register(*registry_)),
      places_(prometheus::BuildGauge()
                  .Name("perspectief_places")
                  .Help("Programme places by funding stream, occupied and capacity")
                  .Register(*registry_)),
      location_beds_(prometheus::BuildGauge()
                         .Name("perspectief_location_beds")
                         .Help("Beds per location, occupied and capacity")
                         .Register(*registry_)),
      stay_alerts_(prometheus::BuildGauge()
                       .Name("perspectief_stay_alerts")
                       .Help("Housed cases per stay-duration alert level")
                       .Register(*registry_)),
      open_escalations_(prometheus::BuildGauge()
                            .Name("perspectief_open_escalations")
                            .Help("Escalations not yet resolved")
                            .Register(*registry_)),
      activities_held_(prometheus::BuildCounter()
                           .Name("perspectief_activities_held_total")
                           .Help("Participation activities held, by category")
                           .Register(*registry_)),
      cases_by_track_(prometheus::BuildGauge()
                          .Name("perspectief_cases_by_track")
                          .Help("Active cases by their current guidance track")
                          .Register(*registry_)) {}

void Metrics::on_request(std::string_view method, std::string_view route, unsigned status,
                         double seconds) {
  std::string key;
  key.reserve(method.size() + route.size() + 8);
  key.append(method).append(" ").append(route).append(" ").append(std::to_string(status));
  RequestSeries series{};
  {
    std::lock_guard lock(series_mu_);
    auto it = request_series_.find(key);
    if (it == request_series_.end()) {
      const std::string r{route};
      RequestSeries created{
          &http_requests_.Add(
              {{"method", std::string{method}}, {"route", r}, {"code", std::to_string(status)}}),
          &http_duration_.Add({{"route", r}}, kLatency)};
      it = request_series_.emplace(std::move(key), created).first;
    }
    series = it->second;
  }
  series.requests->Increment();
  series.duration->Observe(seconds);
}

void Metrics::on_append(const std::vector<std::string>& types, double seconds) {
  for (const auto& t : types) {
    prometheus::Counter* counter = nullptr;
    {
      std::lock_guard lock(series_mu_);
      auto it = appended_.find(t);
      if (it == appended_.end())
        it = appended_.emplace(t, &events_appended_.Add({{"type", t}})).first;
      counter = it->second;
    }
    counter->Increment();
  }
  append_duration_metric_->Observe(seconds);
}

void Metrics::on_commit(std::uint64_t events) {
  batch_events_metric_->Observe(static_cast<double>(events));
}

std::string Metrics::render(std::uint64_t store_position, std::uint64_t projector_position,
                            const CurrentFigures& f, const Participation& participation) {
  std::lock_guard lock(render_mu_);
  store_position_.Add({}).Set(static_cast<double>(store_position));
  projection_position_.Add({{"projection", "case-files"}})
      .Set(static_cast<double>(projector_position));
  projection_position_.Add({{"projection", "history"}})
      .Set(static_cast<double>(projector_position));
  const auto set_places = [&](const char* funding, std::int64_t occupied, std::int64_t capacity) {
    places_.Add({{"funding", funding}, {"state", "occupied"}}).Set(static_cast<double>(occupied));
    places_.Add({{"funding", funding}, {"state", "capacity"}}).Set(static_cast<double>(capacity));
  };
  set_places("lvv", f.housed_lvv, f.programme.lvv_places);
  set_places("municipal", f.housed_municipal, f.programme.municipal_places());
  set_places("total", f.housed_lvv + f.housed_municipal, f.programme.places);
  for (const auto& l : f.locations) {
    location_beds_.Add({{"location", l.id}, {"state", "occupied"}})
        .Set(static_cast<double>(l.occupied));
    location_beds_.Add({{"location", l.id}, {"state", "capacity"}})
        .Set(static_cast<double>(l.open ? l.beds : 0));
  }
  stay_alerts_.Add({{"level", "review"}}).Set(static_cast<double>(f.alerts_review));
  stay_alerts_.Add({{"level", "warning"}}).Set(static_cast<double>(f.alerts_warning));
  stay_alerts_.Add({{"level", "final"}}).Set(static_cast<double>(f.alerts_final));
  stay_alerts_.Add({{"level", "exceeded"}}).Set(static_cast<double>(f.alerts_exceeded));
  open_escalations_.Add({}).Set(static_cast<double>(f.open_escalations));
  for (const auto& [category, held] : participation.activities_held) {
    // A held activity stays held: the counter moves up by what was held since the last scrape.
    auto& counter = activities_held_.Add({{"category", category}});
    const double delta = static_cast<double>(held) - counter.Value();
    if (delta > 0) counter.Increment(delta);
  }
  for (const auto& [track, cases] : participation.cases_by_track) {
    cases_by_track_.Add({{"track", track}}).Set(static_cast<double>(cases));
  }
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

}  // namespace perspectief::api
