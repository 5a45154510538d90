#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "api/router.hpp"
#include "domain/role.hpp"
#include "domain/stream_name.hpp"
#include "projections/append_pipeline.hpp"
#include "projections/case_files.hpp"

namespace perspectief::api {

// What a role may do on a route (spec/api.md, "Authentication and roles"): one cell of the
// table in authorization.cpp, which every handler consults.
enum class Grant {
  open,                   // no token needed (health, readiness, the contract, the dashboard)
  denied,                 // 403 before the handler runs
  allowed,                // everything the route serves
  scoped,                 // a housing organisation: its own locations and the cases it may read
  without_personal_data,  // participation's case files (person null), the researcher's feed
  by_event_type,          // appends: may_append(role, type) for each event of the request
};

Grant grant(RouteId route, Role role);

// Whether the route needs a bearer token (every route but the open ones).
bool needs_token(RouteId route);

// The 403 for a role the table denies on `route`.
Response refusal(RouteId route, Role role);

// What a role may see of a case.
enum class CaseAccess {
  none,         // 403
  without_pii,  // the case file with person = null (participation)
  with_pii,     // the case file with the person, and the case's events
};

// `view` is the case as the read model has it; a housing organisation sees the cases
// waiting for a bed and those housed in its own locations (housing_may_read_case).
CaseAccess case_access(const Actor& actor, const CaseFileView& view);

// Which case ids a reader may see in a read model's lists: the cases it may access, for a
// scoped grant; empty (every case) otherwise.
using CaseVisibility = std::function<bool(std::string_view case_id)>;
CaseVisibility case_visibility(RouteId route, const Actor& actor, const CaseFiles& case_files);

// A housing organisation's relation to a location.
enum class LocationScope { own, absent, others };
LocationScope location_scope(const Actor& actor, const CaseFiles& case_files,
                             const std::string& location_id);

// The authorize step of the append pipeline: may_append for each event's type, then (for a
// scoped grant) the housing scope, before the store tells anything about the stream (its
// version in a 412, what a resend finds). The store's write model checks each event's scope
// again (domain/authorization.cpp), against the newest state.
class AppendAuthorization final : public AppendAuthorizer {
 public:
  explicit AppendAuthorization(const CaseFiles& case_files) : case_files_(case_files) {}
  Status authorize(const Actor& actor, const AppendTarget& target,
                   const std::vector<NewEvent>& events) const override;

 private:
  const CaseFiles& case_files_;
};

}  // namespace perspectief::api
