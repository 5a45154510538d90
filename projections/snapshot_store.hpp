#pragma once

#include <cstdint>
#include <optional>

#include "domain/result.hpp"
#include "eventstore/event_store.hpp"
#include "projections/case_files.hpp"
#include "projections/feed_index.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"

namespace perspectief {

// The read models a snapshot holds; `feed` (the feed index) may be null.
struct SnapshotModels {
  CaseFiles& case_files;
  History& history;
  FeedIndex* feed = nullptr;
};

// Writes a snapshot of the read models (the case-file model and the history, and the feed
// index under kFeedIndexName) at the projector's position into the store's checkpoints.
// Pauses folding while it encodes. Returns the position it saved (0 if the log is empty:
// nothing to save).
Result<std::uint64_t> save_snapshot(EventStore& store, Projector& projector,
                                    const SnapshotModels& models, const ProgrammeState& defaults);

// Loads the newest snapshot, if any, if it was folded with the same programme defaults and
// if the log still has its event at its position, into
// `case_files` and `history` (fresh ones). Returns the position to fold on from
// (0: no usable snapshot, fold everything). With `write_model`, a second copy of the
// case-file model is decoded into it on another thread at the same time (for the write
// policy, which would otherwise copy the folded one); it is set only when the snapshot is
// used.
// With a feed index, the snapshot is used only if the feed index saved with it is there too,
// at the same position.
std::uint64_t load_snapshot(const EventStore& store, ProgrammeState defaults,
                            const SnapshotModels& models,
                            std::optional<ProgrammeModel>* write_model = nullptr);

inline constexpr const char* kFeedIndexName = "feed-index";

}  // namespace perspectief
