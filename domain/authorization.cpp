#include "domain/authorization.hpp"

#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <variant>

#include "domain/event_catalogue.hpp"

namespace perspectief {
namespace {

// The roles besides regie that append each event type (spec/api.md, roles): one overload per
// type, so a new event type does not compile until it has its row. regie appends every type
// a client may post; nobody posts the catalogue's internal ones (PersonalDataErased comes
// only from the erase operation).
class Roles {
 public:
  constexpr Roles(std::initializer_list<Role> roles) {
    for (const Role r : roles) bits_ |= bit(r);
  }
  constexpr bool has(Role r) const { return (bits_ & bit(r)) != 0; }

 private:
  static constexpr std::uint16_t bit(Role r) {
    return static_cast<std::uint16_t>(1U << static_cast<unsigned>(r));
  }
  std::uint16_t bits_ = 0;
};

template <class T>
using Of = std::type_identity<T>;
using R = Role;

constexpr Roles appenders(Of<ProgrammeCapacitySet> /*t*/) {
  return {};
}
constexpr Roles appenders(Of<LocationOpened> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<LocationCapacityChanged> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<LocationClosed> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<NeighbourhoodContactRecorded> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<ActivityScheduled> /*t*/) {
  return {R::participation};
}
constexpr Roles appenders(Of<ActivityHeld> /*t*/) {
  return {R::participation};
}
constexpr Roles appenders(Of<ActivityCancelled> /*t*/) {
  return {R::participation};
}
constexpr Roles appenders(Of<CaseRegistered> /*t*/) {
  return {R::intake};
}
constexpr Roles appenders(Of<IntakeCompleted> /*t*/) {
  return {R::intake};
}
constexpr Roles appenders(Of<PlacementDecided> /*t*/) {
  return {R::intake};
}
constexpr Roles appenders(Of<CaseManagerAssigned> /*t*/) {
  return {R::intake, R::legal, R::return_support};
}
constexpr Roles appenders(Of<BedAssigned> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<Transferred> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<LivingAllowancePaid> /*t*/) {
  return {R::housing};
}
constexpr Roles appenders(Of<LegalStepRecorded> /*t*/) {
  return {R::legal};
}
constexpr Roles appenders(Of<PerspectiveChosen> /*t*/) {
  return {R::legal, R::return_support};
}
constexpr Roles appenders(Of<ReturnStepRecorded> /*t*/) {
  return {R::return_support};
}
constexpr Roles appenders(Of<ParticipationRecorded> /*t*/) {
  return {R::participation};
}
constexpr Roles appenders(Of<EscalationRaised> /*t*/) {
  return {R::intake, R::housing};
}
constexpr Roles appenders(Of<EscalationResolved> /*t*/) {
  return {R::intake};
}
constexpr Roles appenders(Of<StayExtended> /*t*/) {
  return {};
}
constexpr Roles appenders(Of<ExitInterviewHeld> /*t*/) {
  return {R::intake};
}
constexpr Roles appenders(Of<StayEnded> /*t*/) {
  return {R::intake, R::housing};
}
constexpr Roles appenders(Of<PersonalDataErased> /*t*/) {
  return {};
}

Error out_of_scope(std::string message) {
  return make_error(ErrorCode::forbidden, std::move(message));
}

bool runs(const std::string& organisation, const LocationState* loc) {
  return loc != nullptr && loc->exists && loc->operator_id == organisation;
}

// A housing organisation's scope for each case event it may append.
Status housing_scope(const std::string& org, const CaseState& state, const BedAssigned& e,
                     const LocationLookup& location) {
  // Its scope is the cases waiting for a bed: a rule refusal on any other case would tell
  // it the state of a case it may not read.
  if (state.status != CaseStatus::admitted)
    return out_of_scope("the case is not waiting for a bed");
  if (!runs(org, location(std::string{e.location_id})))
    return out_of_scope("a housing organisation assigns beds in its own locations");
  return Ok{};
}
bool housed_by(const std::string& org, const CaseState& state, const LocationLookup& location) {
  return state.status == CaseStatus::housed && runs(org, location(state.location_id));
}
Status housing_scope(const std::string& org, const CaseState& state, const Transferred& e,
                     const LocationLookup& location) {
  if (!housed_by(org, state, location) || !runs(org, location(std::string{e.to_location_id})))
    return out_of_scope("a housing organisation transfers its residents between its own locations");
  return Ok{};
}
// LivingAllowancePaid, EscalationRaised, StayEnded: for its own residents.
template <class Other>
Status housing_scope(const std::string& org, const CaseState& state, const Other& /*e*/,
                     const LocationLookup& location) {
  if (!housed_by(org, state, location))
    return out_of_scope("the case is not housed in a location of this organisation");
  return Ok{};
}

}  // namespace

bool may_append(Role role, std::string_view type) {
  bool allowed = false;
  for_each_event_type([&](auto tag) {
    using T = typename decltype(tag)::type;
    if (T::kType != type) return;
    const EventSpec* spec = find_event_spec(type);
    allowed =
        spec != nullptr && !spec->internal && (role == Role::regie || appenders(tag).has(role));
  });
  return allowed;
}

Status authorize_location_event(const Actor& actor, const LocationState& location,
                                const LocationEvent& event) {
  if (actor.role != Role::housing) return Ok{};
  // Another organisation's location: forbidden, whatever the event (not a rule refusal that
  // would tell the location exists).
  if (location.exists && location.operator_id != actor.organisation)
    return out_of_scope("this location is run by another organisation");
  const auto* opened = std::get_if<LocationOpened>(&event);
  if (opened != nullptr && opened->operator_id != actor.organisation)
    return out_of_scope("a housing organisation opens locations it operates itself");
  return Ok{};
}

Status authorize_case_event(const Actor& actor, const CaseState& state, const CaseEvent& event,
                            const LocationLookup& location) {
  if (actor.role != Role::housing) return Ok{};
  return std::visit(
      [&](const auto& e) { return housing_scope(actor.organisation, state, e, location); }, event);
}

Status authorize_location_event(const Actor& actor, const LocationState& location,
                                const DomainEvent& event) {
  const auto typed = parse_event<LocationEvent>(event.type, event.data);
  if (!typed) return make_error(ErrorCode::invalid, "not a location event");
  return authorize_location_event(actor, location, *typed);
}

Status authorize_case_event(const Actor& actor, const CaseState& state, const DomainEvent& event,
                            const LocationLookup& location) {
  const auto typed = parse_event<CaseEvent>(event.type, event.data);
  if (!typed) return make_error(ErrorCode::invalid, "not a case event");
  return authorize_case_event(actor, state, *typed, location);
}

bool housing_may_read_case(const std::string& organisation, const CaseState& state,
                           const LocationLookup& location) {
  return state.status == CaseStatus::admitted || housed_by(organisation, state, location);
}

}  // namespace perspectief
