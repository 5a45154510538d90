#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace perspectief {

// One member of an event's data read straight from its stored canonical JSON, without
// building a JSON object (rebuilds: projections/fold_scan.hpp). Only a flat object of UTF-8
// strings without escapes, integers of up to 18 digits, booleans and nulls is read this way
// (eventstore/json_fast_path.hpp); `key` and `text` are views into that JSON text.
struct FlatField {
  enum class Kind : std::uint8_t { text, integer, boolean, null };
  std::string_view key;
  Kind kind = Kind::null;
  std::string_view text;
  std::int64_t integer = 0;
  bool flag = false;
};

// The members of one event's data, in stored order, no key twice.
using FlatFields = std::span<const FlatField>;

}  // namespace perspectief
