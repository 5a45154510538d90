#include "api/case_access.hpp"

namespace perspectief::api {

bool may_read_case_files(Role role) {
  return role != Role::researcher && role != Role::ops;
}

CaseAccess case_access(const Actor& actor, const CaseFileView& view) {
  switch (actor.role) {
    case Role::intake:
    case Role::legal:
    case Role::return_support:
    case Role::regie:
      return CaseAccess::with_pii;
    case Role::housing: {
      const CaseStatus s = view.state.status;
      const bool waiting = s == CaseStatus::admitted;
      const bool housed_here =
          s == CaseStatus::housed && view.location_operator == actor.organisation;
      return waiting || housed_here ? CaseAccess::with_pii : CaseAccess::none;
    }
    case Role::participation:
      return CaseAccess::without_pii;
    case Role::researcher:
    case Role::ops:
      return CaseAccess::none;
  }
  return CaseAccess::none;
}

}  // namespace perspectief::api
