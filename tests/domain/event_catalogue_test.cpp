#include "domain/event_catalogue.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>
#include <string>
#include <vector>

namespace perspectief {
namespace {

std::vector<FieldError> validate(const char* type, const char* data_json) {
  const auto* spec = find_event_spec(type);
  EXPECT_NE(spec, nullptr) << type;
  return validate_event_data(*spec, boost::json::parse(data_json).as_object());
}

struct ValidCase {
  const char* type;
  const char* data;
};

TEST(EventCatalogue, HasEveryTypeOfTheDomainOnce) {
  std::set<std::string> names;
  for (const auto& s : event_catalogue()) names.insert(std::string{s.type});
  EXPECT_EQ(names.size(), event_catalogue().size());
  EXPECT_EQ(names.size(), 25U);
}

TEST(EventCatalogue, AcceptsAValidExampleOfEveryType) {
  const std::vector<ValidCase> cases{
      {"ProgrammeCapacitySet", R"({"places":500,"lvvPlaces":360,"maxStayMonths":18})"},
      {"LocationOpened", R"({"name":"Hoofdlocatie","operator":"hvo-querido","beds":40})"},
      {"LocationCapacityChanged", R"({"beds":0})"},
      {"LocationClosed", "{}"},
      {"NeighbourhoodContactRecorded", R"({"kind":"compliment","notes":"x"})"},
      {"ActivityScheduled",
       R"({"title":"Taalcafé","organisation":"boost","category":"language","startsAt":"2021-03-01T10:00:00Z","coDesigned":true})"},
      {"ActivityHeld", R"({"residents":12,"volunteers":3,"neighbours":2,"volunteerHours":7.5})"},
      {"ActivityCancelled", "{}"},
      {"CaseRegistered",
       R"({"person":{"name":"N","dateOfBirth":"1990-01-01","languages":["ar","en"],"vNumber":"123"},"referralSource":"x"})"},
      {"IntakeCompleted", R"({"eligible":true,"vulnerabilities":["medical"]})"},
      {"PlacementDecided", R"({"decision":"admitted","funding":"lvv"})"},
      {"PlacementDecided", R"({"decision":"rejected","reason":"x"})"},
      {"CaseManagerAssigned", R"({"caseManager":"cm-1","organisation":"aco"})"},
      {"BedAssigned", R"({"locationId":"loc-1","bedLabel":"3B"})"},
      {"Transferred", R"({"toLocationId":"loc-2"})"},
      {"LivingAllowancePaid", R"({"amountCents":5500,"period":"2021-03"})"},
      {"LegalStepRecorded", R"({"step":"medical_postponement_64vw","result":"pending"})"},
      {"PerspectiveChosen", R"({"track":"return"})"},
      {"ReturnStepRecorded", R"({"step":"orientation","country":"GH"})"},
      {"ParticipationRecorded",
       R"({"activity":"Taalcafé","organisation":"boost","hours":2,"activityId":"a-1"})"},
      {"EscalationRaised", R"({"escalationId":"e-1","reason":"house_rules","level":"warning"})"},
      {"EscalationResolved", R"({"escalationId":"e-1","resolution":"resolved"})"},
      {"StayExtended", R"({"until":"2022-12-31","reason":"medical"})"},
      {"ExitInterviewHeld", R"({"declined":false})"},
      {"StayEnded", R"({"outcome":"independent_return","destinationCountry":"GH"})"},
      {"PersonalDataErased", "{}"},
  };
  for (const auto& c : cases) {
    const auto errors = validate(c.type, c.data);
    EXPECT_TRUE(errors.empty()) << c.type << ": "
                                << (errors.empty() ? ""
                                                   : errors[0].field + " " + errors[0].message);
  }
}

struct InvalidCase {
  const char* type;
  const char* data;
  const char* field;  // the first error's field
};

TEST(EventCatalogue, RefusesEachKindOfBadField) {
  const std::vector<InvalidCase> cases{
      {"ProgrammeCapacitySet", R"({"places":500,"lvvPlaces":600,"maxStayMonths":18})",
       "data.lvvPlaces"},
      {"ProgrammeCapacitySet", R"({"places":-1,"lvvPlaces":0,"maxStayMonths":18})", "data.places"},
      {"ProgrammeCapacitySet", R"({"places":500,"lvvPlaces":360,"maxStayMonths":0})",
       "data.maxStayMonths"},
      {"LocationOpened", R"({"name":"x","operator":"hvo querido","beds":4})", "data.operator"},
      {"LocationOpened", R"({"name":"","operator":"hvo","beds":4})", "data.name"},
      {"LocationOpened", R"({"operator":"hvo","beds":4})", "data.name"},
      {"LocationOpened", R"({"name":"x","operator":"hvo","beds":"4"})", "data.beds"},
      {"LocationOpened", R"({"name":"x","operator":"hvo","beds":4.5})", "data.beds"},
      {"LocationOpened", R"({"name":"x","operator":"hvo","beds":4,"extra":1})", "data.extra"},
      {"NeighbourhoodContactRecorded", R"({"kind":"party"})", "data.kind"},
      {"ActivityScheduled",
       R"({"title":"t","organisation":"o","category":"language","startsAt":"tomorrow"})",
       "data.startsAt"},
      {"ActivityHeld", R"({"residents":-1,"volunteers":0,"neighbours":0})", "data.residents"},
      {"ActivityHeld", R"({"residents":1,"volunteers":0,"neighbours":0,"volunteerHours":-2})",
       "data.volunteerHours"},
      {"CaseRegistered", R"({"person":{}})", "data.person.name"},
      {"CaseRegistered", R"({"person":"N"})", "data.person"},
      {"CaseRegistered", R"({"person":{"name":"N","dateOfBirth":"01-01-1990"}})",
       "data.person.dateOfBirth"},
      {"CaseRegistered", R"({"person":{"name":"N","languages":"ar"}})", "data.person.languages"},
      {"CaseRegistered", R"({"person":{"name":"N","shoeSize":44}})", "data.person"},
      {"IntakeCompleted", R"({"eligible":"yes"})", "data.eligible"},
      {"PlacementDecided", R"({"decision":"admitted"})", "data.funding"},
      {"PlacementDecided", R"({"decision":"maybe"})", "data.decision"},
      {"PlacementDecided", R"({"decision":"admitted","funding":"eu"})", "data.funding"},
      {"LivingAllowancePaid", R"({"amountCents":0,"period":"2021-03"})", "data.amountCents"},
      {"LivingAllowancePaid", R"({"amountCents":100,"period":"2021-3"})", "data.period"},
      {"LegalStepRecorded", R"({"step":"asylum_application","result":"maybe"})", "data.result"},
      {"PerspectiveChosen", R"({})", "data.track"},
      {"EscalationRaised", R"({"escalationId":"e 1","reason":"other","level":"warning"})",
       "data.escalationId"},
      {"EscalationResolved", R"({"escalationId":"e1","resolution":"stay_ended"})",
       "data.resolution"},
      {"StayExtended", R"({"until":"2022-02-30","reason":"x"})", "data.until"},
      {"StayExtended", R"({"until":"2022-02-28"})", "data.reason"},
      {"StayEnded", R"({"outcome":"vanished"})", "data.outcome"},
      {"PlacementDecided", R"({"decision":"admitted","funding":null})", "data.funding"},
      {"LivingAllowancePaid", R"({"amountCents":18446744073709551615,"period":"2021-03"})",
       "data.amountCents"},
      {"LivingAllowancePaid", R"({"amountCents":9007199254740992,"period":"2021-03"})",
       "data.amountCents"},
  };
  for (const auto& c : cases) {
    const auto errors = validate(c.type, c.data);
    ASSERT_FALSE(errors.empty()) << c.type << " " << c.data;
    EXPECT_EQ(errors[0].field, c.field) << c.type << " " << c.data;
  }
}

TEST(EventCatalogue, TextLimitsCountCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xD8\xA7";  // 200 x Arabic alef, 400 bytes
  const std::string ok = R"({"caseManager":")" + name + R"(","organisation":"o"})";
  const auto* spec = find_event_spec("CaseManagerAssigned");
  EXPECT_TRUE(validate_event_data(*spec, boost::json::parse(ok).as_object()).empty());
  const std::string too_long = R"({"caseManager":")" + name + R"(x","organisation":"o"})";
  const auto errors = validate_event_data(*spec, boost::json::parse(too_long).as_object());
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].message, "must be at most 200 characters");
}

TEST(EventCatalogue, MessagesNeverEchoTheValue) {
  const auto errors = validate(
      "CaseRegistered",
      R"({"person":{"name":42,"vNumber":"SECRET-V-NUMBER-123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"}})");
  ASSERT_EQ(errors.size(), 2U);
  for (const auto& e : errors) {
    EXPECT_EQ(e.message.find("SECRET"), std::string::npos);
    EXPECT_EQ(e.message.find("42"), std::string::npos);
  }
}

TEST(EventCatalogue, StreamKindsAndPersonalFields) {
  EXPECT_EQ(find_event_spec("BedAssigned")->stream, StreamKind::case_file);
  EXPECT_EQ(find_event_spec("LocationOpened")->stream, StreamKind::location);
  EXPECT_EQ(find_event_spec("ActivityHeld")->stream, StreamKind::activity);
  EXPECT_EQ(find_event_spec("ProgrammeCapacitySet")->stream, StreamKind::programme);
  EXPECT_TRUE(find_event_spec("PersonalDataErased")->internal);
  EXPECT_EQ(find_event_spec("Nope"), nullptr);
  // Every free-text field is personal.
  for (const auto& spec : event_catalogue()) {
    for (const auto& f : spec.fields) {
      if (f.kind == FieldKind::free_text || f.kind == FieldKind::person) {
        EXPECT_TRUE(f.personal) << spec.type << "." << f.name;
      }
    }
  }
}

TEST(EventCatalogue, OutcomeClasses) {
  EXPECT_EQ(outcome_values().size(), 12U);
  EXPECT_EQ(outcome_class("residence_permit"), "durable");
  EXPECT_EQ(outcome_class("medical_postponement"), "semi_durable");
  EXPECT_EQ(outcome_class("left_unknown"), "no_solution");
  EXPECT_EQ(outcome_class("deceased"), "other");
}

}  // namespace
}  // namespace perspectief

namespace perspectief {
namespace {

struct NumberCase {
  const char* type;
  const char* data;
  const char* message;  // "" when accepted
};

// Every numeric field has a domain (docs/events.md, "Numbers"): out of range, too many
// decimals, non-integers where an integer is due, -0, and the values that once produced
// NUL bytes in the JSON text (1e300, a subnormal 1e-320) are refused with the field named.
TEST(EventCatalogue, EveryNumericFieldHasADomain) {
  const std::vector<NumberCase> cases{
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":1e300})",
       "must be a number from 0 to 1000"},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":1001})",
       "must be a number from 0 to 1000"},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":1000})", ""},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":1000.01})",
       "must be a number from 0 to 1000"},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":1.25})", ""},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":0.29})", ""},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":0.333})",
       "must have at most two decimals"},
      {"ParticipationRecorded", R"({"activity":"a","organisation":"o","hours":-0.0})",
       "must be a number from 0 to 1000"},
      {"ParticipationRecorded",
       R"({"activity":"a","organisation":"o","hours":18446744073709551615})",
       "must be a number from 0 to 1000"},
      {"ActivityHeld", R"({"residents":1,"volunteers":0,"neighbours":0,"volunteerHours":1e-320})",
       "must have at most two decimals"},
      {"ActivityHeld", R"({"residents":1,"volunteers":0,"neighbours":0,"volunteerHours":1e-300})",
       "must have at most two decimals"},
      {"ActivityHeld", R"({"residents":1,"volunteers":0,"neighbours":0,"volunteerHours":100000})",
       ""},
      {"ActivityHeld", R"({"residents":1,"volunteers":0,"neighbours":0,"volunteerHours":100000.5})",
       "must be a number from 0 to 100000"},
      {"ActivityHeld", R"({"residents":10001,"volunteers":0,"neighbours":0})",
       "must be at most 10000"},
      {"ActivityHeld", R"({"residents":10000,"volunteers":10000,"neighbours":10000})", ""},
      {"LocationOpened", R"({"name":"x","operator":"hvo","beds":10001})", "must be at most 10000"},
      {"LocationCapacityChanged", R"({"beds":10001})", "must be at most 10000"},
      {"LocationCapacityChanged", R"({"beds":1e3})", "must be an integer"},
      {"ProgrammeCapacitySet", R"({"places":100001,"lvvPlaces":0,"maxStayMonths":18})",
       "must be at most 100000"},
      {"ProgrammeCapacitySet", R"({"places":500,"lvvPlaces":360,"maxStayMonths":121})",
       "must be at most 120"},
      {"LivingAllowancePaid", R"({"amountCents":10000001,"period":"2021-03"})",
       "must be at most 10000000"},
      {"LivingAllowancePaid", R"({"amountCents":18446744073709551615,"period":"2021-03"})",
       "must be at most 10000000"},
      {"LivingAllowancePaid", R"({"amountCents":-9223372036854775808,"period":"2021-03"})",
       "must be at least 1"},
  };
  for (const auto& c : cases) {
    const auto errors = validate(c.type, c.data);
    if (std::string_view{c.message}.empty()) {
      EXPECT_TRUE(errors.empty()) << c.type << " " << c.data << ": " << errors[0].message;
      continue;
    }
    ASSERT_EQ(errors.size(), 1U) << c.type << " " << c.data;
    EXPECT_EQ(errors[0].message, c.message) << c.type << " " << c.data;
  }
}

// No numeric field of the catalogue is left without a domain.
TEST(EventCatalogue, NumericFieldsHaveAMaximum) {
  int numeric = 0;
  for (const auto& spec : event_catalogue()) {
    for (const auto& f : spec.fields) {
      if (f.kind != FieldKind::integer && f.kind != FieldKind::decimal) continue;
      ++numeric;
      EXPECT_GT(f.max, f.min) << spec.type << "." << f.name;
      EXPECT_LE(f.max, 9'007'199'254'740'991) << spec.type << "." << f.name;
    }
  }
  EXPECT_EQ(numeric, 11);
}

}  // namespace
}  // namespace perspectief
