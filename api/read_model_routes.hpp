#pragma once

#include "api/http_types.hpp"
#include "api/router.hpp"
#include "domain/role.hpp"
#include "projections/history.hpp"

namespace perspectief::api {

// Whether a role may read a read model (spec/api.md, "may read").
bool may_read_model(Role role, RouteId route);

// Answers GET on a read-model route: parses asOf / from / to / status, renders the model
// from the history. `now` is the default asOf and the default end of a range.
Response read_model(RouteId route, std::string_view target, const History& history, Micros now);

}  // namespace perspectief::api
