#pragma once

#include <cstdint>
#include <memory>

#include "domain/result.hpp"
#include "domain/time.hpp"
#include "eventstore/event_store.hpp"
#include "projections/history.hpp"

namespace perspectief {

// Reads "as known at" a time (spec/evaluation.md, "Known-at"): only events with
// recordedAt <= knownAt count. The store never lets recordedAt decrease along the log, so
// those events are a prefix of it, up to the position recorded_by() finds; the events after
// it, folded on their own (fold_after), are what a HistoryView leaves out.

// The last position among 1..`upto` whose event was recorded at or before `known_at`, 0 if
// none (a binary search of point reads). Errors: those of reading the store.
Result<std::uint64_t> recorded_by(const EventStore& store, Micros known_at, std::uint64_t upto);

// Folds the events in (`after`, `upto`] into `late` (a History of those events alone).
// Errors: those of reading the store.
Status fold_after(const EventStore& store, std::uint64_t after, std::uint64_t upto, History& late);

}  // namespace perspectief
