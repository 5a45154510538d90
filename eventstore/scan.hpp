#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief {

class ReadOnlyStore;

// Reads every event of the store at `path` after `after`, in position order, without taking
// the store's lock (RocksDB read-only), so tools can read a store a running server holds.
// `upcast` (optional) is applied to each envelope first. unavailable if the store cannot be
// opened or read; corrupt, naming the position, if a record (or a fold page,
// eventstore/fold_pages.hpp) does not decode or a position is missing.
Status scan_store(const std::string& path, std::uint64_t after,
                  const std::function<void(Envelope&)>& upcast,
                  const std::function<void(Envelope&)>& visit);
// The same over a store the caller opened (to read its other column families alongside).
Status scan_store(ReadOnlyStore& store, std::uint64_t after,
                  const std::function<void(Envelope&)>& upcast,
                  const std::function<void(Envelope&)>& visit);

// The same a page at a time (up to 256 envelopes, in position order, reused between pages), for
// folds that take their lock once per page (Projection::apply_all).
Status scan_store_pages(ReadOnlyStore& store, std::uint64_t after,
                        const std::function<void(Envelope&)>& upcast,
                        const std::function<void(std::span<Envelope>)>& visit);

// The same decoded for folds (Decoding::for_folds: the data as its stored text in
// Envelope::data_text, no event id, actor or sealed fields), for folds that read the text
// into typed events (projections/fold_parser.hpp); `upcast` is applied only to the envelopes
// decoded whole (format 1 records), those with a `data` object.
Status scan_store_text_pages(ReadOnlyStore& store, std::uint64_t after,
                             const std::function<void(Envelope&)>& upcast,
                             const std::function<void(std::span<Envelope>)>& visit);

// The API shape back into an envelope (for JSON Lines exports). invalid if a field is missing.
Result<Envelope> envelope_from_json(const boost::json::object& o);

}  // namespace perspectief
