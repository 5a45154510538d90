#include "domain/role.hpp"

namespace perspectief {

std::optional<Role> parse_role(std::string_view text) {
  return parse_enum<Role>(text);
}

std::string_view to_string(Role role) {
  return EnumNames<Role>::kNames.at(static_cast<std::size_t>(role));
}

}  // namespace perspectief
