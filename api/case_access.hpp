#pragma once

#include "domain/role.hpp"
#include "projections/case_files.hpp"

namespace perspectief::api {

// What a role may see of a case (spec/api.md, "may read").
enum class CaseAccess {
  none,         // 403
  without_pii,  // the case file with person = null (participation)
  with_pii,     // the case file with the person, and the case's events
};

// `view` is the case as the read model has it; a housing organisation sees the cases
// waiting for a bed and those housed in its own locations.
CaseAccess case_access(const Actor& actor, const CaseFileView& view);

// Whether the role may read case files at all (before looking at a particular case).
bool may_read_case_files(Role role);

}  // namespace perspectief::api
