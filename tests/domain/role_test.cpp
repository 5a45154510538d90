#include "domain/role.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perspectief {
namespace {

TEST(Role, ParsesTheRolesOfTheContract) {
  for (const char* name :
       {"intake", "housing", "legal", "return", "participation", "regie", "researcher", "ops"}) {
    const auto r = parse_role(name);
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(to_string(*r), name);
  }
  EXPECT_FALSE(parse_role("admin"));
  EXPECT_FALSE(parse_role("Regie"));
}

struct AppendCase {
  Role role;
  const char* type;
  bool allowed;
};

// One accepted and one refused type per role (spec/api.md, "may append").
TEST(Role, AppendMatrix) {
  const std::vector<AppendCase> cases{
      {Role::intake, "CaseRegistered", true},
      {Role::intake, "BedAssigned", false},
      {Role::intake, "StayEnded", true},
      {Role::intake, "StayExtended", false},
      {Role::housing, "BedAssigned", true},
      {Role::housing, "PlacementDecided", false},
      {Role::housing, "LocationOpened", true},
      {Role::housing, "LivingAllowancePaid", true},
      {Role::legal, "LegalStepRecorded", true},
      {Role::legal, "ReturnStepRecorded", false},
      {Role::return_support, "ReturnStepRecorded", true},
      {Role::return_support, "LegalStepRecorded", false},
      {Role::participation, "ParticipationRecorded", true},
      {Role::participation, "ActivityHeld", true},
      {Role::participation, "CaseRegistered", false},
      {Role::regie, "ProgrammeCapacitySet", true},
      {Role::regie, "StayExtended", true},
      {Role::regie, "PersonalDataErased", false},
      {Role::researcher, "CaseRegistered", false},
      {Role::ops, "LocationOpened", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(may_append(c.role, c.type), c.allowed) << to_string(c.role) << " " << c.type;
  }
}

}  // namespace
}  // namespace perspectief
