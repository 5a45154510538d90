#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/enumerations.hpp"
#include "domain/flat_fields.hpp"
#include "domain/stream_name.hpp"
#include "domain/time.hpp"

namespace perspectief {

// The events of spec/domain.md as C++ types, one per event type, grouped per stream kind in a
// std::variant. Deciders, evolvers, the history fold, the write model and the role table visit
// these variants with one overload per type, so an event type without a case is a compile
// error. The catalogue (domain/event_catalogue.cpp) stays the source of the field names,
// kinds, ranges and personal flags: an event is parsed only from data that the catalogue has
// validated (on append) or that the record decoder and the upcasters have produced (on read),
// and tests/domain/typed_events_test.cpp checks that each type reads exactly the catalogue's
// fields that are not personal.
//
// A typed event holds no personal data: the person and the notes stay sealed in the stored
// event, so no state folded from events can hold them. Its text fields are views into the
// JSON it was parsed from and live as long as that data does.

// --- programme ---
struct ProgrammeCapacitySet {
  static constexpr std::string_view kType = "ProgrammeCapacitySet";
  bool operator==(const ProgrammeCapacitySet&) const = default;
  std::int64_t places = 0;
  std::int64_t lvv_places = 0;
  std::int64_t max_stay_months = 0;
};

// --- location ---
struct LocationOpened {
  static constexpr std::string_view kType = "LocationOpened";
  bool operator==(const LocationOpened&) const = default;
  std::string_view name;
  std::string_view operator_id;
  std::int64_t beds = 0;
};
struct LocationCapacityChanged {
  static constexpr std::string_view kType = "LocationCapacityChanged";
  bool operator==(const LocationCapacityChanged&) const = default;
  std::int64_t beds = 0;
};
struct LocationClosed {
  static constexpr std::string_view kType = "LocationClosed";
  bool operator==(const LocationClosed&) const = default;
};
struct NeighbourhoodContactRecorded {
  static constexpr std::string_view kType = "NeighbourhoodContactRecorded";
  bool operator==(const NeighbourhoodContactRecorded&) const = default;
  ContactKind kind{};
};

// --- activity ---
struct ActivityScheduled {
  static constexpr std::string_view kType = "ActivityScheduled";
  bool operator==(const ActivityScheduled&) const = default;
  std::string_view title;
  std::string_view organisation;
  ActivityCategory category{};
  Micros starts_at = 0;
  bool co_designed = false;
};
struct ActivityHeld {
  static constexpr std::string_view kType = "ActivityHeld";
  bool operator==(const ActivityHeld&) const = default;
  std::int64_t residents = 0;
  std::int64_t volunteers = 0;
  std::int64_t neighbours = 0;
  double volunteer_hours = 0;
};
struct ActivityCancelled {
  static constexpr std::string_view kType = "ActivityCancelled";
  bool operator==(const ActivityCancelled&) const = default;
};

// --- case ---
struct CaseRegistered {
  static constexpr std::string_view kType = "CaseRegistered";
  bool operator==(const CaseRegistered&) const = default;
  std::string_view previous_case_id;  // empty: a first case (spec/evaluation.md, "Returns")
};
struct IntakeCompleted {
  static constexpr std::string_view kType = "IntakeCompleted";
  bool operator==(const IntakeCompleted&) const = default;
  bool eligible = false;
};
struct PlacementDecided {
  static constexpr std::string_view kType = "PlacementDecided";
  bool operator==(const PlacementDecided&) const = default;
  Decision decision{};
  std::optional<Funding> funding;
};
struct CaseManagerAssigned {
  static constexpr std::string_view kType = "CaseManagerAssigned";
  bool operator==(const CaseManagerAssigned&) const = default;
  std::string_view case_manager;
  std::string_view organisation;
};
struct BedAssigned {
  static constexpr std::string_view kType = "BedAssigned";
  bool operator==(const BedAssigned&) const = default;
  std::string_view location_id;
};
struct Transferred {
  static constexpr std::string_view kType = "Transferred";
  bool operator==(const Transferred&) const = default;
  std::string_view to_location_id;
};
struct LivingAllowancePaid {
  static constexpr std::string_view kType = "LivingAllowancePaid";
  bool operator==(const LivingAllowancePaid&) const = default;
  std::int64_t amount_cents = 0;
  std::int32_t period = 0;  // the month paid for, as year * 12 + month - 1
};
struct LegalStepRecorded {
  static constexpr std::string_view kType = "LegalStepRecorded";
  bool operator==(const LegalStepRecorded&) const = default;
  LegalStepKind step{};
  std::optional<LegalResult> result;
};
struct PerspectiveChosen {
  static constexpr std::string_view kType = "PerspectiveChosen";
  bool operator==(const PerspectiveChosen&) const = default;
  Track track{};
};
struct ReturnStepRecorded {
  static constexpr std::string_view kType = "ReturnStepRecorded";
  bool operator==(const ReturnStepRecorded&) const = default;
  ReturnStepKind step{};
  std::string_view country;  // empty when not given
};
struct ParticipationRecorded {
  static constexpr std::string_view kType = "ParticipationRecorded";
  bool operator==(const ParticipationRecorded&) const = default;
  std::string_view activity;
  std::string_view organisation;
  double hours = 0;
  std::string_view activity_id;  // empty when not given
};
struct EscalationRaised {
  static constexpr std::string_view kType = "EscalationRaised";
  bool operator==(const EscalationRaised&) const = default;
  std::string_view escalation_id;
  EscalationReason reason{};
  EscalationLevel level{};
};
struct EscalationResolved {
  static constexpr std::string_view kType = "EscalationResolved";
  bool operator==(const EscalationResolved&) const = default;
  std::string_view escalation_id;
  Resolution resolution{};
};
struct StayExtended {
  static constexpr std::string_view kType = "StayExtended";
  bool operator==(const StayExtended&) const = default;
  Days until = 0;
};
struct ExitInterviewHeld {
  static constexpr std::string_view kType = "ExitInterviewHeld";
  bool operator==(const ExitInterviewHeld&) const = default;
  bool declined = false;
};
struct StayEnded {
  static constexpr std::string_view kType = "StayEnded";
  bool operator==(const StayEnded&) const = default;
  Outcome outcome{};
  std::string_view destination_country;  // empty when not given
};
struct PersonalDataErased {
  static constexpr std::string_view kType = "PersonalDataErased";
  bool operator==(const PersonalDataErased&) const = default;
};

using ProgrammeEvent = std::variant<ProgrammeCapacitySet>;
using LocationEvent = std::variant<LocationOpened, LocationCapacityChanged, LocationClosed,
                                   NeighbourhoodContactRecorded>;
using ActivityEvent = std::variant<ActivityScheduled, ActivityHeld, ActivityCancelled>;
using CaseEvent = std::variant<CaseRegistered, IntakeCompleted, PlacementDecided,
                               CaseManagerAssigned, BedAssigned, Transferred, LivingAllowancePaid,
                               LegalStepRecorded, PerspectiveChosen, ReturnStepRecorded,
                               ParticipationRecorded, EscalationRaised, EscalationResolved,
                               StayExtended, ExitInterviewHeld, StayEnded, PersonalDataErased>;

// The stream kind whose variant holds an event type.
template <class Variant>
struct StreamOf;
template <>
struct StreamOf<ProgrammeEvent> {
  static constexpr StreamKind kKind = StreamKind::programme;
};
template <>
struct StreamOf<LocationEvent> {
  static constexpr StreamKind kKind = StreamKind::location;
};
template <>
struct StreamOf<ActivityEvent> {
  static constexpr StreamKind kKind = StreamKind::activity;
};
template <>
struct StreamOf<CaseEvent> {
  static constexpr StreamKind kKind = StreamKind::case_file;
};

// Parses an event of `type` from its data as one of `Variant` (a stream kind's events); none
// for a type of another stream kind or an unknown one, or data that does not hold the type's
// fields (damaged: the folds skip it). Instantiated for the four variants above.
template <class Variant>
std::optional<Variant> parse_event(std::string_view type, const boost::json::object& data);
// The same from the members of a flat object read from the stored text of the data: the same
// event as from the object those members make.
template <class Variant>
std::optional<Variant> parse_event(std::string_view type, FlatFields data);

// The names of the fields the parser of `type` reads, in order (tests check them against the
// catalogue's non-personal fields).
std::vector<std::string_view> fields_read(std::string_view type);

// The type name of an event (its kType).
template <class Variant>
std::string_view type_of(const Variant& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

// Calls fn(std::type_identity<T>{}) for every event type T of every stream kind.
template <class Fn>
void for_each_event_type(Fn&& fn);

// A visitor from lambdas: std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v).
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

namespace detail {
template <class Variant, class Fn, std::size_t... I>
void for_each_alternative(Fn& fn, std::index_sequence<I...> /*unused*/) {
  (fn(std::type_identity<std::variant_alternative_t<I, Variant>>{}), ...);
}
template <class Variant, class Fn>
void for_each_alternative(Fn&& fn) {
  for_each_alternative<Variant>(fn, std::make_index_sequence<std::variant_size_v<Variant>>{});
}
}  // namespace detail

template <class Fn>
void for_each_event_type(Fn&& fn) {
  detail::for_each_alternative<ProgrammeEvent>(fn);
  detail::for_each_alternative<LocationEvent>(fn);
  detail::for_each_alternative<ActivityEvent>(fn);
  detail::for_each_alternative<CaseEvent>(fn);
}

}  // namespace perspectief
