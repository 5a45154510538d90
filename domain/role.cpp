#include "domain/role.hpp"

#include <algorithm>
#include <array>

namespace perspectief {
namespace {

struct RoleName {
  Role role;
  std::string_view name;
};

constexpr std::array<RoleName, 8> kRoles{{
    {Role::intake, "intake"},
    {Role::housing, "housing"},
    {Role::legal, "legal"},
    {Role::return_support, "return"},
    {Role::participation, "participation"},
    {Role::regie, "regie"},
    {Role::researcher, "researcher"},
    {Role::ops, "ops"},
}};

}  // namespace

std::optional<Role> parse_role(std::string_view text) {
  for (const auto& r : kRoles) {
    if (r.name == text) return r.role;
  }
  return std::nullopt;
}

std::string_view to_string(Role role) {
  for (const auto& r : kRoles) {
    if (r.role == role) return r.name;
  }
  return "ops";
}

}  // namespace perspectief
