#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "domain/stream_name.hpp"

namespace perspectief {

constexpr int kCurrentSchemaVersion = 1;

enum class FieldKind {
  text,        // a short non-empty string (names of organisations, titles, countries)
  free_text,   // a note: may hold personal data, so it is treated as PII
  identifier,  // 1-64 chars [A-Za-z0-9_-]
  integer,     // a whole number from min to max
  decimal,     // a number from min to max with at most two decimals (hours)
  boolean,
  enumeration,  // one of `values`
  date,         // YYYY-MM-DD
  year_month,   // YYYY-MM
  timestamp,    // RFC 3339
  text_list,    // an array of short strings
  person,       // the person object of CaseRegistered (PII)
};

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool required;
  bool personal;  // stored encrypted, removed from the pseudonymised feed
  std::int64_t min = 0;
  std::int64_t max = 0;  // integer and decimal: the largest value accepted
  std::vector<std::string_view> values = {};
};

struct EventSpec {
  std::string_view type;
  StreamKind stream;
  std::vector<FieldSpec> fields;
  bool internal = false;  // appended by the service itself, never posted by a client
};

// Every event type of schemaVersion 1, in catalogue order (docs/events.md follows it).
std::span<const EventSpec> event_catalogue();

const EventSpec* find_event_spec(std::string_view type);

// Whether `field` of an event of `spec` holds personal data: a `personal` field, or one the
// catalogue does not know (or no spec at all), which is kept out of the clear to be safe.
bool is_personal_field(const EventSpec* spec, std::string_view field);

// Checks types, required fields, enums, bounds and unknown fields of `data`; the messages
// name fields and constraints, never submitted values. Empty when valid.
std::vector<FieldError> validate_event_data(const EventSpec& spec, const boost::json::object& data);

// The outcomes of StayEnded and the class of one (durable, semi_durable, no_solution, other).
std::span<const std::string_view> outcome_values();
std::string_view outcome_class(std::string_view outcome);

}  // namespace perspectief
