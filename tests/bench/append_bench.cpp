// Durable appends in-process: 1-event commands from 1, 8 and 64 producer threads, each to a
// new stream, through the real RocksDB store with group commit and a synced WAL.
// Run: build/release/tests/bench/append_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <vector>

#include <boost/json/parse.hpp>

#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {
namespace {

struct BenchStore {
  SystemClock clock;
  std::filesystem::path dir;
  std::unique_ptr<RocksEventStore> store;

  BenchStore() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("perspectief-bench-" + std::to_string(rd()));
    store = std::move(RocksEventStore::open({dir.string(), &clock}).value());
  }
  ~BenchStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

BenchStore& bench_store() {
  static BenchStore s;
  return s;
}

std::atomic<std::uint64_t> g_stream{0};

void BM_DurableAppend(benchmark::State& state) {
  auto& store = *bench_store().store;
  const auto data = boost::json::parse(R"({"track":"return"})").as_object();
  std::vector<double> latencies_us;
  latencies_us.reserve(1 << 16);
  for (auto _ : state) {
    const std::string stream = "case-b" + std::to_string(g_stream.fetch_add(1));
    AppendRequest req{stream, ExpectedVersion::no_stream(),
                      {make_new_event(random_uuid(), "PerspectiveChosen", std::nullopt, data)},
                      Actor{"bench", "bench", Role::regie}};
    const auto t0 = std::chrono::steady_clock::now();
    auto r = store.append_sync(std::move(req));
    const auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      state.SkipWithError("append failed");
      break;
    }
    latencies_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  state.SetItemsProcessed(state.iterations());
  if (!latencies_us.empty()) {
    std::sort(latencies_us.begin(), latencies_us.end());
    state.counters["p50_us"] = latencies_us[latencies_us.size() / 2];
    state.counters["p99_us"] = latencies_us[latencies_us.size() * 99 / 100];
  }
}

BENCHMARK(BM_DurableAppend)->Threads(1)->Threads(8)->Threads(64)->UseRealTime()->MinTime(2.0);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
