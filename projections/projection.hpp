#pragma once

#include <string_view>

#include "eventstore/envelope.hpp"

namespace perspectief {

// A read model: a fold over durable envelopes, in position order.
class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual void apply(const Envelope& envelope) = 0;
};

}  // namespace perspectief
