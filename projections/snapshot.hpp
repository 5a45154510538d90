#pragma once

#include <optional>
#include <string>

#include "eventstore/event_store.hpp"
#include "projections/history.hpp"
#include "projections/programme_model.hpp"

namespace perspectief {

// Snapshots of the folded state, so a restart loads them and folds only the events after
// them instead of the whole log. Kept in the store's checkpoints column family under
// kSnapshotName. A snapshot names its position and the eventId there; it is used only if
// the log still has that event at that position (a restored or foreign store is folded
// from the start), and only if its format version is the current one.
inline constexpr const char* kSnapshotName = "read-models";
// 2: activities, neighbourhood contacts; 3: previousCaseId and exit interviews in the facts
inline constexpr std::uint64_t kSnapshotFormat = 3;

struct SnapshotHeader {
  std::uint64_t position = 0;
  std::string event_id;  // of the event at `position`
};

// What else must match for a snapshot to be used: the programme defaults it was folded with
// (the server flags) and the sizes of the structures it stores as raw bytes.
struct SnapshotFingerprint {
  std::int64_t places = 0;
  std::int64_t lvv_places = 0;
  std::int64_t max_stay_months = 0;
  std::uint64_t layout = 0;
  bool operator==(const SnapshotFingerprint&) const = default;
};
SnapshotFingerprint snapshot_fingerprint(const ProgrammeState& defaults);

// The programme model and the history as of `header.position` (both must be there).
std::string encode_snapshot(const SnapshotHeader& header, const SnapshotFingerprint& fingerprint,
                            const ProgrammeModel& model, const History& history);

// Fills `model` and `history` (fresh ones) from a snapshot; nullopt if it is damaged or of
// another format (the caller then folds from the start).
// `expected` must equal the fingerprint the snapshot was written with.
std::optional<SnapshotHeader> decode_snapshot(std::string_view bytes,
                                              const SnapshotFingerprint& expected,
                                              ProgrammeModel& model, History& history);
// Only the case-file model of a snapshot (for a second copy, the write model, decoded
// alongside the first instead of copied from it).
std::optional<SnapshotHeader> decode_snapshot_model(std::string_view bytes,
                                                    const SnapshotFingerprint& expected,
                                                    ProgrammeModel& model);

}  // namespace perspectief
