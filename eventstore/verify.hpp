#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perspectief {

struct VerifyReport {
  bool ok = true;
  std::uint64_t events = 0;        // records checked
  std::uint64_t streams = 0;       // distinct streams
  std::uint64_t fold_pages = 0;    // fold pages checked against their events
  std::uint64_t bad_position = 0;  // the first position at fault (0 if none or not positional)
  std::string problem;             // what is wrong there; never event content
  // Records whose envelope and chain are whole but whose `data` is not valid JSON
  // (Envelope::data_damaged): readers serve them with `"dataDamaged": true`. They leave `ok`
  // as it is (the log is intact and can be copied); `perspectief verify` fails on them.
  std::vector<std::uint64_t> damaged_data;
};

// What `perspectief verify` says of the report's damaged_data ("" when there is none).
std::string damaged_data_problem(const VerifyReport& report);

// Reads the store at `path` read-only (works while the server runs) and checks:
// positions 1..N gapless; each record decodes, names its own position and carries the
// SHA-256 of the record before it; stream versions 1..n per stream, each indexed at the
// record's position; the eventId index points at the record; stream heads equal the last
// version; no index entry without a record; every record's data is valid JSON; every fold
// page (eventstore/fold_pages.hpp) holds exactly what its events give, and none lies beyond
// the last full page of events (a store may lack pages: one written before them).
VerifyReport verify_store(const std::string& path);

}  // namespace perspectief
