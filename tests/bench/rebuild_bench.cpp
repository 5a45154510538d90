// Rebuilding the read models from the store: events per second on one core, from the RocksDB
// scan through record decoding to the folds (History and the case-file model), and each part
// alone. The store is a generated programme history (perspectief demo).
// Run: build/release/tests/bench/rebuild_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "eventstore/clock.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/scan.hpp"
#include "projections/case_files.hpp"
#include "projections/fold_scan.hpp"
#include "projections/history.hpp"
#include "projections/start_up.hpp"
#include "projections/write_policy.hpp"
#include "tests/bench/bench_store.hpp"

namespace perspectief {
namespace {

DemoOptions ten_years() {
  DemoOptions o;
  o.cases = 20000;
  o.years = 10;
  return o;
}

struct DemoStore {
  // A store made by `perspectief demo --cases 20000 --years 10` can be given instead (for
  // profiling the rebuild alone): REBUILD_BENCH_STORE=<data dir>.
  bench::DemoStore store =
      std::getenv("REBUILD_BENCH_STORE") != nullptr
          ? bench::DemoStore(std::filesystem::path{std::getenv("REBUILD_BENCH_STORE")})
          : bench::DemoStore("rebuild", ten_years());
  std::filesystem::path dir = store.dir();
  std::uint64_t events = 0;
  DemoStore() {
    (void)scan_store(dir.string(), 0, {}, [&](const Envelope&) { ++events; });
  }
};

DemoStore& demo() {
  static DemoStore s;
  return s;
}

void BM_ScanAndDecode(benchmark::State& state) {
  auto& d = demo();
  for (auto _ : state) {
    std::uint64_t n = 0;
    (void)scan_store(d.dir.string(), 0, upcast_envelope, [&](const Envelope&) { ++n; });
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.events));
}

void BM_RebuildAllReadModels(benchmark::State& state) {
  auto& d = demo();
  for (auto _ : state) {
    History history{500, 360, 18};
    CaseFiles case_files{initial_programme(500, 360, 18)};
    // As perspectief replay: a page of the log at a time, each event parsed once for both
    // folds, flat data read from its stored text (projections/fold_scan.hpp).
    auto store = ReadOnlyStore::open(d.dir.string());
    (void)scan_for_folds(**store, 0,
                         [&](std::span<const Envelope> page, std::span<const ParsedEnvelope> p) {
                           history.apply_parsed(page, p);
                           case_files.apply_parsed(page, p);
                         });
    benchmark::DoNotOptimize(history.position());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.events));
}

void BM_FoldsOnly(benchmark::State& state) {
  auto& d = demo();
  std::vector<Envelope> events;
  events.reserve(d.events);
  (void)scan_store(d.dir.string(), 0, upcast_envelope,
                   [&](const Envelope& e) { events.push_back(e); });
  for (auto _ : state) {
    History history{500, 360, 18};
    CaseFiles case_files{initial_programme(500, 360, 18)};
    std::vector<ParsedEnvelope> parsed;
    for (std::size_t i = 0; i < events.size(); i += 256) {
      const std::span<const Envelope> page{events.data() + i,
                                           std::min<std::size_t>(256, events.size() - i)};
      parse_page(page, parsed);
      history.apply_parsed(page, parsed);
      case_files.apply_parsed(page, parsed);
    }
    benchmark::DoNotOptimize(history.position());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
}

BENCHMARK(BM_ScanAndDecode)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_RebuildAllReadModels)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FoldsOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
