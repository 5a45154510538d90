#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perspectief {

struct VerifyReport {
  bool ok = true;
  std::uint64_t events = 0;        // records checked
  std::uint64_t streams = 0;       // distinct streams
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
// version; no index entry without a record; every record's data is valid JSON.
VerifyReport verify_store(const std::string& path);

}  // namespace perspectief
