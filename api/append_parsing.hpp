#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "domain/stream_name.hpp"
#include "eventstore/append.hpp"

namespace perspectief::api {

constexpr std::size_t kMaxEventsPerRequest = 1000;

// Parses an append body (one event object or a non-empty array of them) for a stream of
// `kind`: JSON syntax, the envelope fields (type, eventId, occurredAt, data, schemaVersion),
// the type's stream kind and its data schema. eventIds are lower-cased; missing ones get a
// random UUID. invalid with field errors on any fault; messages never echo values. The events
// are not hashed yet: the append pipeline hashes them after sealing.
Result<std::vector<NewEvent>> parse_append_events(std::string_view body, StreamKind kind);

// The same, each event hashed as it would be stored unsealed (tools, tests, fuzzers).
Result<std::vector<NewEvent>> parse_append_body(std::string_view body, StreamKind kind);

// `If-Match: "<version>"` (quotes optional, "0" = the stream must not exist); an absent
// header (empty) means any version. invalid if it is not such a number.
Result<ExpectedVersion> parse_if_match(std::string_view header);

}  // namespace perspectief::api
