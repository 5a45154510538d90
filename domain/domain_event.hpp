#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "domain/time.hpp"

namespace perspectief {

// An event as the deciders see it: what happened, its data, and when (business time).
// Clients submit events, so a command is the proposed event itself: decide() checks it
// against the state and returns it (or refuses), evolve() folds it into the state.
struct DomainEvent {
  std::string type;
  boost::json::object data;
  Micros occurred_at = 0;
};

// An event as evolve() reads it: a view of a DomainEvent or of a stored envelope's fields,
// so folding the log copies no event data.
struct EventRef {
  EventRef(const DomainEvent& e)  // NOLINT(google-explicit-constructor): a view of it
      : type(e.type), data(e.data), occurred_at(e.occurred_at) {}
  EventRef(std::string_view t, const boost::json::object& d, Micros at)
      : type(t), data(d), occurred_at(at) {}
  std::string_view type;
  const boost::json::object& data;
  Micros occurred_at = 0;
};

// A refusal for a broken programme rule: 409, naming the rule (e.g. "bed-capacity").
inline Error refuse(std::string rule, std::string message) {
  Error e = make_error(ErrorCode::conflict, std::move(message));
  e.rule = std::move(rule);
  return e;
}

// The rule for business time on every stream: occurredAt never goes back within a stream,
// and never lies more than five minutes after `now` (clock skew).
constexpr Micros kMaxClockSkew = 5 * 60 * kMicrosPerSecond;
Status check_occurred_at(Micros last_in_stream, Micros occurred_at, Micros now);

// Small readers for validated data (validation has checked types already).
std::string text_of(const boost::json::object& data, std::string_view name);
// The same as a view into `data` (for folds that only compare or look up the text).
std::string_view text_view(const boost::json::object& data, std::string_view name);
std::int64_t int_of(const boost::json::object& data, std::string_view name);
bool bool_of(const boost::json::object& data, std::string_view name);

}  // namespace perspectief
