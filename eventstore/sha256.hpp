#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perspectief {

using Sha256 = std::array<std::uint8_t, 32>;

Sha256 sha256(std::string_view bytes);
std::string to_hex(const std::uint8_t* bytes, std::size_t n);
inline std::string to_hex(const Sha256& h) {
  return to_hex(h.data(), h.size());
}
// The bytes of hex text (either case, two digits a byte); nullopt for anything else.
std::optional<std::string> from_hex(std::string_view hex);

// A random RFC 4122 version-4 UUID, lower case.
std::string random_uuid();

// 8-4-4-4-12 hex digits.
bool is_uuid(std::string_view text);

}  // namespace perspectief
