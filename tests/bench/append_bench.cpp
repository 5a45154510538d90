// Durable appends in-process: 1-event commands from 1, 8 and 64 producer threads, each to a
// new stream, through the real RocksDB store with group commit and a synced WAL.
// Run: build/release/tests/bench/append_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
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
    RocksStoreOptions o;
    o.path = dir.string();
    o.clock = &clock;
    store = std::move(RocksEventStore::open(std::move(o)).value());
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
    AppendRequest req{stream,
                      ExpectedVersion::no_stream(),
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
  if (state.thread_index() == 0) {
    const auto s = store.stats();
    state.counters["events_per_commit"] = benchmark::Counter(
        s.commits ? static_cast<double>(s.events) / static_cast<double>(s.commits) : 0,
        benchmark::Counter::kAvgThreads);
    state.counters["sync_us_per_commit"] = benchmark::Counter(
        s.commits ? static_cast<double>(s.sync_micros) / static_cast<double>(s.commits) : 0,
        benchmark::Counter::kAvgThreads);
  }
  if (!latencies_us.empty()) {
    std::sort(latencies_us.begin(), latencies_us.end());
    // Per-thread percentiles, averaged over the threads.
    state.counters["p50_us"] =
        benchmark::Counter(latencies_us[latencies_us.size() / 2], benchmark::Counter::kAvgThreads);
    state.counters["p99_us"] = benchmark::Counter(latencies_us[latencies_us.size() * 99 / 100],
                                                  benchmark::Counter::kAvgThreads);
  }
}

BENCHMARK(BM_DurableAppend)->Threads(1)->Threads(8)->Threads(64)->UseRealTime()->MinTime(2.0);

// The same appends from N asynchronous producers: each keeps one append outstanding and
// issues its next one from the completion of the previous (as the HTTP server's sessions
// do), so the store, not OS thread switching, is measured.
void BM_DurableAppendAsync(benchmark::State& state) {
  auto& store = *bench_store().store;
  const auto producers = static_cast<int>(state.range(0));
  const auto data = boost::json::parse(R"({"track":"return"})").as_object();
  for (auto _ : state) {
    state.PauseTiming();
    constexpr int kPerProducer = 400;
    std::atomic<int> remaining{producers * kPerProducer};
    std::atomic<int> failures{0};
    std::mutex mu;
    std::condition_variable cv;
    std::function<void(int)> issue = [&](int left) {
      AppendRequest req{"case-b" + std::to_string(g_stream.fetch_add(1)),
                        ExpectedVersion::no_stream(),
                        {make_new_event(random_uuid(), "PerspectiveChosen", std::nullopt, data)},
                        Actor{"bench", "bench", Role::regie}};
      store.append(std::move(req), [&, left](Result<AppendResult> r) {
        if (!r.ok()) ++failures;
        if (left > 1) issue(left - 1);
        if (--remaining == 0) {
          std::lock_guard lock(mu);
          cv.notify_all();
        }
      });
    };
    state.ResumeTiming();
    for (int p = 0; p < producers; ++p) issue(kPerProducer);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return remaining.load() == 0; });
    if (failures.load() > 0) state.SkipWithError("append failed");
    state.SetItemsProcessed(state.items_processed() + producers * kPerProducer);
  }
  const auto s = store.stats();
  state.counters["events_per_commit"] =
      s.commits ? static_cast<double>(s.events) / static_cast<double>(s.commits) : 0;
}

BENCHMARK(BM_DurableAppendAsync)
    ->Arg(1)
    ->Arg(8)
    ->Arg(64)
    ->UseRealTime()
    ->MinTime(2.0)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
