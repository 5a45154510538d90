#pragma once

#include <cstdint>
#include <string>

namespace perspectief {

struct VerifyReport {
  bool ok = true;
  std::uint64_t events = 0;        // records checked
  std::uint64_t streams = 0;       // distinct streams
  std::uint64_t bad_position = 0;  // the first position at fault (0 if none or not positional)
  std::string problem;             // what is wrong there; never event content
};

// Reads the store at `path` read-only (works while the server runs) and checks:
// positions 1..N gapless; each record decodes, names its own position and carries the
// SHA-256 of the record before it; stream versions 1..n per stream, each indexed at the
// record's position; the eventId index points at the record; stream heads equal the last
// version; no index entry without a record.
VerifyReport verify_store(const std::string& path);

}  // namespace perspectief
