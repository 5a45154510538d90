#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/role.hpp"
#include "domain/time.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief::binary_record {

// Stored record format 2, written since session 5 (docs/architecture.md, "Stored record
// format and hash chain"): the envelope's fixed fields at fixed offsets, then its strings,
// the canonical JSON of `data`, the sealed personal fields and the previous record's hash,
// each preceded by its length, so a reader finds every field without parsing. All integers
// little-endian. Format 1 records (JSON objects) start with '{' and are read as before.
//
//   0   u8   kTag
//   1   u64  position        9  u64 version
//   17  i64  occurredAt      25 i64 recordedAt   (microseconds since the Unix epoch, UTC)
//   33  i32  schemaVersion   37 u8  role code (role_code below)
//   38  u32 x 8  the lengths of: stream, eventId, type, actor subject, actor organisation,
//                data (canonical JSON text), pii (IV + ciphertext + tag), prev (32)
//   70  those bytes, in that order, and nothing after them
inline constexpr char kTag = '\x02';
inline constexpr std::size_t kHeaderSize = 70;
inline constexpr std::size_t kHashSize = 32;

// The stored code of a role: fixed here, whatever the order of the enum.
std::uint8_t role_code(Role role);

// `prev_hash_hex` is 64 hex digits (the SHA-256 of the previous record); it is stored as its
// 32 bytes. Throws std::invalid_argument if it is not, std::length_error if a part exceeds
// 4 GiB (neither can come from a request).
std::string encode(const Envelope& e, std::string_view data_json, std::string_view prev_hash_hex);

// Appends to `out` the record of `e` as a fold page holds it (eventstore/fold_pages.hpp): the
// same layout without the event id, the actor's subject and organisation and the sealed
// personal fields, and with 32 zero bytes for `prev` (pages are not chained). Returns its size.
std::size_t append_for_folds(std::string& out, const Envelope& e, std::string_view data_json);

// A format 2 record taken apart: views into its bytes.
struct Parts {
  std::uint64_t position = 0;
  std::uint64_t version = 0;
  Micros occurred_at = 0;
  Micros recorded_at = 0;
  int schema_version = 0;
  Role role = Role::ops;
  std::string_view stream, event_id, type, subject, organisation, data, pii, prev;
};

// False unless `bytes` is exactly one format 2 record: the tag, lengths that add up to its
// size, a known role code, a 32-byte hash, and envelope strings that are valid UTF-8 (as
// JSON text must be). `data` is not looked at here.
[[nodiscard]] bool split(std::string_view bytes, Parts& out);

}  // namespace perspectief::binary_record
