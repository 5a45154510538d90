// Rebuilding the read models from the store: events per second on one core, from the RocksDB
// scan through record decoding to the folds (History and the case-file model), and each part
// alone. The store is a generated programme history (perspectief demo).
// BM_ProjectorStart: the server's start-up fold without a snapshot, the log read decoded for
// folds or whole.
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
#include "projections/projector.hpp"
#include "projections/start_up.hpp"
#include "projections/write_policy.hpp"
#include "services/storage.hpp"
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

// A projection that reads whole envelopes (it does nothing with them): beside it the projector
// reads the log whole, as it did before read_all_for_folds.
class WholeEnvelopes final : public Projection {
 public:
  std::string_view name() const override { return "whole"; }
  void apply(const Envelope& /*envelope*/) override {}
};

// The server's start-up without a snapshot: the projector folds the whole log into both read
// models from a store opened for writing (a copy of the demo store), reading it decoded for
// folds (for_folds:1) or whole (for_folds:0, with WholeEnvelopes beside the two models).
void BM_ProjectorStart(benchmark::State& state) {
  auto& d = demo();
  const std::filesystem::path copy = d.dir.string() + "-projector-copy";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(d.dir, copy, std::filesystem::copy_options::recursive);
  {
    auto storage = Storage::open(copy.string(), initial_programme(500, 360, 18));
    if (!storage) {
      state.SkipWithError("the copy of the store does not open");
    } else {
      for (auto _ : state) {
        History history{500, 360, 18};
        CaseFiles case_files{initial_programme(500, 360, 18)};
        WholeEnvelopes whole;
        Projector projector{(*storage)->log()};
        projector.add(case_files);
        projector.add(history);
        if (state.range(0) == 0) projector.add(whole);
        if (!projector.start(0)) state.SkipWithError("the fold failed");
        benchmark::DoNotOptimize(history.position());
      }
    }
  }
  std::filesystem::remove_all(copy);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * d.events));
}

BENCHMARK(BM_ScanAndDecode)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_RebuildAllReadModels)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FoldsOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ProjectorStart)
    ->ArgName("for_folds")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
