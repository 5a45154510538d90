// The evaluation read models (spec/evaluation.md) over the demo programme (perspectief demo:
// 4,500 cases over 5 years) and over COPIES copies of it folded side by side (copy k's cases,
// locations and activities get the suffix "-rk", the programme's places are multiplied), as a
// programme of COPIES x 4,500 cases: EVALUATION_BENCH_COPIES=100 gives the 450,000 cases of the
// national LVV at 100x the programme (issue 19). Each read goes through the API's own
// read_model(), as known now.
// Run: build/release/tests/bench/evaluation_bench --benchmark_repetitions=3
//        --benchmark_report_aggregates_only=true
//      EVALUATION_BENCH_COPIES=100 build/release/tests/bench/evaluation_bench ...
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/read_model_routes.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/scan.hpp"
#include "projections/history.hpp"
#include "projections/read_models.hpp"
#include "projections/start_up.hpp"
#include "tests/bench/bench_store.hpp"

namespace perspectief {
namespace {

// `value` with the copy's suffix.
std::string copied(std::string_view value, int copy) {
  return std::string{value} + "-r" + std::to_string(copy);
}

// The envelope of copy `copy` of `e`: its stream and the ids it names suffixed; the
// programme's capacity multiplied (copy 0 only).
Envelope copy_of(const Envelope& e, int copy, int copies) {
  Envelope c = e;
  if (e.stream == "programme") {
    for (const char* field : {"places", "lvvPlaces"}) {
      if (auto* v = c.data.if_contains(field); v != nullptr && v->is_int64())
        *v = v->as_int64() * copies;
    }
    return c;
  }
  c.stream = copied(e.stream, copy);
  for (const char* field : {"locationId", "toLocationId", "previousCaseId"}) {
    if (auto* v = c.data.if_contains(field); v != nullptr && v->is_string())
      *v = copied(v->as_string(), copy);
  }
  return c;
}

int copies_wanted() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, before any thread
  const char* n = std::getenv("EVALUATION_BENCH_COPIES");
  return n == nullptr ? 1 : std::max(1, std::atoi(n));
}

struct Programme {
  int copies = copies_wanted();
  bench::DemoStore made{"evaluation", {}};
  History history{500LL * copies, 360LL * copies, 18};
  Micros now = 0;

  Programme() {
    auto store = ReadOnlyStore::open(made.dir().string());
    if (!store) std::abort();
    std::uint64_t position = 0;
    std::vector<Envelope> page;
    const auto scanned = scan_store_pages(**store, 0, upcast_envelope, [&](std::span<Envelope> in) {
      page.clear();
      for (const Envelope& e : in) {
        for (int k = 0; k < (e.stream == "programme" ? 1 : copies); ++k) {
          page.push_back(copy_of(e, k, copies));
          page.back().position = ++position;
        }
      }
      history.apply_all(page);
    });
    if (!scanned) std::abort();
    now = SystemClock{}.now();
    std::fprintf(stderr, "evaluation_bench: %d copies, %zu cases, %llu events\n", copies,
                 history.cases().size(), static_cast<unsigned long long>(position));
  }
};

Programme& programme() {
  static Programme p;
  return p;
}

void read(benchmark::State& state, api::RouteId route, const std::string& query) {
  auto& p = programme();
  const std::string target = "/x?" + query;
  for (auto _ : state) {
    const auto res = api::read_model(route, target, p.history, p.now);
    if (res.result_int() != 200) state.SkipWithError("not 200");
    benchmark::DoNotOptimize(res.body().size());
  }
}

// The month before the current one.
Days last_month_end() {
  const auto c = civil_from_days(day_of(programme().now));
  return days_from_civil({c.year, c.month, 1}) - 1;
}

// The year up to last_month_end(): from and to, or (perspective) the cases admitted in it.
std::string last_year(const char* from = "from", const char* to = "to") {
  const Days last = last_month_end();
  return std::string{from} + "=" + format_date(add_months(last, -12) + 1) + "&" + to + "=" +
         format_date(last);
}

void BM_MonthlyReport(benchmark::State& state) {
  read(state, api::RouteId::monthly_report, "month=" + format_date(last_month_end()).substr(0, 7));
}
void BM_Series24Months(benchmark::State& state) {
  const Days last = last_month_end();
  const Days first = add_months(last - civil_from_days(last).day + 1, -23);
  read(state, api::RouteId::series,
       "from=" + format_date(first).substr(0, 7) + "&to=" + format_date(last).substr(0, 7));
}
void BM_ReturnsOneYear(benchmark::State& state) {
  read(state, api::RouteId::returns, last_year());
}
void BM_DataQuality(benchmark::State& state) {
  read(state, api::RouteId::data_quality, "");
}
void BM_OutcomesOneYear(benchmark::State& state) {
  read(state, api::RouteId::outcomes, last_year());
}
void BM_UtilisationOneYear(benchmark::State& state) {
  read(state, api::RouteId::utilisation, last_year());
}
void BM_IntakeFunnelOneYear(benchmark::State& state) {
  read(state, api::RouteId::intake_funnel, last_year());
}
void BM_ParticipationOneYear(benchmark::State& state) {
  read(state, api::RouteId::participation, last_year());
}
void BM_PerspectiveOneYear(benchmark::State& state) {
  read(state, api::RouteId::perspective, last_year("admittedFrom", "admittedTo"));
}
// What a metrics scrape computes from the history (api/metrics_handler.cpp): the activities
// held by category and the active cases by track, as of now.
void BM_ScrapeParticipationFigures(benchmark::State& state) {
  auto& p = programme();
  for (auto _ : state) {
    auto held = activities_held_by_category(p.history);
    auto by_track = active_cases_by_track(p.history, p.now);
    benchmark::DoNotOptimize(held.size() + by_track.size());
  }
}
BENCHMARK(BM_ScrapeParticipationFigures)->Unit(benchmark::kMillisecond);

// The same after 15,000 events folded since the last scrape (15 s of 1,000 appends/s): a
// PerspectiveChosen for 15,000 cases spread over the programme (its fold is not timed).
void BM_ScrapeAfter15000Events(benchmark::State& state) {
  auto& p = programme();
  std::vector<std::string> streams;
  p.history.read([&](const History& h) {
    const auto& cases = h.cases();
    for (std::size_t i = 0; i < cases.size() && streams.size() < 15'000; i += 31) {
      streams.push_back("case-" + cases[i].first);
    }
    return 0;
  });
  std::vector<Envelope> page(streams.size());
  const char* tracks[] = {"return", "legal_stay_nl", "onward_migration", "undecided"};
  int round = 0;
  (void)active_cases_by_track(p.history, p.now);
  for (auto _ : state) {
    state.PauseTiming();
    std::uint64_t position = p.history.position();
    for (std::size_t i = 0; i < page.size(); ++i) {
      Envelope& e = page[i];
      e.position = ++position;
      e.stream = streams[i];
      e.type = "PerspectiveChosen";
      e.schema_version = 1;
      e.occurred_at = p.now - kMicrosPerSecond;
      e.recorded_at = p.now;
      e.data = {{"track", tracks[(i + round) % 4]}};
    }
    ++round;
    p.history.apply_all(page);
    state.ResumeTiming();
    auto held = activities_held_by_category(p.history);
    auto by_track = active_cases_by_track(p.history, p.now);
    benchmark::DoNotOptimize(held.size() + by_track.size());
  }
}
BENCHMARK(BM_ScrapeAfter15000Events)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UtilisationOneYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntakeFunnelOneYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParticipationOneYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PerspectiveOneYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MonthlyReport)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Series24Months)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReturnsOneYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DataQuality)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OutcomesOneYear)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
