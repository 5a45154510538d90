// Memory of the read models for N cases (default 1,000,000): folds a synthetic history of
// N complete trajectories (about 14 events each) into History and the case-file model and
// prints the resident set size before and after.
// Run: build/release/tests/bench/memory_bench [CASES]
#include <boost/json/parse.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "projections/case_files.hpp"
#include "projections/history.hpp"

namespace {

using namespace perspectief;

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const long cases = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1'000'000;
  const long before = rss_kib();
  History history{500'000'000, 360'000'000, 18};
  CaseFiles files{initial_programme(500'000'000, 360'000'000, 18)};
  std::uint64_t position = 0;
  const Micros t0 = 1609459200LL * kMicrosPerSecond;  // 2021-01-01
  const auto apply = [&](const std::string& stream, std::uint64_t version, const char* type,
                         const char* data, Micros at) {
    Envelope e;
    e.position = ++position;
    e.stream = stream;
    e.version = version;
    e.type = type;
    e.occurred_at = at;
    e.recorded_at = at;
    e.data = boost::json::parse(data).as_object();
    history.apply(e);
    files.apply(e);
  };
  for (int l = 0; l < 100; ++l) {
    const std::string loc = "loc-" + std::to_string(l);
    const std::string data =
        R"({"name":"L)" + std::to_string(l) + R"(","operator":"hvo-querido","beds":100000})";
    apply("location-" + loc, 1, "LocationOpened", data.c_str(), t0);
  }
  for (long c = 0; c < cases; ++c) {
    const std::string s = "case-" + std::to_string(c);
    const Micros at = t0 + (c % 1000) * kMicrosPerDay;
    const std::string bed = R"({"locationId":"loc-)" + std::to_string(c % 100) + R"("})";
    std::uint64_t v = 0;
    apply(s, ++v, "CaseRegistered", R"({"person":{"name":"x"}})", at);
    apply(s, ++v, "IntakeCompleted", R"({"eligible":true})", at + 1);
    apply(s, ++v, "CaseManagerAssigned", R"({"caseManager":"cm-1","organisation":"aco"})", at + 2);
    apply(s, ++v, "PlacementDecided", R"({"decision":"admitted","funding":"lvv"})", at + 3);
    apply(s, ++v, "BedAssigned", bed.c_str(), at + 4);
    apply(s, ++v, "PerspectiveChosen", R"({"track":"return"})", at + 5);
    apply(s, ++v, "LegalStepRecorded", R"({"step":"appeal","result":"pending"})", at + 6);
    apply(s, ++v, "LivingAllowancePaid", R"({"amountCents":24000,"period":"2021-02"})", at + 7);
    apply(s, ++v, "LivingAllowancePaid", R"({"amountCents":24000,"period":"2021-03"})", at + 8);
    apply(s, ++v, "ReturnStepRecorded", R"({"step":"orientation"})", at + 9);
    apply(s, ++v, "EscalationRaised",
          R"({"escalationId":"e1","reason":"house_rules","level":"warning"})", at + 10);
    apply(s, ++v, "EscalationResolved", R"({"escalationId":"e1","resolution":"resolved"})",
          at + 11);
    apply(s, ++v, "StayEnded", R"({"outcome":"independent_return"})", at + 12);
    apply(s, ++v, "ExitInterviewHeld", R"({})", at + 13);
  }
  const long after = rss_kib();
  std::printf("cases %ld, events %llu, read models %.1f MiB (RSS %.1f -> %.1f MiB)\n", cases,
              static_cast<unsigned long long>(position), (after - before) / 1024.0, before / 1024.0,
              after / 1024.0);
  return 0;
}
