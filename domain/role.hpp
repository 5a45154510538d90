#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "domain/enumerations.hpp"

namespace perspectief {

enum class Role { intake, housing, legal, return_support, participation, regie, researcher, ops };

template <>
struct EnumNames<Role> {
  static constexpr std::array kNames = std::to_array<std::string_view>(
      {"intake", "housing", "legal", "return", "participation", "regie", "researcher", "ops"});
};
static_assert(enum_count<Role>() == 8);

std::optional<Role> parse_role(std::string_view text);
std::string_view to_string(Role role);

// Who did something: recorded on every appended event.
struct Actor {
  std::string subject;
  std::string organisation;
  Role role{Role::ops};
};

// Whether `role` may append events of `type` at all (spec/api.md, roles; the table is in
// domain/authorization.cpp). Scope rules that depend on state (a housing organisation's own
// locations and residents) are authorize_*_event's (domain/authorization.hpp).
bool may_append(Role role, std::string_view type);

}  // namespace perspectief
