#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/time.hpp"
#include "eventstore/store_stats.hpp"
#include "projections/case_files.hpp"

namespace perspectief::api {

// The prometheus-cpp registry with the metric names of spec/operations.md, served through our
// own server (text format 0.0.4). Labels hold route templates, event types, funding streams,
// location ids and levels: never a case id or anything personal. Thread-safe.
class Metrics {
 public:
  Metrics();

  // One finished HTTP request (route = the template, "unmatched" when none).
  void on_request(std::string_view method, std::string_view route, unsigned status, double seconds);
  // One durable append: its event types and the time from request to durable.
  void on_append(const std::vector<std::string>& types, double seconds);
  // One durable commit (a WAL sync) that made `events` events durable.
  void on_commit(std::uint64_t events);

  // Figures the History answers (not kept by the case files): every activity held so far by
  // category, and active cases by current track.
  struct Participation {
    std::map<std::string, std::int64_t> activities_held;
    std::map<std::string, std::int64_t> cases_by_track;
  };

  // The read-model snapshot in the store covers every event folded, as of `at` (saved, or
  // found up to date): perspectief_snapshot_age_seconds counts from it.
  void on_snapshot_current(Micros at) { snapshot_current_at_.store(at); }

  // One webhook delivery attempt's result: "ok", "retry" or "parked".
  void on_webhook_delivery(std::string_view result);

  // A subscription's figures at a scrape: its label ("organisation/subscriptionId"), the
  // visible events after its checkpoint and its parked batches.
  struct SubscriptionFigures {
    std::string label;
    std::uint64_t lag = 0;
    std::uint64_t parked = 0;
  };

  // The text exposition, with the gauges set from the current figures first (the process's,
  // the store engine's, and the snapshot's age at `now`).
  std::string render(std::uint64_t store_position, std::uint64_t projector_position,
                     const CurrentFigures& figures, const Participation& participation,
                     const std::vector<SubscriptionFigures>& subscriptions = {},
                     const StoreStats& store = {}, Micros now = 0);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& events_appended_;
  prometheus::Family<prometheus::Histogram>& batch_events_;
  prometheus::Histogram* batch_events_metric_;
  prometheus::Family<prometheus::Histogram>& append_duration_;
  prometheus::Histogram* append_duration_metric_;
  prometheus::Family<prometheus::Counter>& http_requests_;
  prometheus::Family<prometheus::Histogram>& http_duration_;
  prometheus::Family<prometheus::Gauge>& store_position_;
  prometheus::Family<prometheus::Gauge>& projection_position_;
  prometheus::Family<prometheus::Gauge>& places_;
  prometheus::Family<prometheus::Gauge>& location_beds_;
  prometheus::Family<prometheus::Gauge>& stay_alerts_;
  prometheus::Family<prometheus::Gauge>& open_escalations_;
  prometheus::Family<prometheus::Counter>& activities_held_;
  prometheus::Family<prometheus::Gauge>& cases_by_track_;
  prometheus::Family<prometheus::Counter>& webhook_deliveries_;
  prometheus::Family<prometheus::Gauge>& subscription_lag_;
  prometheus::Family<prometheus::Gauge>& subscription_parked_;
  std::vector<std::string> subscription_labels_;  // the series set at the last scrape
  void set_subscriptions(const std::vector<SubscriptionFigures>& subscriptions);
  void set_operations(const StoreStats& store, Micros now);
  prometheus::Family<prometheus::Counter>& process_cpu_;
  prometheus::Family<prometheus::Gauge>& process_resident_;
  prometheus::Family<prometheus::Gauge>& process_virtual_;
  prometheus::Family<prometheus::Gauge>& process_open_fds_;
  prometheus::Family<prometheus::Gauge>& process_max_fds_;
  prometheus::Family<prometheus::Gauge>& process_start_;
  prometheus::Family<prometheus::Gauge>& build_info_;
  prometheus::Family<prometheus::Gauge>& store_bytes_;
  prometheus::Family<prometheus::Gauge>& pending_compaction_;
  prometheus::Family<prometheus::Gauge>& write_stopped_;
  prometheus::Family<prometheus::Gauge>& delayed_write_rate_;
  prometheus::Family<prometheus::Counter>& write_stalls_;
  prometheus::Family<prometheus::Gauge>& snapshot_age_;
  prometheus::Family<prometheus::Gauge>& follower_age_;
  prometheus::Family<prometheus::Counter>& follower_failures_;
  std::atomic<Micros> snapshot_current_at_{0};
  std::mutex render_mu_;

  // The labelled series each request and append updates, found once: a Family::Add builds a
  // label map, hashes it and copies the bucket bounds on every call.
  struct RequestSeries {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class T>
  using SeriesMap = std::unordered_map<std::string, T, KeyHash, std::equal_to<>>;
  std::mutex series_mu_;
  SeriesMap<RequestSeries> request_series_;   // "method route status"
  SeriesMap<prometheus::Counter*> appended_;  // event type
};

}  // namespace perspectief::api
