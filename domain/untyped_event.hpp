#pragma once

#include <algorithm>
#include <vector>

#include "domain/domain_event.hpp"
#include "domain/events.hpp"

namespace perspectief {

// The deciders and evolvers of every stream take typed events (domain/events.hpp). These
// adapters serve the callers that hold an event as type and data (stored envelopes, tests):
// they parse it once and call the typed function.

// Counts an event in its stream: the business time it reached and the stream's version.
template <class State>
void count_event(State& state, Micros occurred_at) {
  state.last_occurred = std::max(state.last_occurred, occurred_at);
  ++state.version;
}

// decide(state, typed, occurredAt, context..., now), returning the event as accepted.
template <class Variant, class State, class... Context>
Result<std::vector<DomainEvent>> decide_untyped(const State& state, const DomainEvent& event,
                                                Micros now, const Context&... context) {
  const auto typed = parse_event<Variant>(event.type, event.data);
  if (!typed) return make_error(ErrorCode::invalid, "not an event of this stream");
  if (auto r = decide(state, *typed, event.occurred_at, context..., now); !r) return r.take_error();
  return std::vector<DomainEvent>{event};
}

// evolve_in_place(state, typed, occurredAt); an event that does not parse (damaged data) only
// counts in the version, so the stream's version stays the store's.
template <class Variant, class State>
void evolve_untyped(State& state, const EventRef& event) {
  if (const auto typed = parse_event<Variant>(event.type, event.data)) {
    evolve_in_place(state, *typed, event.occurred_at);
  } else {
    count_event(state, event.occurred_at);
  }
}

}  // namespace perspectief
