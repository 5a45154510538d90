// The access log's cost for webhook deliveries, on the real RocksDB store:
// - writing the reads of one batch of 100 events of 100 cases: one record per case (as a feed
//   page is logged: the shared record and 100 references) against one record for the batch
//   (AccessLog::delivery);
// - reading a case's log back (AccessLog::list) when its 10 events went out in the batches of
//   20 or 200 webhook subscriptions, each of which delivered positions 1-20,000 in batches of
//   100 with every event's personal data opened.
// Run: build/release/tests/bench/access_log_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "eventstore/access_log.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"

namespace perspectief {
namespace {

constexpr std::uint64_t kBatch = 100;
constexpr std::uint64_t kPositions = 20'000;

struct BenchLog {
  SystemClock clock;
  std::filesystem::path dir;
  std::unique_ptr<RocksEventStore> store;
  std::unique_ptr<privacy::AccessLog> log;

  BenchLog() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("perspectief-bench-" + std::to_string(rd()));
    RocksStoreOptions o;
    o.path = dir.string();
    o.clock = &clock;
    store = std::move(RocksEventStore::open(std::move(o)).value());
    log = std::make_unique<privacy::AccessLog>(store->access_log_table());
  }
  ~BenchLog() {
    log.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

const Actor kReader{"hook", "hvo", Role::intake};

void BM_LogBatchPerCase(benchmark::State& state) {
  BenchLog b;
  std::uint64_t next_case = 0;
  for (auto _ : state) {
    std::vector<std::string> cases;
    cases.reserve(kBatch);
    for (std::uint64_t i = 0; i < kBatch; ++i) cases.push_back("c-" + std::to_string(next_case++));
    const auto entries = b.log->entries(kReader, cases, b.clock.now(), "webhook");
    if (!b.log->write(entries)) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LogBatchPerCase)->MinTime(2.0);

void BM_LogBatchOneRecord(benchmark::State& state) {
  BenchLog b;
  std::uint64_t to = 0;
  std::vector<std::uint64_t> opened(kBatch);
  for (auto _ : state) {
    for (auto& p : opened) p = ++to;
    const auto entry = b.log->delivery(kReader, 1, to, opened, b.clock.now(), "webhook");
    if (!b.log->write({&entry, 1})) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LogBatchOneRecord)->MinTime(2.0);

void BM_ListACaseAmongWebhookBatches(benchmark::State& state) {
  BenchLog b;
  const auto subscriptions = static_cast<std::uint64_t>(state.range(0));
  std::vector<std::uint64_t> opened(kBatch);
  for (std::uint64_t s = 1; s <= subscriptions; ++s) {
    for (std::uint64_t to = kBatch; to <= kPositions; to += kBatch) {
      for (std::uint64_t i = 0; i < kBatch; ++i) opened[i] = to - kBatch + 1 + i;
      const auto entry =
          b.log->delivery(kReader, s * 0x9e3779b97f4a7c15ULL, to, opened, b.clock.now(), "webhook");
      if (!b.log->write({&entry, 1})) state.SkipWithError("write failed");
    }
  }
  std::mt19937_64 random{42};
  for (auto _ : state) {
    std::vector<std::uint64_t> positions(10);
    for (auto& p : positions) p = 1 + random() % kPositions;
    std::sort(positions.begin(), positions.end());
    const auto page = b.log->list("c-1", positions, "", 10'000);
    if (!page || page->entries.size() < subscriptions) state.SkipWithError("list failed");
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_ListACaseAmongWebhookBatches)->Arg(20)->Arg(200)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace perspectief

BENCHMARK_MAIN();
