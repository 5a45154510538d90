#pragma once

#include <span>
#include <string_view>

#include "eventstore/envelope.hpp"

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
};

}  // namespace perspectief
