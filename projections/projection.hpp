#pragma once

#include <span>
#include <string_view>

#include "eventstore/envelope.hpp"
#include "projections/parsed_envelope.hpp"

namespace perspectief {

// A read model: a fold over durable envelopes, in position order.
class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual void apply(const Envelope& envelope) = 0;
  // Several in position order (a page of the log): a projection may take its lock once.
  virtual void apply_all(std::span<const Envelope> envelopes) {
    for (const auto& e : envelopes) apply(e);
  }
  // The same with the page's streams and typed events parsed once for every projection
  // (parse_page, by the Projector): a projection that folds typed events overrides it.
  virtual void apply_parsed(std::span<const Envelope> envelopes,
                            std::span<const ParsedEnvelope> /*parsed*/) {
    apply_all(envelopes);
  }
  // True when apply_parsed reads of an envelope only its position, stream, version, type,
  // schema version, times and role, and its typed event: never `data`, the event id, the
  // actor's names or the sealed fields. The projector then reads the log decoded for folds
  // (EventStore::read_all_for_folds) when every projection says so.
  virtual bool folds_typed_events() const { return false; }
};

}  // namespace perspectief
