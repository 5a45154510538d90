#pragma once

#include <cstdint>

#include "domain/result.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/sealer.hpp"

namespace perspectief {

struct DemoOptions {
  int cases = 4500;        // people registered over the whole period
  int years = 5;           // the history ends today (`end`)
  std::uint64_t seed = 1;  // the same seed gives the same history
  // Case ids as UUIDs (36 characters, as the API recommends; drawn from the seed, so the same
  // seed gives the same ids), else demo-1, demo-2, ... The history is the same either way.
  bool uuid_case_ids = false;
  Micros end = 0;  // business time of the last day
  // Seals the personal fields like the API does (encryption at rest); required unless a
  // test wants plain records.
  privacy::Sealer* sealer = nullptr;
};

struct DemoReport {
  std::uint64_t events = 0;
  std::uint64_t refused = 0;  // appends the rules refused (0 for a consistent generator)
  int cases = 0;
};

// Appends a realistic programme history through `store` (and so through its rules): the
// programme's capacity (500 places, 360 LVV), locations of 40-80 beds run by the four
// housing partners, an intake funnel with rejections, referrals and a waitlist, case
// managers, monthly living allowance, legal and return steps, tracks, escalations, stay
// extensions, participation and weekly activities, neighbourhood contacts, and exits with an
// outcome mix like the national LVV evaluation (about 18% durable, 41% semi-durable, 41% no
// solution). Deterministic for a seed. The people are invented.
Result<DemoReport> generate_demo(EventStore& store, const DemoOptions& options);

}  // namespace perspectief
