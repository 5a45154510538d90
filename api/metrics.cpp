#include "api/metrics.hpp"

#include <prometheus/text_serializer.h>

#include "api/process_figures.hpp"
#include "domain/enumerations.hpp"
#include "domain/event_catalogue.hpp"

namespace perspectief::api {
namespace {

// Built once at start-up, where a failed allocation ends the server anyway.
// NOLINTNEXTLINE(cert-err58-cpp)
const prometheus::Histogram::BucketBoundaries kLatency{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1,    2.5};

// A metric family registered under `name` with its help text.
template <class Builder>
auto& family(Builder builder, prometheus::Registry& registry, const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      events_appended_(family(prometheus::BuildCounter(), *registry_,
                              "perspectief_events_appended_total",
                              "Events appended durably, by type")),
      batch_events_(family(prometheus::BuildHistogram(), *registry_,
                           "perspectief_append_batch_events",
                           "Events per durable commit (WAL sync)")),
      batch_events_metric_(&batch_events_.Add(
          {}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 1024})),
      append_duration_(family(prometheus::BuildHistogram(), *registry_,
                              "perspectief_append_duration_seconds",
                              "Append requests from receipt to durable")),
      append_duration_metric_(&append_duration_.Add({}, kLatency)),
      http_requests_(family(prometheus::BuildCounter(), *registry_,
                            "perspectief_http_requests_total",
                            "HTTP requests by method, route template and status code")),
      http_duration_(family(prometheus::BuildHistogram(), *registry_,
                            "perspectief_http_request_duration_seconds",
                            "HTTP request duration by route template")),
      store_position_(family(prometheus::BuildGauge(), *registry_,
                             "perspectief_store_last_position",
                             "Position of the last durable event")),
      projection_position_(family(prometheus::BuildGauge(), *registry_,
                                  "perspectief_projection_position",
                                  "Position each projection has folded up to")),
      places_(family(prometheus::BuildGauge(), *registry_, "perspectief_places",
                     "Programme places by funding stream, occupied and capacity")),
      location_beds_(family(prometheus::BuildGauge(), *registry_, "perspectief_location_beds",
                            "Beds per location, occupied and capacity")),
      stay_alerts_(family(prometheus::BuildGauge(), *registry_, "perspectief_stay_alerts",
                          "Housed cases per stay-duration alert level")),
      open_escalations_(family(prometheus::BuildGauge(), *registry_, "perspectief_open_escalations",
                               "Escalations not yet resolved")),
      activities_held_(family(prometheus::BuildCounter(), *registry_,
                              "perspectief_activities_held_total",
                              "Participation activities held, by category")),
      cases_by_track_(family(prometheus::BuildGauge(), *registry_, "perspectief_cases_by_track",
                             "Active cases by their current guidance track")),
      webhook_deliveries_(family(prometheus::BuildCounter(), *registry_,
                                 "perspectief_webhook_deliveries_total",
                                 "Webhook delivery attempts by result (ok, retry, parked)")),
      subscription_lag_(family(prometheus::BuildGauge(), *registry_,
                               "perspectief_subscription_lag_events",
                               "Visible events after a subscription's checkpoint")),
      subscription_parked_(family(prometheus::BuildGauge(), *registry_,
                                  "perspectief_subscription_parked",
                                  "Webhook batches a subscription has parked")),
      process_cpu_(family(prometheus::BuildCounter(), *registry_, "process_cpu_seconds_total",
                          "Total user and system CPU time spent in seconds")),
      process_resident_(family(prometheus::BuildGauge(), *registry_,
                               "process_resident_memory_bytes", "Resident memory size in bytes")),
      process_virtual_(family(prometheus::BuildGauge(), *registry_, "process_virtual_memory_bytes",
                              "Virtual memory size in bytes")),
      process_open_fds_(family(prometheus::BuildGauge(), *registry_, "process_open_fds",
                               "Number of open file descriptors")),
      process_max_fds_(family(prometheus::BuildGauge(), *registry_, "process_max_fds",
                              "Maximum number of open file descriptors")),
      process_start_(family(prometheus::BuildGauge(), *registry_, "process_start_time_seconds",
                            "Start time of the process since the Unix epoch in seconds")),
      build_info_(family(prometheus::BuildGauge(), *registry_, "perspectief_build_info",
                         "1, labelled with the server's version and the commit it was built from")),
      store_bytes_(family(prometheus::BuildGauge(), *registry_, "perspectief_store_bytes",
                          "The store's size per column family: table files and memtables")),
      pending_compaction_(family(prometheus::BuildGauge(), *registry_,
                                 "perspectief_store_pending_compaction_bytes",
                                 "Bytes RocksDB estimates compaction still has to rewrite")),
      write_stopped_(family(prometheus::BuildGauge(), *registry_, "perspectief_store_write_stopped",
                            "1 while RocksDB stops writes (a write stall), else 0")),
      delayed_write_rate_(family(prometheus::BuildGauge(), *registry_,
                                 "perspectief_store_delayed_write_rate_bytes",
                                 "The rate RocksDB slows writes down to, 0 when not slowed")),
      write_stalls_(family(prometheus::BuildCounter(), *registry_,
                           "perspectief_store_write_stalls_total",
                           "Write stalls RocksDB counted since the store opened, by kind")),
      snapshot_age_(family(prometheus::BuildGauge(), *registry_, "perspectief_snapshot_age_seconds",
                           "Seconds since the read-model snapshot last covered every folded "
                           "event")),
      follower_age_(family(prometheus::BuildGauge(), *registry_,
                           "perspectief_follower_catch_up_age_seconds",
                           "A read follower's seconds since it last caught up with the writer")),
      follower_failures_(family(prometheus::BuildCounter(), *registry_,
                                "perspectief_follower_catch_up_failures_total",
                                "A read follower's catch-ups with the writer that failed")) {
  // Every labelled series from the start, at 0, so rate() and absence alerts see them.
  for (const char* result : {"ok", "retry", "parked"})
    webhook_deliveries_.Add({{"result", result}});
  for (const auto& spec : event_catalogue()) {
    appended_.emplace(std::string{spec.type},
                      &events_appended_.Add({{"type", std::string{spec.type}}}));
  }
  for (std::size_t i = 0; i < enum_count<ActivityCategory>(); ++i) {
    activities_held_.Add({{"category", std::string{to_string(static_cast<ActivityCategory>(i))}}});
  }
  for (const char* kind : {"slowdown", "stop"}) write_stalls_.Add({{"kind", kind}});
  for (const char* level : {"review", "warning", "final", "exceeded"})
    stay_alerts_.Add({{"level", level}});
  build_info_.Add({{"version", PERSPECTIEF_VERSION}, {"revision", PERSPECTIEF_REVISION}}).Set(1);
  process_cpu_.Add({});
}

void Metrics::set_operations(const StoreStats& store, Micros now) {
  const ProcessFigures p = read_process_figures();
  auto& cpu = process_cpu_.Add({});
  if (p.cpu_seconds > cpu.Value()) cpu.Increment(p.cpu_seconds - cpu.Value());
  process_resident_.Add({}).Set(p.resident_bytes);
  process_virtual_.Add({}).Set(p.virtual_bytes);
  process_open_fds_.Add({}).Set(p.open_fds);
  process_max_fds_.Add({}).Set(p.max_fds);
  process_start_.Add({}).Set(p.start_time);
  for (const auto& cf : store.column_families) {
    store_bytes_.Add({{"column_family", cf.name}, {"kind", "table"}})
        .Set(static_cast<double>(cf.table_bytes));
    store_bytes_.Add({{"column_family", cf.name}, {"kind", "memtable"}})
        .Set(static_cast<double>(cf.memtable_bytes));
  }
  pending_compaction_.Add({}).Set(static_cast<double>(store.pending_compaction_bytes));
  write_stopped_.Add({}).Set(store.write_stopped ? 1 : 0);
  delayed_write_rate_.Add({}).Set(static_cast<double>(store.delayed_write_rate));
  // Counted by the engine since it opened: the counters move up by what it counted since.
  const auto catch_up = [](prometheus::Counter& c, std::uint64_t total) {
    const double delta = static_cast<double>(total) - c.Value();
    if (delta > 0) c.Increment(delta);
  };
  catch_up(write_stalls_.Add({{"kind", "slowdown"}}), store.stalls_slowdown);
  catch_up(write_stalls_.Add({{"kind", "stop"}}), store.stalls_stop);
  if (store.follower) {
    follower_age_.Add({}).Set(store.follower->catch_up_age_seconds);
    catch_up(follower_failures_.Add({}), store.follower->catch_up_failures);
  }
  const Micros current = snapshot_current_at_.load();
  if (current > 0 && now >= current) {
    snapshot_age_.Add({}).Set(static_cast<double>(now - current) / kMicrosPerSecond);
  }
}

void Metrics::on_webhook_delivery(std::string_view result) {
  webhook_deliveries_.Add({{"result", std::string{result}}}).Increment();
}

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
                            const CurrentFigures& f, const Participation& participation,
                            const std::vector<SubscriptionFigures>& subscriptions,
                            const StoreStats& store, Micros now) {
  std::lock_guard lock(render_mu_);
  set_subscriptions(subscriptions);
  set_operations(store, now);
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

void Metrics::set_subscriptions(const std::vector<SubscriptionFigures>& subscriptions) {
  // A deleted subscription's series go away with it.
  for (const auto& label : subscription_labels_) {
    subscription_lag_.Remove(&subscription_lag_.Add({{"subscription", label}}));
    subscription_parked_.Remove(&subscription_parked_.Add({{"subscription", label}}));
  }
  subscription_labels_.clear();
  for (const auto& s : subscriptions) {
    subscription_lag_.Add({{"subscription", s.label}}).Set(static_cast<double>(s.lag));
    subscription_parked_.Add({{"subscription", s.label}}).Set(static_cast<double>(s.parked));
    subscription_labels_.push_back(s.label);
  }
}

}  // namespace perspectief::api
