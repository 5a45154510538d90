#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace perspectief {

// The closed vocabularies of the event catalogue (spec/domain.md), one enum class each. The
// names below are the only copy of their values: the catalogue validates against them, the
// typed events parse them, and the read models write them back.
enum class ContactKind : std::uint8_t { meeting, visit, complaint, compliment, volunteer_help };
enum class ActivityCategory : std::uint8_t {
  language,
  work_skills,
  sport,
  culture,
  health,
  information,
  other
};
enum class Decision : std::uint8_t { admitted, rejected, referred, waitlisted };
enum class Funding : std::uint8_t { lvv, municipal };
enum class LegalStepKind : std::uint8_t {
  asylum_application,
  repeat_asylum_application,
  regular_application,
  medical_postponement_64vw,
  no_fault_procedure,
  ind_decision,
  appeal,
  appeal_decision,
  other
};
enum class LegalResult : std::uint8_t { pending, granted, rejected, withdrawn };
enum class Track : std::uint8_t { legal_stay_nl, return_track, onward_migration, undecided };
enum class ReturnStepKind : std::uint8_t {
  orientation,
  travel_documents_requested,
  travel_documents_obtained,
  return_support_approved,
  departure_scheduled
};
enum class EscalationReason : std::uint8_t { non_cooperation, house_rules, behaviour, other };
enum class EscalationLevel : std::uint8_t { warning, final_warning, termination_proposed };
enum class Resolution : std::uint8_t { resolved, stay_terminated };
enum class Outcome : std::uint8_t {
  residence_permit,
  independent_return,
  onward_migration,
  new_asylum_application,
  medical_postponement,
  forced_departure,
  detention,
  left_unknown,
  removed_non_cooperation,
  transferred_other_shelter,
  deceased,
  other
};
// How an escalation closed: its EscalationResolved, or the end of the stay.
enum class EscalationEnd : std::uint8_t { resolved, stay_terminated, stay_ended };
// The class of an outcome (spec/domain.md, "durable solutions").
enum class OutcomeClass : std::uint8_t { durable, semi_durable, no_solution, other };

// The wire names of an enumeration, in the order of its enumerators. The asserts at the end pin
// each list to its enum: a new value is its enumerator, its name and its count there, and then
// -Wswitch (an error in the release preset) points at every switch that must handle it.
template <class E>
struct EnumNames;

#define PERSPECTIEF_ENUM_NAMES(E, ...)                                                   \
  template <>                                                                            \
  struct EnumNames<E> {                                                                  \
    static constexpr std::array kNames = std::to_array<std::string_view>({__VA_ARGS__}); \
  }

PERSPECTIEF_ENUM_NAMES(ContactKind, "meeting", "visit", "complaint", "compliment",
                       "volunteer_help");
PERSPECTIEF_ENUM_NAMES(ActivityCategory, "language", "work_skills", "sport", "culture", "health",
                       "information", "other");
PERSPECTIEF_ENUM_NAMES(Decision, "admitted", "rejected", "referred", "waitlisted");
PERSPECTIEF_ENUM_NAMES(Funding, "lvv", "municipal");
PERSPECTIEF_ENUM_NAMES(LegalStepKind, "asylum_application", "repeat_asylum_application",
                       "regular_application", "medical_postponement_64vw", "no_fault_procedure",
                       "ind_decision", "appeal", "appeal_decision", "other");
PERSPECTIEF_ENUM_NAMES(LegalResult, "pending", "granted", "rejected", "withdrawn");
PERSPECTIEF_ENUM_NAMES(Track, "legal_stay_nl", "return", "onward_migration", "undecided");
PERSPECTIEF_ENUM_NAMES(ReturnStepKind, "orientation", "travel_documents_requested",
                       "travel_documents_obtained", "return_support_approved",
                       "departure_scheduled");
PERSPECTIEF_ENUM_NAMES(EscalationReason, "non_cooperation", "house_rules", "behaviour", "other");
PERSPECTIEF_ENUM_NAMES(EscalationLevel, "warning", "final_warning", "termination_proposed");
PERSPECTIEF_ENUM_NAMES(Resolution, "resolved", "stay_terminated");
PERSPECTIEF_ENUM_NAMES(Outcome, "residence_permit", "independent_return", "onward_migration",
                       "new_asylum_application", "medical_postponement", "forced_departure",
                       "detention", "left_unknown", "removed_non_cooperation",
                       "transferred_other_shelter", "deceased", "other");
PERSPECTIEF_ENUM_NAMES(EscalationEnd, "resolved", "stay_terminated", "stay_ended");
PERSPECTIEF_ENUM_NAMES(OutcomeClass, "durable", "semi_durable", "no_solution", "other");

#undef PERSPECTIEF_ENUM_NAMES

// The number of enumerators of E.
template <class E>
constexpr std::size_t enum_count() {
  return EnumNames<E>::kNames.size();
}

template <class E>
constexpr std::span<const std::string_view> enum_names() {
  return EnumNames<E>::kNames;
}

template <class E>
constexpr std::string_view to_string(E value) {
  const auto i = static_cast<std::size_t>(value);
  return i < enum_count<E>() ? EnumNames<E>::kNames[i] : std::string_view{};
}

// The enumerator named `text`; none for any other text (never a default).
template <class E>
constexpr std::optional<E> parse_enum(std::string_view text) {
  for (std::size_t i = 0; i < enum_count<E>(); ++i) {
    if (EnumNames<E>::kNames[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// The enumerator with index `code` (as stored in a byte by a read model); none if out of range.
template <class E>
constexpr std::optional<E> enum_from_code(std::uint8_t code) {
  return code < enum_count<E>() ? std::optional<E>{static_cast<E>(code)} : std::nullopt;
}

static_assert(to_string(ActivityCategory::other) == "other");
static_assert(to_string(LegalStepKind::other) == "other");
static_assert(to_string(EscalationReason::other) == "other");
static_assert(to_string(Outcome::other) == "other");
static_assert(to_string(OutcomeClass::other) == "other");
static_assert(to_string(ContactKind::volunteer_help) == "volunteer_help");
static_assert(enum_count<ContactKind>() == 5);
static_assert(to_string(Decision::waitlisted) == "waitlisted" && enum_count<Decision>() == 4);
static_assert(to_string(Funding::municipal) == "municipal" && enum_count<Funding>() == 2);
static_assert(to_string(LegalResult::withdrawn) == "withdrawn" && enum_count<LegalResult>() == 4);
static_assert(to_string(Track::undecided) == "undecided" && enum_count<Track>() == 4);
static_assert(to_string(ReturnStepKind::departure_scheduled) == "departure_scheduled" &&
              enum_count<ReturnStepKind>() == 5);
static_assert(to_string(EscalationLevel::termination_proposed) == "termination_proposed" &&
              enum_count<EscalationLevel>() == 3);
static_assert(to_string(Resolution::stay_terminated) == "stay_terminated" &&
              enum_count<Resolution>() == 2);
static_assert(enum_count<Outcome>() == 12 && enum_count<LegalStepKind>() == 9 &&
              enum_count<ActivityCategory>() == 7 && enum_count<EscalationReason>() == 4);

static_assert(to_string(EscalationEnd::stay_ended) == "stay_ended" &&
              enum_count<EscalationEnd>() == 3);

OutcomeClass outcome_class(Outcome outcome);
EscalationEnd escalation_end(Resolution resolution);

}  // namespace perspectief
