#include "domain/authorization.hpp"

namespace perspectief {
namespace {

Error out_of_scope(std::string message) {
  return make_error(ErrorCode::forbidden, std::move(message));
}

bool runs(const std::string& organisation, const LocationState* loc) {
  return loc != nullptr && loc->exists && loc->operator_id == organisation;
}

}  // namespace

Status authorize_location_event(const Actor& actor, const LocationState& location,
                                const DomainEvent& event) {
  if (actor.role != Role::housing) return Ok{};
  // Another organisation's location: forbidden, whatever the event (not a rule refusal that
  // would tell the location exists).
  if (location.exists && location.operator_id != actor.organisation) {
    return out_of_scope("this location is run by another organisation");
  }
  if (event.type == "LocationOpened") {
    if (text_of(event.data, "operator") != actor.organisation) {
      return out_of_scope("a housing organisation opens locations it operates itself");
    }
    return Ok{};
  }
  if (location.exists && location.operator_id != actor.organisation) {
    return out_of_scope("this location is run by another organisation");
  }
  return Ok{};
}

Status authorize_case_event(const Actor& actor, const CaseState& state, const DomainEvent& event,
                            const LocationLookup& location) {
  if (actor.role != Role::housing) return Ok{};
  const std::string& org = actor.organisation;
  if (event.type == "BedAssigned") {
    // Its scope is the cases waiting for a bed: a rule refusal on any other case would tell
    // it the state of a case it may not read.
    if (state.status != CaseStatus::admitted) {
      return out_of_scope("the case is not waiting for a bed");
    }
    if (!runs(org, location(text_of(event.data, "locationId")))) {
      return out_of_scope("a housing organisation assigns beds in its own locations");
    }
    return Ok{};
  }
  const bool housed_here =
      state.status == CaseStatus::housed && runs(org, location(state.location_id));
  if (event.type == "Transferred") {
    if (!housed_here || !runs(org, location(text_of(event.data, "toLocationId")))) {
      return out_of_scope(
          "a housing organisation transfers its residents between its own locations");
    }
    return Ok{};
  }
  // LivingAllowancePaid, EscalationRaised, StayEnded: for its own residents.
  if (!housed_here)
    return out_of_scope("the case is not housed in a location of this organisation");
  return Ok{};
}

bool housing_may_read_case(const std::string& organisation, const CaseState& state,
                           const LocationLookup& location) {
  if (state.status == CaseStatus::admitted) return true;
  return state.status == CaseStatus::housed && runs(organisation, location(state.location_id));
}

}  // namespace perspectief
