// A read model as known at a past time against the same read as of now, through the API's own
// read_model() on a RocksDB store of the demo (perspectief demo: 4,500 cases over 5 years);
// also the monthly report and a 24-month series (spec/evaluation.md).
// The knownAt is the recordedAt of the event `late` positions before the end, so the read
// leaves out the last `late` events (the demo programme records about 1,600 events a month);
// each read either folds them anew or finds them in the server's cache.
// Run: build/release/tests/bench/known_at_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "api/read_model_routes.hpp"
#include "projections/history.hpp"
#include "projections/known_at.hpp"
#include "projections/start_up.hpp"
#include "projections/write_policy.hpp"
#include "tests/bench/bench_store.hpp"

namespace perspectief {
namespace {

struct Demo {
  bench::DemoStore made{"knownat", {}};
  std::unique_ptr<Storage> storage =
      std::move(Storage::open(made.dir().string(), initial_programme(500, 360, 18)).value());
  History history{500, 360, 18};

  Demo() {
    if (!fold_after(storage->store(), 0, storage->store().last_position(), history)) std::abort();
  }

  // The knownAt that leaves out the last `late` events.
  std::string known_at(std::uint64_t late) const {
    const auto e = storage->store().read_all(history.position() - late - 1, 1).value();
    return format_rfc3339(e.front().recorded_at);
  }
};

Demo& demo() {
  static Demo d;
  return d;
}

// The month before the last of the demo, as a monthly report reads it.
void read(benchmark::State& state, api::RouteId route, const std::string& query) {
  auto& d = demo();
  const auto late = static_cast<std::uint64_t>(state.range(0));
  std::string target = "/x?" + query;
  if (late > 0) target += "&knownAt=" + d.known_at(late);
  const Micros now = d.storage->clock().now();
  // 0: each read folds the late events anew (the first read); 1: through the server's
  // caches, read twice before the timing starts, so every timed read finds its entry turned
  // forward (a report read again); 2: the first and the second read of a fresh cache (the
  // second turns the entry forward: it folds the events up to the cut).
  const auto once = [&](api::ReadModelCaches* kept) {
    const auto res = api::read_model(route, target, d.history, now, &d.storage->store(), kept);
    if (res.result_int() != 200) state.SkipWithError("not 200");
    benchmark::DoNotOptimize(res.body().size());
  };
  api::ReadModelCaches caches;
  if (state.range(1) == 1) {
    once(&caches);
    once(&caches);
  }
  for (auto _ : state) {
    if (state.range(1) == 2) {
      api::ReadModelCaches fresh;
      once(&fresh);
      once(&fresh);
    } else {
      once(state.range(1) == 1 ? &caches : nullptr);
    }
  }
}

std::string month_end() {
  const Days today = day_of(demo().storage->clock().now());
  const auto c = civil_from_days(today);
  const Days first = days_from_civil({c.year, c.month, 1});
  return format_date(first - 1);
}

void BM_Occupancy(benchmark::State& state) {
  read(state, api::RouteId::occupancy, "asOf=" + month_end());
}
void BM_Outcomes(benchmark::State& state) {
  const auto end = month_end();
  read(state, api::RouteId::outcomes, "from=" + end.substr(0, 8) + "01&to=" + end + "&asOf=" + end);
}
void BM_Utilisation(benchmark::State& state) {
  const auto end = month_end();
  read(state, api::RouteId::utilisation,
       "from=" + end.substr(0, 8) + "01&to=" + end + "&asOf=" + end);
}

void BM_MonthlyReport(benchmark::State& state) {
  read(state, api::RouteId::monthly_report, "month=" + month_end().substr(0, 7));
}
void BM_Series24Months(benchmark::State& state) {
  const Days last = parse_date(month_end()).value();
  const Days first = add_months(last - civil_from_days(last).day + 1, -23);
  read(state, api::RouteId::series,
       "from=" + format_date(first).substr(0, 7) + "&to=" + format_date(last).substr(0, 7));
}

// Late events: 0 (no knownAt: as of now), a month's and a year's; without and with the caches,
// and the first two reads of a fresh cache.
void late_and_cached(benchmark::internal::Benchmark* b) {
  b->Args({0, 0});
  for (const int late : {1600, 19200}) {
    for (const int cached : {0, 1, 2}) b->Args({late, cached});
  }
  b->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_Occupancy)->Apply(late_and_cached);
BENCHMARK(BM_Outcomes)->Apply(late_and_cached);
BENCHMARK(BM_Utilisation)->Apply(late_and_cached);
BENCHMARK(BM_MonthlyReport)->Apply(late_and_cached);
BENCHMARK(BM_Series24Months)->Args({0, 0})->Args({1600, 1})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
