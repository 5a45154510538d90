#include "domain/event_catalogue.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <utility>

#include "domain/enumerations.hpp"
#include "domain/events.hpp"
#include "domain/time.hpp"

namespace perspectief {
namespace {

constexpr std::size_t kMaxText = 200;
constexpr std::size_t kMaxFreeText = 4000;
constexpr std::size_t kMaxListItems = 32;

// Length in Unicode code points (the parser has already checked the UTF-8).
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

FieldSpec req(std::string_view name, FieldKind kind) {
  return {name, kind, true, false};
}
FieldSpec opt(std::string_view name, FieldKind kind) {
  return {name, kind, false, false};
}
FieldSpec note(std::string_view name) {
  return {name, FieldKind::free_text, false, true};
}
FieldSpec count(std::string_view name, std::int64_t min, std::int64_t max) {
  return {name, FieldKind::integer, true, false, min, max};
}
FieldSpec hours(std::string_view name, std::int64_t max) {
  return {name, FieldKind::decimal, false, false, 0, max};
}
// An enumeration field: its values are the names of E (domain/enumerations.hpp).
template <class E>
FieldSpec one_of(std::string_view name, bool required) {
  const auto names = enum_names<E>();
  return {name, FieldKind::enumeration, required, false, 0, 0, {names.begin(), names.end()}};
}

// The domains of the numeric fields (docs/events.md, "Numbers"): generous for a programme of
// 500 places, and small enough that no sum over the whole log comes near 2^53.
constexpr std::int64_t kMaxPlaces = 100'000;
constexpr std::int64_t kMaxStayMonths = 120;
constexpr std::int64_t kMaxBeds = 10'000;
constexpr std::int64_t kMaxAttendance = 10'000;
constexpr std::int64_t kMaxAllowanceCents = 10'000'000;
constexpr std::int64_t kMaxVolunteerHours = 100'000;
constexpr std::int64_t kMaxParticipationHours = 1'000;

std::vector<EventSpec> build_catalogue() {
  using K = FieldKind;
  using S = StreamKind;
  return {
      {ProgrammeCapacitySet::kType,
       S::programme,
       {count("places", 0, kMaxPlaces), count("lvvPlaces", 0, kMaxPlaces),
        count("maxStayMonths", 1, kMaxStayMonths)}},
      {LocationOpened::kType,
       S::location,
       {req("name", K::text), req("operator", K::identifier), count("beds", 0, kMaxBeds)}},
      {LocationCapacityChanged::kType, S::location, {count("beds", 0, kMaxBeds)}},
      {LocationClosed::kType, S::location, {}},
      {NeighbourhoodContactRecorded::kType,
       S::location,
       {one_of<ContactKind>("kind", true), note("notes")}},
      {ActivityScheduled::kType,
       S::activity,
       {req("title", K::text), req("organisation", K::text),
        one_of<ActivityCategory>("category", true), req("startsAt", K::timestamp),
        opt("coDesigned", K::boolean)}},
      {ActivityHeld::kType,
       S::activity,
       {count("residents", 0, kMaxAttendance), count("volunteers", 0, kMaxAttendance),
        count("neighbours", 0, kMaxAttendance), hours("volunteerHours", kMaxVolunteerHours)}},
      {ActivityCancelled::kType, S::activity, {note("reason")}},
      {CaseRegistered::kType,
       S::case_file,
       {{"person", K::person, true, true},
        note("referralSource"),
        opt("previousCaseId", K::identifier)}},
      {IntakeCompleted::kType,
       S::case_file,
       {req("eligible", K::boolean),
        {"vulnerabilities", K::text_list, false, true},
        note("notes")}},
      {PlacementDecided::kType,
       S::case_file,
       {one_of<Decision>("decision", true), one_of<Funding>("funding", false), note("referredTo"),
        note("reason")}},
      {CaseManagerAssigned::kType,
       S::case_file,
       {req("caseManager", K::text), req("organisation", K::text)}},
      {BedAssigned::kType, S::case_file, {req("locationId", K::identifier), note("bedLabel")}},
      {Transferred::kType, S::case_file, {req("toLocationId", K::identifier), note("reason")}},
      {LivingAllowancePaid::kType,
       S::case_file,
       {count("amountCents", 1, kMaxAllowanceCents), req("period", K::year_month)}},
      {LegalStepRecorded::kType,
       S::case_file,
       {one_of<LegalStepKind>("step", true), one_of<LegalResult>("result", false), note("notes")}},
      {PerspectiveChosen::kType, S::case_file, {one_of<Track>("track", true)}},
      {ReturnStepRecorded::kType,
       S::case_file,
       {one_of<ReturnStepKind>("step", true), opt("country", K::text), note("notes")}},
      {ParticipationRecorded::kType,
       S::case_file,
       {req("activity", K::text), req("organisation", K::text),
        hours("hours", kMaxParticipationHours), opt("activityId", K::identifier)}},
      {EscalationRaised::kType,
       S::case_file,
       {req("escalationId", K::identifier), one_of<EscalationReason>("reason", true),
        one_of<EscalationLevel>("level", true), note("notes")}},
      {EscalationResolved::kType,
       S::case_file,
       {req("escalationId", K::identifier), one_of<Resolution>("resolution", true)}},
      {StayExtended::kType,
       S::case_file,
       {req("until", K::date), {"reason", K::free_text, true, true}}},
      {ExitInterviewHeld::kType, S::case_file, {opt("declined", K::boolean), note("notes")}},
      {StayEnded::kType,
       S::case_file,
       {one_of<Outcome>("outcome", true), opt("destinationCountry", K::text), note("notes")}},
      {PersonalDataErased::kType, S::case_file, {}, true},
  };
}

const std::vector<EventSpec>& catalogue() {
  static const std::vector<EventSpec> kCatalogue = build_catalogue();
  return kCatalogue;
}

std::string path(std::string_view prefix, std::string_view name) {
  std::string p{prefix};
  p += '.';
  p += name;
  return p;
}

void check_string(const boost::json::value& v, const std::string& field, std::size_t max,
                  std::vector<FieldError>& errors) {
  if (!v.is_string()) {
    errors.push_back({field, "must be a string"});
  } else if (v.as_string().empty()) {
    errors.push_back({field, "must not be empty"});
  } else if (code_points(v.as_string()) > max) {
    errors.push_back({field, "must be at most " + std::to_string(max) + " characters"});
  }
}

void check_string_list(const boost::json::value& v, const std::string& field,
                       std::vector<FieldError>& errors) {
  if (!v.is_array()) {
    errors.push_back({field, "must be an array of strings"});
    return;
  }
  const auto& arr = v.as_array();
  if (arr.size() > kMaxListItems) {
    errors.push_back({field, "must have at most " + std::to_string(kMaxListItems) + " items"});
    return;
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    check_string(arr[i], field + "[" + std::to_string(i) + "]", kMaxText, errors);
  }
}

// Whether `d` (finite) is written with at most two decimals in its shortest form, the form
// the API writes it in: 1.25 yes, 0.1 yes, 1e-300 and 1/3 no.
bool has_at_most_two_decimals(double d) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::fixed);
  if (r.ec != std::errc{}) return false;
  const std::string_view text{buf.data(), static_cast<std::size_t>(r.ptr - buf.data())};
  const auto dot = text.find('.');
  return dot == std::string_view::npos || text.size() - dot - 1 <= 2;
}

// A decimal: a JSON number (integer or not), finite, not negative (nor -0), from min to max,
// with at most two decimals, so that every reader writes it back as it was sent.
void check_decimal(const FieldSpec& spec, const boost::json::value& v, const std::string& field,
                   std::vector<FieldError>& errors) {
  if (!v.is_number()) {
    errors.push_back({field, "must be a number"});
    return;
  }
  const std::string range =
      "must be a number from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
  if (v.is_uint64() || (v.is_int64() && v.as_int64() > spec.max)) {
    errors.push_back({field, range});
    return;
  }
  if (v.is_int64()) {
    if (v.as_int64() < spec.min) errors.push_back({field, range});
    return;
  }
  const double d = v.as_double();
  if (!std::isfinite(d) || std::signbit(d) || d < static_cast<double>(spec.min) ||
      d > static_cast<double>(spec.max)) {
    errors.push_back({field, range});
  } else if (!has_at_most_two_decimals(d)) {
    errors.push_back({field, "must have at most two decimals"});
  }
}

void check_field(const FieldSpec& spec, const boost::json::value& v, const std::string& field,
                 std::vector<FieldError>& errors);

void check_person(const boost::json::value& v, const std::string& field,
                  std::vector<FieldError>& errors) {
  static const std::vector<FieldSpec> kPerson{
      req("name", FieldKind::text),           opt("dateOfBirth", FieldKind::date),
      opt("nationality", FieldKind::text),    opt("gender", FieldKind::text),
      opt("languages", FieldKind::text_list), opt("vNumber", FieldKind::text),
  };
  if (!v.is_object()) {
    errors.push_back({field, "must be an object"});
    return;
  }
  const auto& obj = v.as_object();
  for (const auto& f : kPerson) {
    const auto* member = obj.if_contains(f.name);
    if (member == nullptr) {
      if (f.required) errors.push_back({path(field, f.name), "is required"});
      continue;
    }
    check_field(f, *member, path(field, f.name), errors);
  }
  for (const auto& kv : obj) {
    const bool known = std::any_of(kPerson.begin(), kPerson.end(),
                                   [&](const FieldSpec& f) { return f.name == kv.key(); });
    if (!known) errors.push_back({field, "has an unknown field"});
  }
}

void check_field(const FieldSpec& spec, const boost::json::value& v, const std::string& field,
                 std::vector<FieldError>& errors) {
  switch (spec.kind) {
    case FieldKind::text:
      check_string(v, field, kMaxText, errors);
      break;
    case FieldKind::free_text:
      check_string(v, field, kMaxFreeText, errors);
      break;
    case FieldKind::identifier:
      if (!v.is_string() || !is_valid_id(v.as_string())) {
        errors.push_back({field, "must be 1-64 characters of [A-Za-z0-9_-]"});
      }
      break;
    case FieldKind::integer:
      if (!v.is_int64() && !v.is_uint64()) {
        errors.push_back({field, "must be an integer"});
      } else if (v.is_uint64() || v.as_int64() > spec.max) {
        errors.push_back({field, "must be at most " + std::to_string(spec.max)});
      } else if (v.as_int64() < spec.min) {
        errors.push_back({field, "must be at least " + std::to_string(spec.min)});
      }
      break;
    case FieldKind::decimal:
      check_decimal(spec, v, field, errors);
      break;
    case FieldKind::boolean:
      if (!v.is_bool()) errors.push_back({field, "must be true or false"});
      break;
    case FieldKind::enumeration:
      if (!v.is_string() || std::find(spec.values.begin(), spec.values.end(),
                                      std::string_view{v.as_string()}) == spec.values.end()) {
        std::string msg = "must be one of:";
        for (const auto value : spec.values) {
          msg += ' ';
          msg += value;
        }
        errors.push_back({field, msg});
      }
      break;
    case FieldKind::date:
      if (!v.is_string() || !parse_date(v.as_string())) {
        errors.push_back({field, "must be a date YYYY-MM-DD in the years 1900-9999"});
      }
      break;
    case FieldKind::year_month:
      if (!v.is_string() || !is_year_month(v.as_string())) {
        errors.push_back({field, "must be a month YYYY-MM in the years 1900-9999"});
      }
      break;
    case FieldKind::timestamp:
      if (!v.is_string() || !parse_rfc3339(v.as_string())) {
        errors.push_back({field, "must be an RFC 3339 time in the years 1900-9999 (UTC)"});
      }
      break;
    case FieldKind::text_list:
      check_string_list(v, field, errors);
      break;
    case FieldKind::person:
      check_person(v, field, errors);
      break;
  }
}

std::int64_t int_or(const boost::json::object& data, std::string_view name, std::int64_t dflt) {
  const auto* v = data.if_contains(name);
  return v != nullptr && v->is_int64() ? v->as_int64() : dflt;
}

}  // namespace

std::span<const EventSpec> event_catalogue() {
  return catalogue();
}

bool is_personal_field(const EventSpec* spec, std::string_view field) {
  if (spec == nullptr) return true;
  for (const auto& f : spec->fields) {
    if (f.name == field) return f.personal;
  }
  return true;
}

const EventSpec* find_event_spec(std::string_view type) {
  const auto& all = catalogue();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const EventSpec& s) { return s.type == type; });
  return it == all.end() ? nullptr : &*it;
}

std::vector<FieldError> validate_event_data(const EventSpec& spec,
                                            const boost::json::object& data) {
  std::vector<FieldError> errors;
  for (const auto& f : spec.fields) {
    const auto* v = data.if_contains(f.name);
    if (v == nullptr || (v->is_null() && !f.required)) {
      if (f.required) errors.push_back({path("data", f.name), "is required"});
      continue;
    }
    check_field(f, *v, path("data", f.name), errors);
  }
  for (const auto& kv : data) {
    const bool known = std::any_of(spec.fields.begin(), spec.fields.end(),
                                   [&](const FieldSpec& f) { return f.name == kv.key(); });
    if (known) continue;
    // A key is echoed only when it looks like a field name: keys are client text.
    const std::string field = is_valid_id(kv.key()) ? path("data", kv.key()) : "data";
    errors.push_back({field, "is not a field of " + std::string{spec.type}});
  }
  if (errors.empty() && spec.type == ProgrammeCapacitySet::kType &&
      int_or(data, "lvvPlaces", 0) > int_or(data, "places", 0)) {
    errors.push_back({"data.lvvPlaces", "must not exceed places"});
  }
  if (errors.empty() && spec.type == PlacementDecided::kType) {
    const auto* decision = data.if_contains("decision");
    const auto* funding = data.if_contains("funding");
    if (decision != nullptr && decision->as_string() == "admitted" &&
        (funding == nullptr || funding->is_null())) {
      errors.push_back({"data.funding", "is required when the decision is admitted"});
    }
  }
  return errors;
}

std::span<const std::string_view> outcome_values() {
  return enum_names<Outcome>();
}

std::string_view outcome_class(std::string_view outcome) {
  const auto o = parse_enum<Outcome>(outcome);
  return to_string(o ? outcome_class(*o) : OutcomeClass::other);
}

}  // namespace perspectief
