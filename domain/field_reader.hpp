#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/enumerations.hpp"
#include "domain/flat_fields.hpp"
#include "domain/time.hpp"

namespace perspectief {

// Reads the fields of one event's data into a typed event (domain/events.cpp). Data reaching
// it is valid (validated on append, upcast on read); a field that does not hold its kind
// marks the whole event as not parsed (ok() false) instead of taking a default, so a damaged
// value never becomes another one. Every read goes on after a failure, so that `names`, when
// given, lists every field a parser reads. The data is a JSON object, or the members of a flat
// one read from its stored text (FlatFields); both give the same event.
class FieldReader {
 public:
  explicit FieldReader(const boost::json::object& data,
                       std::vector<std::string_view>* names = nullptr)
      : object_(&data), names_(names) {}
  explicit FieldReader(FlatFields data) : flat_(data) {}

  bool ok() const { return ok_; }

  // A required text field.
  std::string_view text(std::string_view name);
  // An optional text field: empty when absent or null.
  std::string_view optional_text(std::string_view name);
  std::int64_t integer(std::string_view name);
  // An optional number: 0 when absent or null.
  double decimal(std::string_view name);
  // An optional flag: false when absent or null.
  bool boolean(std::string_view name);
  Days date(std::string_view name);
  Micros time(std::string_view name);
  // "YYYY-MM" as year * 12 + month - 1.
  std::int32_t month(std::string_view name);

  template <class E>
  E enumeration(std::string_view name) {
    const auto value = parse_enum<E>(text(name));
    if (!value) ok_ = false;
    return value.value_or(E{});
  }
  template <class E>
  std::optional<E> optional_enumeration(std::string_view name) {
    const auto t = present_text(name);
    if (!t) return std::nullopt;
    const auto value = parse_enum<E>(*t);
    if (!value) ok_ = false;
    return value;
  }

 private:
  // A member's value as the readers look at it.
  struct Value {
    enum class Kind : std::uint8_t { absent, text, integer, number, boolean, other };
    Kind kind = Kind::absent;  // absent: not there, or JSON null
    std::string_view text;
    std::int64_t integer = 0;  // an integer that fits (Boost.JSON's int64)
    double number = 0;         // any other number
    bool flag = false;
  };

  // The text of a member that is there (even empty); none when absent or null.
  std::optional<std::string_view> present_text(std::string_view name);
  Value find(std::string_view name);
  Value find_in_object(std::string_view name) const;
  Value find_in_flat(std::string_view name) const;

  const boost::json::object* object_ = nullptr;  // or, when null:
  FlatFields flat_;
  std::vector<std::string_view>* names_ = nullptr;
  bool ok_ = true;
};

}  // namespace perspectief
