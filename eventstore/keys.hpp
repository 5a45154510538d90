#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perspectief::keys {

// Big-endian, so RocksDB's bytewise order is numeric order.
std::string encode_u64(std::uint64_t v);
std::uint64_t decode_u64(std::string_view bytes);

// `streams` column family: stream name, a NUL, the version (stream names never hold NUL).
std::string stream_index(std::string_view stream, std::uint64_t version);
std::string stream_prefix(std::string_view stream);

// `event_ids` column family value: position, occurredAt and the content hash.
struct EventIdEntry {
  std::uint64_t position = 0;
  std::int64_t occurred_at = 0;
  std::string content_hash;  // 32 bytes
};
std::string encode_event_id_entry(const EventIdEntry& e);
bool decode_event_id_entry(std::string_view bytes, EventIdEntry& out);

// `data_keys` column family value of an erased stream: its data key is gone for good.
inline constexpr std::string_view kErasedDataKey = "erased";

}  // namespace perspectief::keys
