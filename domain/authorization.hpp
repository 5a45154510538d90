#pragma once

#include <functional>
#include <string>

#include "domain/case_file.hpp"
#include "domain/domain_event.hpp"
#include "domain/events.hpp"
#include "domain/location.hpp"
#include "domain/role.hpp"

namespace perspectief {

using LocationLookup = std::function<const LocationState*(const std::string&)>;

// The scope rules that depend on state (spec/api.md, roles). Which event types a role may
// append at all is may_append() (domain/role.hpp, from the table in authorization.cpp); these
// add a housing organisation's scope: its own locations (operator = its organisation), and the
// cases waiting for a bed or housed there. forbidden when out of scope.
Status authorize_location_event(const Actor& actor, const LocationState& location,
                                const LocationEvent& event);
Status authorize_case_event(const Actor& actor, const CaseState& state, const CaseEvent& event,
                            const LocationLookup& location);

// The same for an untyped event (tests): parsed first; invalid if it is not of the stream.
Status authorize_location_event(const Actor& actor, const LocationState& location,
                                const DomainEvent& event);
Status authorize_case_event(const Actor& actor, const CaseState& state, const DomainEvent& event,
                            const LocationLookup& location);

// Whether a housing organisation may read a case: waiting for a bed (admitted), or housed in
// one of its locations.
bool housing_may_read_case(const std::string& organisation, const CaseState& state,
                           const LocationLookup& location);

}  // namespace perspectief
