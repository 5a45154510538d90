#include "domain/events.hpp"

#include <vector>

#include "domain/field_reader.hpp"

namespace perspectief {
namespace {

// One reader per event type: the catalogue's non-personal fields, in catalogue order.
ProgrammeCapacitySet read(FieldReader& r, std::type_identity<ProgrammeCapacitySet> /*unused*/) {
  return {.places = r.integer("places"),
          .lvv_places = r.integer("lvvPlaces"),
          .max_stay_months = r.integer("maxStayMonths")};
}
LocationOpened read(FieldReader& r, std::type_identity<LocationOpened> /*unused*/) {
  return {.name = r.text("name"), .operator_id = r.text("operator"), .beds = r.integer("beds")};
}
LocationCapacityChanged read(FieldReader& r, std::type_identity<LocationCapacityChanged> /*u*/) {
  return {.beds = r.integer("beds")};
}
LocationClosed read(FieldReader& /*r*/, std::type_identity<LocationClosed> /*unused*/) {
  return {};
}
NeighbourhoodContactRecorded read(FieldReader& r,
                                  std::type_identity<NeighbourhoodContactRecorded> /*unused*/) {
  return {.kind = r.enumeration<ContactKind>("kind")};
}
ActivityScheduled read(FieldReader& r, std::type_identity<ActivityScheduled> /*unused*/) {
  return {.title = r.text("title"),
          .organisation = r.text("organisation"),
          .category = r.enumeration<ActivityCategory>("category"),
          .starts_at = r.time("startsAt"),
          .co_designed = r.boolean("coDesigned")};
}
ActivityHeld read(FieldReader& r, std::type_identity<ActivityHeld> /*unused*/) {
  return {.residents = r.integer("residents"),
          .volunteers = r.integer("volunteers"),
          .neighbours = r.integer("neighbours"),
          .volunteer_hours = r.decimal("volunteerHours")};
}
ActivityCancelled read(FieldReader& /*r*/, std::type_identity<ActivityCancelled> /*unused*/) {
  return {};
}
CaseRegistered read(FieldReader& r, std::type_identity<CaseRegistered> /*unused*/) {
  return {.previous_case_id = r.optional_text("previousCaseId")};
}
IntakeCompleted read(FieldReader& r, std::type_identity<IntakeCompleted> /*unused*/) {
  return {.eligible = r.boolean("eligible")};
}
PlacementDecided read(FieldReader& r, std::type_identity<PlacementDecided> /*unused*/) {
  return {.decision = r.enumeration<Decision>("decision"),
          .funding = r.optional_enumeration<Funding>("funding")};
}
CaseManagerAssigned read(FieldReader& r, std::type_identity<CaseManagerAssigned> /*unused*/) {
  return {.case_manager = r.text("caseManager"), .organisation = r.text("organisation")};
}
BedAssigned read(FieldReader& r, std::type_identity<BedAssigned> /*unused*/) {
  return {.location_id = r.text("locationId")};
}
Transferred read(FieldReader& r, std::type_identity<Transferred> /*unused*/) {
  return {.to_location_id = r.text("toLocationId")};
}
LivingAllowancePaid read(FieldReader& r, std::type_identity<LivingAllowancePaid> /*unused*/) {
  return {.amount_cents = r.integer("amountCents"), .period = r.month("period")};
}
LegalStepRecorded read(FieldReader& r, std::type_identity<LegalStepRecorded> /*unused*/) {
  return {.step = r.enumeration<LegalStepKind>("step"),
          .result = r.optional_enumeration<LegalResult>("result")};
}
PerspectiveChosen read(FieldReader& r, std::type_identity<PerspectiveChosen> /*unused*/) {
  return {.track = r.enumeration<Track>("track")};
}
ReturnStepRecorded read(FieldReader& r, std::type_identity<ReturnStepRecorded> /*unused*/) {
  return {.step = r.enumeration<ReturnStepKind>("step"), .country = r.optional_text("country")};
}
ParticipationRecorded read(FieldReader& r, std::type_identity<ParticipationRecorded> /*unused*/) {
  return {.activity = r.text("activity"),
          .organisation = r.text("organisation"),
          .hours = r.decimal("hours"),
          .activity_id = r.optional_text("activityId")};
}
EscalationRaised read(FieldReader& r, std::type_identity<EscalationRaised> /*unused*/) {
  return {.escalation_id = r.text("escalationId"),
          .reason = r.enumeration<EscalationReason>("reason"),
          .level = r.enumeration<EscalationLevel>("level")};
}
EscalationResolved read(FieldReader& r, std::type_identity<EscalationResolved> /*unused*/) {
  return {.escalation_id = r.text("escalationId"),
          .resolution = r.enumeration<Resolution>("resolution")};
}
StayExtended read(FieldReader& r, std::type_identity<StayExtended> /*unused*/) {
  return {.until = r.date("until")};
}
ExitInterviewHeld read(FieldReader& r, std::type_identity<ExitInterviewHeld> /*unused*/) {
  return {.declined = r.boolean("declined")};
}
StayEnded read(FieldReader& r, std::type_identity<StayEnded> /*unused*/) {
  return {.outcome = r.enumeration<Outcome>("outcome"),
          .destination_country = r.optional_text("destinationCountry")};
}
PersonalDataErased read(FieldReader& /*r*/, std::type_identity<PersonalDataErased> /*unused*/) {
  return {};
}

}  // namespace

namespace {

template <class Variant, class Data>
std::optional<Variant> parse_event_from(std::string_view type, const Data& data) {
  std::optional<Variant> out;
  detail::for_each_alternative<Variant>([&](auto tag) {
    using T = typename decltype(tag)::type;
    if (out || T::kType != type) return;
    FieldReader r{data};
    T event = read(r, tag);
    if (r.ok()) out.emplace(std::move(event));
  });
  return out;
}

}  // namespace

template <class Variant>
std::optional<Variant> parse_event(std::string_view type, const boost::json::object& data) {
  return parse_event_from<Variant>(type, data);
}

template <class Variant>
std::optional<Variant> parse_event(std::string_view type, FlatFields data) {
  return parse_event_from<Variant>(type, data);
}

template std::optional<ProgrammeEvent> parse_event(std::string_view, const boost::json::object&);
template std::optional<LocationEvent> parse_event(std::string_view, const boost::json::object&);
template std::optional<ActivityEvent> parse_event(std::string_view, const boost::json::object&);
template std::optional<CaseEvent> parse_event(std::string_view, const boost::json::object&);
template std::optional<ProgrammeEvent> parse_event(std::string_view, FlatFields);
template std::optional<LocationEvent> parse_event(std::string_view, FlatFields);
template std::optional<ActivityEvent> parse_event(std::string_view, FlatFields);
template std::optional<CaseEvent> parse_event(std::string_view, FlatFields);

std::vector<std::string_view> fields_read(std::string_view type) {
  const boost::json::object empty;
  std::vector<std::string_view> names;
  for_each_event_type([&](auto tag) {
    using T = typename decltype(tag)::type;
    if (T::kType != type) return;
    FieldReader r{empty, &names};
    (void)read(r, tag);
  });
  return names;
}

}  // namespace perspectief
