// Restart time: how long the server's start-up path (open the store, load the snapshot, fold
// what follows into the write model and the read models) takes with N events in the store,
// without and with a snapshot. The store is filled with synthetic trajectories of 14 events
// (no capacity limits: 100 locations of 100,000 beds).
// Run: build/release/tests/bench/restart_bench [EVENTS] (default 10,000,000; needs about
// 600 bytes of disk per event in the temp directory).
#include <boost/json/parse.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>

#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sha256.hpp"
#include "services/models.hpp"
#include "services/storage.hpp"

namespace {

using namespace perspectief;
using Steady = std::chrono::steady_clock;

const ProgrammeState kDefaults = initial_programme(500'000'000, 360'000'000, 18);

NewEvent ev(const char* type, const std::string& data, Micros at) {
  return make_new_event(random_uuid(), type, at, boost::json::parse(data).as_object());
}

void fill(const std::string& dir, std::uint64_t events) {
  SystemClock clock;
  RocksStoreOptions o;
  o.path = dir;
  o.clock = &clock;
  auto store = std::move(RocksEventStore::open(std::move(o)).value());
  const Micros t0 = 1609459200LL * kMicrosPerSecond;
  const Actor actor{"bench", "bench", Role::regie};
  for (int l = 0; l < 100; ++l) {
    (void)store->append_sync(
        {"location-loc-" + std::to_string(l),
         ExpectedVersion::any(),
         {ev("LocationOpened", R"({"name":"L","operator":"hvo-querido","beds":100000})", t0)},
         actor});
  }
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  const std::uint64_t cases = events / 14;
  for (std::uint64_t c = 0; c < cases; ++c) {
    const Micros at = t0 + static_cast<Micros>(c % 1500) * kMicrosPerDay;
    const std::string bed = R"({"locationId":"loc-)" + std::to_string(c % 100) + R"("})";
    AppendRequest r{
        "case-" + std::to_string(c),
        ExpectedVersion::any(),
        {ev("CaseRegistered", R"({"person":{"name":"Synthetic Person"}})", at),
         ev("IntakeCompleted", R"({"eligible":true})", at + 1),
         ev("CaseManagerAssigned", R"({"caseManager":"cm-1","organisation":"aco"})", at + 2),
         ev("PlacementDecided", R"({"decision":"admitted","funding":"lvv"})", at + 3),
         ev("BedAssigned", bed, at + 4), ev("PerspectiveChosen", R"({"track":"return"})", at + 5),
         ev("LegalStepRecorded", R"({"step":"appeal","result":"pending"})", at + 6),
         ev("LivingAllowancePaid", R"({"amountCents":24000,"period":"2021-02"})", at + 7),
         ev("LivingAllowancePaid", R"({"amountCents":24000,"period":"2021-03"})", at + 8),
         ev("ReturnStepRecorded", R"({"step":"orientation"})", at + 9),
         ev("EscalationRaised", R"({"escalationId":"e1","reason":"house_rules","level":"warning"})",
            at + 10),
         ev("EscalationResolved", R"({"escalationId":"e1","resolution":"resolved"})", at + 11),
         ev("StayEnded", R"({"outcome":"independent_return"})", at + 12),
         ev("ExitInterviewHeld", "{}", at + 13)},
        actor};
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight < 256; });
    ++in_flight;
    lock.unlock();
    store->append(std::move(r), [&](Result<AppendResult>) {
      std::lock_guard l(mu);
      --in_flight;
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return in_flight == 0; });
}

// The server's start-up path (the same Storage and Models as services/application.cpp); returns
// milliseconds and the position reached.
std::pair<long, std::uint64_t> start_up(const std::string& dir, bool save_at_end) {
  const auto t0 = Steady::now();
  auto storage = std::move(Storage::open(dir, kDefaults).value());
  Models models{storage->store(), kDefaults};
  (void)models.start(storage->policy());
  const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - t0).count();
  const auto position = models.projector().position();
  if (save_at_end) (void)models.save_snapshot();
  return {ms, position};
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  // RESTART_BENCH_STORE=<dir> keeps the store there (filled and snapshotted on the first run),
  // so later runs measure only the starts with the snapshot (for profiling the start-up).
  const char* kept = std::getenv("RESTART_BENCH_STORE");
  std::random_device rd;
  const auto dir = kept != nullptr ? std::string{kept}
                                   : (std::filesystem::temp_directory_path() /
                                      ("perspectief-restart-" + std::to_string(rd())))
                                         .string();
  if (kept == nullptr || !std::filesystem::exists(dir)) {
    const auto f0 = Steady::now();
    fill(dir, events);
    std::printf("filled %llu events in %.1f s\n",
                static_cast<unsigned long long>(events / 14 * 14 + 100),
                std::chrono::duration<double>(Steady::now() - f0).count());
    const auto [cold_ms, position] = start_up(dir, true);
    std::printf("start without snapshot: %ld ms (position %llu)\n", cold_ms,
                static_cast<unsigned long long>(position));
  }
  for (int i = 0; i < 3; ++i) {
    const auto [warm_ms, p] = start_up(dir, false);
    std::printf("start with snapshot:    %ld ms (position %llu)\n", warm_ms,
                static_cast<unsigned long long>(p));
  }
  if (kept == nullptr) std::filesystem::remove_all(dir);
  return 0;
}
