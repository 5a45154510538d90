#pragma once

#include <cstdint>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/event_store.hpp"
#include "projections/case_files.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"
#include "projections/snapshot_store.hpp"
#include "projections/write_policy.hpp"

namespace perspectief {

// The store's read hook for schema evolution: the upcaster registry applied to an envelope.
void upcast_envelope(Envelope& e);

// The server's start-up path: the read models from the newest usable snapshot, the log after
// it folded in by the projector (which then follows commits), and the write model copied
// from the read side, since both are the same fold at the durable position (one fold of
// the log, not two). Returns the snapshot position used (0: folded from the start).
Result<std::uint64_t> start_models(EventStore& store, const ProgrammeState& defaults,
                                   WritePolicy& policy, const SnapshotModels& models,
                                   Projector& projector);

}  // namespace perspectief
