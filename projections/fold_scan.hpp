#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "projections/parsed_envelope.hpp"

namespace perspectief {

class ReadOnlyStore;

// Reads the log of `store` after `after` for folds (rebuilds, perspectief replay): a page at a
// time, each envelope parsed once (ParsedEnvelope) as Projection::apply_parsed takes it. Data
// that is a flat object (most events) is read from its stored text straight into the typed
// event, and the envelope's `data` stays empty: the folds read the typed event. Other data,
// and events of an older schema version (upcast first), go through the JSON object as in
// scan_store_pages. The envelopes lack what folds do not read: the event id, the actor's
// subject and organisation, the sealed personal fields (Decoding::for_folds). Errors as
// scan_store_pages.
Status scan_for_folds(
    ReadOnlyStore& store, std::uint64_t after,
    const std::function<void(std::span<const Envelope>, std::span<const ParsedEnvelope>)>& visit);

}  // namespace perspectief
