#include "domain/role.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

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

bool in(std::string_view type, std::initializer_list<std::string_view> types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

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

bool may_append(Role role, std::string_view type) {
  if (type == "PersonalDataErased") return false;  // only through the erase operation
  switch (role) {
    case Role::regie:
      return true;
    case Role::intake:
      return in(type,
                {"CaseRegistered", "IntakeCompleted", "PlacementDecided", "CaseManagerAssigned",
                 "EscalationRaised", "EscalationResolved", "ExitInterviewHeld", "StayEnded"});
    case Role::housing:
      return in(type, {"LocationOpened", "LocationCapacityChanged", "LocationClosed",
                       "NeighbourhoodContactRecorded", "BedAssigned", "Transferred",
                       "LivingAllowancePaid", "EscalationRaised", "StayEnded"});
    case Role::legal:
      return in(type, {"LegalStepRecorded", "PerspectiveChosen", "CaseManagerAssigned"});
    case Role::return_support:
      return in(type, {"ReturnStepRecorded", "PerspectiveChosen", "CaseManagerAssigned"});
    case Role::participation:
      return in(type, {"ParticipationRecorded", "ActivityScheduled", "ActivityHeld",
                       "ActivityCancelled"});
    case Role::researcher:
    case Role::ops:
      return false;
  }
  return false;
}

}  // namespace perspectief
