// Rebuilding the read models from the store: events per second on one core, from the RocksDB
// scan through record decoding to the folds (History and the case-file model), and each part
// alone. The store is a generated programme history (perspectief demo).
// Run: build/release/tests/bench/rebuild_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "eventstore/clock.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/scan.hpp"
#include "projections/case_files.hpp"
#include "projections/history.hpp"
#include "projections/start_up.hpp"
#include "projections/write_policy.hpp"
#include "services/demo.hpp"
#include "services/storage.hpp"

namespace perspectief {
namespace {

struct DemoStore {
  std::filesystem::path dir;
  std::uint64_t events = 0;
  bool owned = true;
  DemoStore() {
    // A store made by `perspectief demo --cases 20000 --years 10` can be given instead (for
    // profiling the rebuild alone): REBUILD_BENCH_STORE=<data dir>.
    if (const char* given = std::getenv("REBUILD_BENCH_STORE")) {
      dir = given;
      owned = false;
      (void)scan_store(dir.string(), 0, {}, [&](const Envelope&) { ++events; });
      return;
    }
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("perspectief-rebuild-" + std::to_string(rd()));
    // The store is generated in a child process, as `perspectief demo` would: a rebuild runs
    // in a fresh process (replay, start-up), not in a heap the generator's own models have
    // just been freed from (measured: that costs the folds about half their speed).
    const pid_t child = fork();
    if (child == 0) {
      bool made = false;
      {  // the store closes (and flushes) before the child exits
        auto storage = Storage::open(dir.string(), initial_programme(500, 360, 18));
        DemoOptions d;
        d.cases = 20000;
        d.years = 10;
        if (storage) d.end = (*storage)->clock().now();
        made = storage && generate_demo((*storage)->store(), d) && (*storage)->store().compact();
      }
      _exit(made ? 0 : 1);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "rebuild_bench: generating the demo store failed\n");
      std::abort();
    }
    (void)scan_store(dir.string(), 0, {}, [&](const Envelope&) { ++events; });
  }
  ~DemoStore() {
    if (owned) std::filesystem::remove_all(dir);
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
    // As perspectief replay and the server's start-up fold: a page of the log at a time.
    auto store = ReadOnlyStore::open(d.dir.string());
    (void)scan_store_pages(**store, 0, upcast_envelope, [&](std::span<Envelope> page) {
      history.apply_all(page);
      case_files.apply_all(page);
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
    for (std::size_t i = 0; i < events.size(); i += 256) {
      const std::span<const Envelope> page{events.data() + i,
                                           std::min<std::size_t>(256, events.size() - i)};
      history.apply_all(page);
      case_files.apply_all(page);
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
