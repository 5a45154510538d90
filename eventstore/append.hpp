#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief {

// The version a writer expects the stream to have (optimistic concurrency).
struct ExpectedVersion {
  enum class Kind { any, no_stream, exact };
  Kind kind = Kind::any;
  std::uint64_t version = 0;

  static ExpectedVersion any() { return {}; }
  static ExpectedVersion no_stream() { return {Kind::no_stream, 0}; }
  static ExpectedVersion exact(std::uint64_t v) { return {Kind::exact, v}; }
  bool holds(std::uint64_t current) const {
    return kind == Kind::any || (kind == Kind::no_stream && current == 0) ||
           (kind == Kind::exact && current == version);
  }
};

// One event to append. Build it with make_new_event so the canonical data text and the
// content hash are computed by the caller's thread, not the single writer's.
struct NewEvent {
  std::string event_id;  // a UUID, lower case
  std::string type;
  int schema_version = 1;
  std::optional<Micros> occurred_at;  // absent: the commit time
  boost::json::object data;
  std::string data_json;     // canonical_json(data)
  std::string content_hash;  // SHA-256 over type, schema version and data_json (32 bytes)
  std::string sealed;        // the encrypted personal fields (eventstore/sealer.hpp), if any
};

// SHA-256 over type, schema version, the public data and, for sealed events, a keyed digest
// of the personal fields (so no plain hash of personal data is ever stored).
std::string content_hash(std::string_view type, int schema_version, std::string_view data_json,
                         std::string_view sealed_digest = {});

// The hash step: the canonical data text and content hash of each event that has none yet
// (the sealer hashes the events it seals, with a keyed digest of their personal fields).
void hash_events(std::vector<NewEvent>& events);

NewEvent make_new_event(std::string event_id, std::string type, std::optional<Micros> occurred_at,
                        boost::json::object data, int schema_version = 1);

struct AppendRequest {
  std::string stream;
  ExpectedVersion expected;
  std::vector<NewEvent> events;  // appended atomically, in order
  Actor actor;
  // Erasure (crypto-shredding): in the same atomic write as the events, the stream's data
  // key in the `data_keys` column family is replaced by keys::kErasedDataKey.
  bool shred_data_key = false;
  // A new data key for the stream, wrapped (eventstore/key_ring.hpp): written to the
  // `data_keys` column family in the same atomic write as the events, unless the stream
  // already has a key or an erasure marker there.
  std::string new_data_key{};
};

struct AppendResult {
  std::string stream;
  std::uint64_t version = 0;   // the stream's version after the append
  std::uint64_t position = 0;  // position of the last event of the request
  bool duplicate = false;      // every event was already stored: nothing appended
  std::vector<Envelope> events;
  // The write stored the request's new_data_key (the stream had no key and no erasure
  // marker before it).
  bool data_key_stored = false;
};

using AppendCallback = std::function<void(Result<AppendResult>)>;

}  // namespace perspectief
