#pragma once

#include <cstdint>

#include "domain/programme.hpp"
#include "domain/result.hpp"
#include "eventstore/event_store.hpp"
#include "projections/case_files.hpp"
#include "projections/feed_index.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"
#include "projections/write_policy.hpp"

namespace perspectief {

// The write model (case files), the read models (history) and the feed index over a store, kept
// current by the projector, with their snapshots. Built before the first request, folded once.
class Models {
 public:
  Models(EventStore& store, const ProgrammeState& defaults);

  // The server's start-up path (projections/start_up.hpp): the newest usable snapshot, the
  // log after it folded in; the write policy gets the same state. Returns the snapshot's
  // position (0: folded from the start).
  Result<std::uint64_t> start(WritePolicy& policy);
  // A snapshot at the projector's position; returns that position (0: nothing to save).
  Result<std::uint64_t> save_snapshot();

  CaseFiles& case_files() { return case_files_; }
  History& history() { return history_; }
  FeedIndex& feed_index() { return feed_index_; }
  Projector& projector() { return projector_; }

 private:
  EventStore& store_;
  ProgrammeState defaults_;
  CaseFiles case_files_;
  History history_;
  FeedIndex feed_index_;
  Projector projector_;
};

}  // namespace perspectief
