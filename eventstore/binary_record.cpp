#include "eventstore/binary_record.hpp"

#include "eventstore/sha256.hpp"
#include "eventstore/utf8.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace perspectief::binary_record {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the fixed fields are copied as they lie in memory");

// Code k (1-8) is kRoles[k - 1], the inverse of role_code. Codes are stored: append, never
// reorder.
constexpr std::array<Role, 8> kRoles{
    Role::intake,        Role::housing, Role::legal,      Role::return_support,
    Role::participation, Role::regie,   Role::researcher, Role::ops};

constexpr std::size_t kParts = 8;

template <class T>
void put(std::string& out, T value) {
  std::array<char, sizeof(T)> bytes{};
  std::memcpy(bytes.data(), &value, sizeof(T));
  out.append(bytes.data(), sizeof(T));
}

template <class T>
T get(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

bool ascii(std::string_view s) {
  std::size_t i = 0;
  std::uint64_t high = 0;
  for (; s.size() - i >= 8; i += 8) high |= get<std::uint64_t>(s.data() + i);
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

}  // namespace

std::uint8_t role_code(Role role) {
  // No default: a role added to the enum without a code here fails the build (-Wswitch).
  switch (role) {
    case Role::intake:
      return 1;
    case Role::housing:
      return 2;
    case Role::legal:
      return 3;
    case Role::return_support:
      return 4;
    case Role::participation:
      return 5;
    case Role::regie:
      return 6;
    case Role::researcher:
      return 7;
    case Role::ops:
      return 8;
  }
  throw std::invalid_argument("not a role");  // a value outside the enum
}

namespace {

void append(std::string& out, const Envelope& e,
            const std::array<std::string_view, kParts>& parts) {
  std::size_t total = kHeaderSize;
  for (const auto part : parts) {
    if (part.size() > UINT32_MAX) throw std::length_error("a record part exceeds 4 GiB");
    total += part.size();
  }
  out.reserve(out.size() + total);
  out += kTag;
  put<std::uint64_t>(out, e.position);
  put<std::uint64_t>(out, e.version);
  put<std::int64_t>(out, e.occurred_at);
  put<std::int64_t>(out, e.recorded_at);
  put<std::int32_t>(out, e.schema_version);
  put<std::uint8_t>(out, role_code(e.actor.role));
  for (const auto part : parts) put<std::uint32_t>(out, static_cast<std::uint32_t>(part.size()));
  for (const auto part : parts) out += part;
}

}  // namespace

std::string encode(const Envelope& e, std::string_view data_json, std::string_view prev_hash_hex) {
  const auto prev = from_hex(prev_hash_hex);
  if (!prev || prev->size() != kHashSize) {
    throw std::invalid_argument("the previous record's hash is not 64 hex digits");
  }
  std::string out;
  append(out, e,
         {e.stream, e.event_id, e.type, e.actor.subject, e.actor.organisation, data_json, e.sealed,
          *prev});
  return out;
}

std::size_t append_for_folds(std::string& out, const Envelope& e, std::string_view data_json) {
  static constexpr std::array<char, kHashSize> kNoHash{};
  const std::size_t before = out.size();
  append(out, e, {e.stream, {}, e.type, {}, {}, data_json, {}, {kNoHash.data(), kNoHash.size()}});
  return out.size() - before;
}

bool split(std::string_view bytes, Parts& out) {
  if (bytes.size() < kHeaderSize || bytes[0] != kTag) return false;
  const char* const p = bytes.data();
  std::array<std::uint32_t, kParts> sizes;
  std::memcpy(sizes.data(), p + 38, sizeof(sizes));
  std::uint64_t total = kHeaderSize;
  for (const auto n : sizes) total += n;
  if (total != bytes.size() || sizes[7] != kHashSize) return false;
  const auto code = static_cast<std::uint8_t>(p[37]);
  if (code == 0 || code > kRoles.size()) return false;
  out.position = get<std::uint64_t>(p + 1);
  out.version = get<std::uint64_t>(p + 9);
  out.occurred_at = get<std::int64_t>(p + 17);
  out.recorded_at = get<std::int64_t>(p + 25);
  out.schema_version = get<std::int32_t>(p + 33);
  out.role = kRoles[code - 1];
  const char* at = p + kHeaderSize;
  const auto take = [&](std::size_t k) {
    const std::string_view part{at, sizes[k]};
    at += sizes[k];
    return part;
  };
  // The five envelope strings lie together: when they are all ASCII (as ids, types and
  // organisations are), one check covers them; otherwise each is checked on its own, so a
  // character cannot straddle two of them.
  const std::string_view strings{at,
                                 std::size_t{sizes[0]} + sizes[1] + sizes[2] + sizes[3] + sizes[4]};
  out.stream = take(0);
  out.event_id = take(1);
  out.type = take(2);
  out.subject = take(3);
  out.organisation = take(4);
  if (!ascii(strings)) {
    for (const auto s : {out.stream, out.event_id, out.type, out.subject, out.organisation}) {
      if (!valid_utf8(s)) return false;
    }
  }
  out.data = take(5);
  out.pii = take(6);
  out.prev = take(7);
  return true;
}

}  // namespace perspectief::binary_record
