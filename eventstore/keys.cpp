#include "eventstore/keys.hpp"

namespace perspectief::keys {

std::string encode_u64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

std::uint64_t decode_u64(std::string_view b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < b.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(b[i]);
  }
  return v;
}

std::string stream_prefix(std::string_view stream) {
  std::string k{stream};
  k += '\0';
  return k;
}

std::string stream_index(std::string_view stream, std::uint64_t version) {
  return stream_prefix(stream) + encode_u64(version);
}

std::string encode_event_id_entry(const EventIdEntry& e) {
  return encode_u64(e.position) + encode_u64(static_cast<std::uint64_t>(e.occurred_at)) +
         e.content_hash;
}

bool decode_event_id_entry(std::string_view b, EventIdEntry& out) {
  if (b.size() != 48) return false;
  out.position = decode_u64(b.substr(0, 8));
  out.occurred_at = static_cast<std::int64_t>(decode_u64(b.substr(8, 8)));
  out.content_hash = std::string{b.substr(16)};
  return true;
}

}  // namespace perspectief::keys
