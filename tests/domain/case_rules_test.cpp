#include "domain/case_file.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <climits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/domain_event.hpp"
#include "domain/location.hpp"
#include "domain/programme.hpp"
#include "domain/time.hpp"
#include "tests/support/test_times.hpp"

// The case rules 1-11 of spec/domain.md ("Case states and rules"), the occurredAt rules and
// the calendar arithmetic of the stay limit, driven through decide() and evolve().

namespace perspectief {
namespace {

using testing::kMinute;
using testing::kT0;

Micros at_utc(int year, unsigned month, unsigned day) {
  return days_from_civil({year, month, day}) * kMicrosPerDay + 10 * 3600 * kMicrosPerSecond;
}

Days date(int year, unsigned month, unsigned day) {
  return days_from_civil({year, month, day});
}

// One event of a history: its type, its data as JSON, and when it happened (0: one minute
// after the previous event, starting at kT0).
struct Step {
  std::string type;
  std::string data = "{}";
  Micros at = 0;
};

using History = std::vector<Step>;

DomainEvent make_event(const std::string& type, const std::string& data, Micros at) {
  return DomainEvent{type, boost::json::parse(data).as_object(), at};
}

// Folds a history with evolve(), as the write model does.
CaseState fold(const History& steps) {
  CaseState s;
  Micros t = kT0 - kMinute;
  for (const auto& step : steps) {
    t = step.at != 0 ? step.at : t + kMinute;
    s = evolve(std::move(s), make_event(step.type, step.data, t));
  }
  return s;
}

History operator+(History a, const History& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const char* const kPerson = R"({"person":{"name":"Test Person"}})";

History registered() {
  return {{"CaseRegistered", kPerson}};
}
History intake(bool eligible = true) {
  return registered() +
         History{{"IntakeCompleted", eligible ? R"({"eligible":true})" : R"({"eligible":false})"}};
}
History decided(const std::string& decision, bool eligible = true) {
  return intake(eligible) + History{{"PlacementDecided", R"({"decision":")" + decision + R"("})"}};
}
History admitted(const std::string& funding = "lvv") {
  return intake() +
         History{{"PlacementDecided", R"({"decision":"admitted","funding":")" + funding + R"("})"}};
}
History housed(const std::string& location = "loc-a", const std::string& funding = "lvv") {
  return admitted(funding) + History{{"BedAssigned", R"({"locationId":")" + location + R"("})"}};
}
// Housed with the bed assigned at `bed_at` (the admission date is its UTC date).
History housed_at(Micros bed_at) {
  History h =
      registered() + History{{"IntakeCompleted", R"({"eligible":true})", bed_at - 3 * kMinute},
                             {"PlacementDecided", R"({"decision":"admitted","funding":"lvv"})"}};
  h.push_back({"BedAssigned", R"({"locationId":"loc-a"})", bed_at});
  h.front().at = bed_at - 4 * kMinute;
  return h;
}
History ended() {
  return housed() + History{{"StayEnded", R"({"outcome":"independent_return"})"}};
}
History with_escalation(History h, const std::string& id = "e1") {
  h.push_back({"EscalationRaised",
               R"({"escalationId":")" + id + R"(","reason":"house_rules","level":"warning"})"});
  return h;
}

// The programme and the locations a case decision may see.
struct Capacity {
  std::int64_t places = 500;
  std::int64_t lvv_places = 360;
  std::int64_t max_stay_months = 18;
  std::int64_t housed_lvv = 0;
  std::int64_t housed_municipal = 0;
};

LocationState make_location(std::int64_t beds, std::int64_t occupied, bool open) {
  LocationState s = evolve(
      LocationState{},
      make_event("LocationOpened",
                 R"({"name":"L","operator":"hvo-querido","beds":)" + std::to_string(beds) + "}",
                 kT0 - kMicrosPerDay));
  if (!open) s = evolve(std::move(s), make_event("LocationClosed", "{}", kT0 - kMicrosPerDay));
  s.occupied = occupied;
  return s;
}

// loc-a: where housed() puts the case (one bed taken by it); loc-b: free; loc-full: no free
// bed; loc-closed: closed. "loc-unknown" is not in the map.
std::map<std::string, LocationState> standard_locations() {
  return {{"loc-a", make_location(10, 1, true)},
          {"loc-b", make_location(5, 0, true)},
          {"loc-full", make_location(2, 2, true)},
          {"loc-closed", make_location(5, 0, false)}};
}

struct Row {
  std::string name;
  History history;
  std::string type;
  std::string data;
  std::string rule;  // empty: accepted
  Capacity capacity = {};
};

// Earlier cases a CaseRegistered may name as its previousCaseId: one per status.
std::map<std::string, CaseState, std::less<>> earlier_cases() {
  return {{"c-ended", fold(ended())},
          {"c-rejected", fold(decided("rejected", false))},
          {"c-referred", fold(decided("referred"))},
          {"c-waitlisted", fold(decided("waitlisted"))},
          {"c-housed", fold(housed())},
          {"c-registered", fold(registered())},
          {"c-erased", fold(ended() + History{{"PersonalDataErased", "{}"}})}};
}

void run(const std::vector<Row>& rows) {
  const auto locations = standard_locations();
  const auto others = earlier_cases();
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const CaseState state = fold(row.history);
    const ProgrammeState programme = initial_programme(row.capacity.places, row.capacity.lvv_places,
                                                       row.capacity.max_stay_months);
    const CaseContext context{programme,
                              [&](const std::string& id) -> const LocationState* {
                                const auto it = locations.find(id);
                                return it == locations.end() ? nullptr : &it->second;
                              },
                              row.capacity.housed_lvv, row.capacity.housed_municipal,
                              [&](std::string_view id) -> const CaseState* {
                                const auto it = others.find(id);
                                return it == others.end() ? nullptr : &it->second;
                              }};
    const Micros at = (state.last_occurred == INT64_MIN ? kT0 : state.last_occurred) + kMinute;
    const DomainEvent event = make_event(row.type, row.data, at);
    const auto result = decide(state, event, context, at);
    if (row.rule.empty()) {
      ASSERT_TRUE(result.ok()) << "refused: " << result.error().rule << ": "
                               << result.error().message;
      ASSERT_EQ(result->size(), 1U);
      EXPECT_EQ((*result)[0].type, row.type);
      EXPECT_EQ((*result)[0].data, event.data);
      EXPECT_EQ((*result)[0].occurred_at, at);
    } else {
      ASSERT_FALSE(result.ok()) << "accepted, expected " << row.rule;
      EXPECT_EQ(result.error().code, ErrorCode::conflict);
      EXPECT_EQ(result.error().rule, row.rule);
    }
  }
}

TEST(CaseRules, Rule01CaseRegisteredFirstAndOnlyFirst) {
  run({
      {"first event CaseRegistered", {}, "CaseRegistered", kPerson, ""},
      {"CaseRegistered twice", registered(), "CaseRegistered", kPerson, "case-registered-first"},
  });
}

// spec/evaluation.md, "Returns to the programme": previousCaseId names a closed case.
TEST(CaseRules, PreviousCaseMustBeAnExistingClosedCase) {
  const auto with_previous = [](const std::string& id) {
    return R"({"person":{"name":"Test Person"},"previousCaseId":")" + id + R"("})";
  };
  run({
      {"after an ended stay", {}, "CaseRegistered", with_previous("c-ended"), ""},
      {"after a rejection", {}, "CaseRegistered", with_previous("c-rejected"), ""},
      {"after a referral", {}, "CaseRegistered", with_previous("c-referred"), ""},
      {"no such case", {}, "CaseRegistered", with_previous("c-none"), "previous_case"},
      {"a housed case", {}, "CaseRegistered", with_previous("c-housed"), "previous_case"},
      {"a waitlisted case", {}, "CaseRegistered", with_previous("c-waitlisted"), "previous_case"},
      {"a registered case", {}, "CaseRegistered", with_previous("c-registered"), "previous_case"},
      {"an ended case that is erased",
       {},
       "CaseRegistered",
       with_previous("c-erased"),
       "previous_case"},
      {"checked after rule 1", registered(), "CaseRegistered", with_previous("c-ended"),
       "case-registered-first"},
      {"CaseRegistered after intake", intake(), "CaseRegistered", kPerson, "case-registered-first"},
      {"CaseRegistered after StayEnded", ended(), "CaseRegistered", kPerson,
       "case-registered-first"},
      {"IntakeCompleted first",
       {},
       "IntakeCompleted",
       R"({"eligible":true})",
       "case-registered-first"},
      {"CaseManagerAssigned first",
       {},
       "CaseManagerAssigned",
       R"({"caseManager":"m","organisation":"o"})",
       "case-registered-first"},
      {"BedAssigned first",
       {},
       "BedAssigned",
       R"({"locationId":"loc-b"})",
       "case-registered-first"},
      {"PersonalDataErased first", {}, "PersonalDataErased", "{}", "case-registered-first"},
  });
}

TEST(CaseRules, Rule02IntakeOnlyWhenRegistered) {
  run({
      {"eligible intake when registered", registered(), "IntakeCompleted", R"({"eligible":true})",
       ""},
      {"ineligible intake when registered", registered(), "IntakeCompleted",
       R"({"eligible":false})", ""},
      {"second intake", intake(), "IntakeCompleted", R"({"eligible":true})",
       "intake-when-registered"},
      {"intake when waitlisted", decided("waitlisted"), "IntakeCompleted", R"({"eligible":true})",
       "intake-when-registered"},
      {"intake when admitted", admitted(), "IntakeCompleted", R"({"eligible":true})",
       "intake-when-registered"},
      {"intake when housed", housed(), "IntakeCompleted", R"({"eligible":true})",
       "intake-when-registered"},
      {"intake when rejected", decided("rejected"), "IntakeCompleted", R"({"eligible":true})",
       "intake-when-registered"},
  });
}

TEST(CaseRules, Rule03PlacementAfterIntakeOrOnWaitlist) {
  const std::string admit_lvv = R"({"decision":"admitted","funding":"lvv"})";
  const std::string admit_municipal = R"({"decision":"admitted","funding":"municipal"})";
  run({
      {"admitted lvv after eligible intake", intake(true), "PlacementDecided", admit_lvv, ""},
      {"admitted municipal after eligible intake", intake(true), "PlacementDecided",
       admit_municipal, ""},
      {"rejected after eligible intake", intake(true), "PlacementDecided",
       R"({"decision":"rejected"})", ""},
      {"referred after eligible intake", intake(true), "PlacementDecided",
       R"({"decision":"referred"})", ""},
      {"waitlisted after eligible intake", intake(true), "PlacementDecided",
       R"({"decision":"waitlisted"})", ""},
      {"admitted after ineligible intake", intake(false), "PlacementDecided", admit_lvv,
       "admission-needs-eligibility"},
      {"rejected after ineligible intake", intake(false), "PlacementDecided",
       R"({"decision":"rejected"})", ""},
      {"waitlisted -> admitted", decided("waitlisted"), "PlacementDecided", admit_municipal, ""},
      {"waitlisted -> waitlisted again", decided("waitlisted"), "PlacementDecided",
       R"({"decision":"waitlisted"})", ""},
      {"waitlisted -> referred", decided("waitlisted"), "PlacementDecided",
       R"({"decision":"referred"})", ""},
      {"waitlisted after ineligible intake -> admitted", decided("waitlisted", false),
       "PlacementDecided", admit_lvv, "admission-needs-eligibility"},
      {"placement when registered", registered(), "PlacementDecided", R"({"decision":"rejected"})",
       "placement-after-intake"},
      {"placement when admitted", admitted(), "PlacementDecided", admit_lvv,
       "placement-after-intake"},
      {"placement when housed", housed(), "PlacementDecided", R"({"decision":"referred"})",
       "placement-after-intake"},
      {"placement when rejected", decided("rejected"), "PlacementDecided", admit_lvv,
       "placement-after-intake"},
      {"placement when referred", decided("referred"), "PlacementDecided", admit_lvv,
       "placement-after-intake"},
  });
}

TEST(CaseRules, Rule04CaseManagerInAnyStateButFinal) {
  const std::string data = R"({"caseManager":"m-1","organisation":"acvz"})";
  run({
      {"registered", registered(), "CaseManagerAssigned", data, ""},
      {"intake_completed", intake(), "CaseManagerAssigned", data, ""},
      {"waitlisted", decided("waitlisted"), "CaseManagerAssigned", data, ""},
      {"admitted", admitted(), "CaseManagerAssigned", data, ""},
      {"housed", housed(), "CaseManagerAssigned", data, ""},
      {"rejected", decided("rejected"), "CaseManagerAssigned", data, "case-closed"},
      {"referred", decided("referred"), "CaseManagerAssigned", data, "case-closed"},
      {"ended", ended(), "CaseManagerAssigned", data, "stay-ended"},
  });
}

TEST(CaseRules, Rule05BedAssignedOnlyWhenAdmittedWithBedAndPlaces) {
  const std::string to_b = R"({"locationId":"loc-b"})";
  // places 3 = 1 lvv + 2 municipal.
  const Capacity programme_full{3, 1, 18, 1, 2};
  const Capacity lvv_full{3, 1, 18, 1, 0};
  const Capacity municipal_full{3, 1, 18, 0, 2};
  const Capacity lvv_full_municipal_free{3, 1, 18, 1, 1};
  const Capacity last_place{3, 1, 18, 0, 1};
  run({
      {"admitted lvv, free bed and places", admitted("lvv"), "BedAssigned", to_b, ""},
      {"admitted municipal, free bed and places", admitted("municipal"), "BedAssigned", to_b, ""},
      {"registered", registered(), "BedAssigned", to_b, "bed-when-admitted"},
      {"intake_completed", intake(), "BedAssigned", to_b, "bed-when-admitted"},
      {"waitlisted", decided("waitlisted"), "BedAssigned", to_b, "bed-when-admitted"},
      {"rejected", decided("rejected"), "BedAssigned", to_b, "bed-when-admitted"},
      {"housed already", housed(), "BedAssigned", to_b, "bed-when-admitted"},
      {"unknown location", admitted(), "BedAssigned", R"({"locationId":"loc-unknown"})",
       "location-unknown"},
      {"location closed", admitted(), "BedAssigned", R"({"locationId":"loc-closed"})",
       "location-not-open"},
      {"no free bed", admitted(), "BedAssigned", R"({"locationId":"loc-full"})", "bed-capacity"},
      {"programme full", admitted("lvv"), "BedAssigned", to_b, "programme-capacity",
       programme_full},
      {"programme full (municipal case)", admitted("municipal"), "BedAssigned", to_b,
       "programme-capacity", programme_full},
      {"the last programme place", admitted("lvv"), "BedAssigned", to_b, "", last_place},
      {"lvv places full", admitted("lvv"), "BedAssigned", to_b, "funding-capacity", lvv_full},
      {"lvv full, municipal case", admitted("municipal"), "BedAssigned", to_b, "",
       lvv_full_municipal_free},
      {"municipal places full", admitted("municipal"), "BedAssigned", to_b, "funding-capacity",
       municipal_full},
      {"municipal full, lvv case", admitted("lvv"), "BedAssigned", to_b, "", municipal_full},
  });
}

TEST(CaseRules, Rule06TransferredOnlyWhenHousedToAnotherFreeLocation) {
  run({
      {"housed -> another open location with a free bed", housed("loc-a"), "Transferred",
       R"({"toLocationId":"loc-b"})", ""},
      {"to the same location", housed("loc-a"), "Transferred", R"({"toLocationId":"loc-a"})",
       "transfer-same-location"},
      {"target full", housed("loc-a"), "Transferred", R"({"toLocationId":"loc-full"})",
       "bed-capacity"},
      {"target closed", housed("loc-a"), "Transferred", R"({"toLocationId":"loc-closed"})",
       "location-not-open"},
      {"target unknown", housed("loc-a"), "Transferred", R"({"toLocationId":"loc-unknown"})",
       "location-unknown"},
      {"admitted, not housed", admitted(), "Transferred", R"({"toLocationId":"loc-b"})",
       "transfer-when-housed"},
      {"registered", registered(), "Transferred", R"({"toLocationId":"loc-b"})",
       "transfer-when-housed"},
      {"ended", ended(), "Transferred", R"({"toLocationId":"loc-b"})", "stay-ended"},
  });
}

TEST(CaseRules, Rule07AllowanceOnlyWhenHousedOncePerPeriod) {
  const History paid_march =
      housed() + History{{"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})"}};
  run({
      {"housed, first payment", housed(), "LivingAllowancePaid",
       R"({"amountCents":5000,"period":"2021-03"})", ""},
      {"same period twice", paid_march, "LivingAllowancePaid",
       R"({"amountCents":100,"period":"2021-03"})", "allowance-once-per-period"},
      {"next period", paid_march, "LivingAllowancePaid",
       R"({"amountCents":5000,"period":"2021-04"})", ""},
      {"admitted, not housed", admitted(), "LivingAllowancePaid",
       R"({"amountCents":5000,"period":"2021-03"})", "allowance-when-housed"},
      {"intake_completed", intake(), "LivingAllowancePaid",
       R"({"amountCents":5000,"period":"2021-03"})", "allowance-when-housed"},
  });
}

TEST(CaseRules, Rule08ActivityEventsOnlyWhenActive) {
  const std::vector<std::pair<std::string, std::string>> types{
      {"LegalStepRecorded", R"({"step":"asylum_application","result":"pending"})"},
      {"PerspectiveChosen", R"({"track":"return"})"},
      {"ReturnStepRecorded", R"({"step":"orientation","country":"Ghana"})"},
      {"ParticipationRecorded", R"({"activity":"Language cafe","organisation":"boost","hours":2})"},
      {"EscalationRaised", R"({"escalationId":"e9","reason":"non_cooperation","level":"warning"})"},
  };
  std::vector<Row> rows;
  for (const auto& [type, data] : types) {
    rows.push_back({type + " when admitted", admitted(), type, data, ""});
    rows.push_back({type + " when housed", housed(), type, data, ""});
    rows.push_back({type + " when registered", registered(), type, data, "only-when-active"});
    rows.push_back({type + " when intake_completed", intake(), type, data, "only-when-active"});
    rows.push_back(
        {type + " when waitlisted", decided("waitlisted"), type, data, "only-when-active"});
    rows.push_back({type + " when rejected", decided("rejected"), type, data, "only-when-active"});
    rows.push_back({type + " when referred", decided("referred"), type, data, "only-when-active"});
    rows.push_back({type + " when ended", ended(), type, data, "stay-ended"});
  }
  rows.push_back({"EscalationRaised with an id in use", with_escalation(housed(), "e1"),
                  "EscalationRaised",
                  R"({"escalationId":"e1","reason":"behaviour","level":"final_warning"})",
                  "escalation-id-used"});
  run(rows);
}

TEST(CaseRules, Rule09EscalationResolvedNamesAnOpenEscalation) {
  const History resolved =
      with_escalation(housed(), "e1") +
      History{{"EscalationResolved", R"({"escalationId":"e1","resolution":"resolved"})"}};
  run({
      {"open escalation, housed", with_escalation(housed(), "e1"), "EscalationResolved",
       R"({"escalationId":"e1","resolution":"resolved"})", ""},
      {"open escalation, admitted", with_escalation(admitted(), "e1"), "EscalationResolved",
       R"({"escalationId":"e1","resolution":"stay_terminated"})", ""},
      {"unknown escalation", with_escalation(housed(), "e1"), "EscalationResolved",
       R"({"escalationId":"e2","resolution":"resolved"})", "escalation-not-open"},
      {"resolved already", resolved, "EscalationResolved",
       R"({"escalationId":"e1","resolution":"resolved"})", "escalation-not-open"},
      {"no escalations at all", registered(), "EscalationResolved",
       R"({"escalationId":"e1","resolution":"resolved"})", "escalation-not-open"},
  });
}

TEST(CaseRules, Rule10StayExtendedOnlyWhenHousedUntilAfterTheLimit) {
  // housed(): admitted on 2021-03-01; limit = + 18 months = 2022-09-01.
  const History extended =
      housed() +
      History{{"StayExtended", R"({"until":"2023-03-01","reason":"procedure pending"})"}};
  const Capacity six_months{500, 360, 6, 0, 0};
  const Capacity one_month{500, 360, 1, 0, 0};
  auto until = [](const char* day) {
    return std::string{R"({"until":")"} + day + R"(","reason":"r"})";
  };
  run({
      {"the day after the limit", housed(), "StayExtended", until("2022-09-02"), ""},
      {"on the limit", housed(), "StayExtended", until("2022-09-01"), "extension-after-limit"},
      {"before the limit", housed(), "StayExtended", until("2022-08-01"), "extension-after-limit"},
      {"after the latest extension", extended, "StayExtended", until("2023-03-02"), ""},
      {"on the latest extension", extended, "StayExtended", until("2023-03-01"),
       "extension-after-limit"},
      {"after admission + months but before the extension", extended, "StayExtended",
       until("2022-09-02"), "extension-after-limit"},
      {"limit from maxStayMonths 6: after", housed(), "StayExtended", until("2021-09-02"), "",
       six_months},
      {"limit from maxStayMonths 6: on", housed(), "StayExtended", until("2021-09-01"),
       "extension-after-limit", six_months},
      {"Jan 31 + 1 month = Feb 28: on", housed_at(at_utc(2021, 1, 31)), "StayExtended",
       until("2021-02-28"), "extension-after-limit", one_month},
      {"Jan 31 + 1 month = Feb 28: after", housed_at(at_utc(2021, 1, 31)), "StayExtended",
       until("2021-03-01"), "", one_month},
      {"Jan 31 + 1 month = Feb 29 (leap): on", housed_at(at_utc(2024, 1, 31)), "StayExtended",
       until("2024-02-29"), "extension-after-limit", one_month},
      {"Jan 31 + 1 month = Feb 29 (leap): after", housed_at(at_utc(2024, 1, 31)), "StayExtended",
       until("2024-03-01"), "", one_month},
      {"Aug 31 + 18 months = Feb 28: on", housed_at(at_utc(2021, 8, 31)), "StayExtended",
       until("2023-02-28"), "extension-after-limit"},
      {"Aug 31 + 18 months = Feb 28: after", housed_at(at_utc(2021, 8, 31)), "StayExtended",
       until("2023-03-01"), ""},
      {"admitted, not housed", admitted(), "StayExtended", until("2030-01-01"),
       "extension-when-housed"},
      {"registered", registered(), "StayExtended", until("2030-01-01"), "extension-when-housed"},
      {"ended", ended(), "StayExtended", until("2030-01-01"), "stay-ended"},
  });
}

TEST(CaseRules, Rule11StayEndedOnlyWhenActiveThenOnlyExitInterviewAndErasure) {
  const std::string end = R"({"outcome":"residence_permit"})";
  run({
      {"admitted", admitted(), "StayEnded", end, ""},
      {"housed", housed(), "StayEnded", end, ""},
      {"registered", registered(), "StayEnded", end, "end-when-active"},
      {"intake_completed", intake(), "StayEnded", end, "end-when-active"},
      {"waitlisted", decided("waitlisted"), "StayEnded", end, "end-when-active"},
      {"rejected", decided("rejected"), "StayEnded", end, "end-when-active"},
      {"referred", decided("referred"), "StayEnded", end, "end-when-active"},
      {"ended: StayEnded again", ended(), "StayEnded", end, "stay-ended"},
      {"ended: ExitInterviewHeld", ended(), "ExitInterviewHeld", R"({"declined":false})", ""},
      {"ended: PersonalDataErased", ended(), "PersonalDataErased", "{}", ""},
      {"ended: IntakeCompleted", ended(), "IntakeCompleted", R"({"eligible":true})", "stay-ended"},
      {"ended: PlacementDecided", ended(), "PlacementDecided", R"({"decision":"rejected"})",
       "stay-ended"},
      {"ended: BedAssigned", ended(), "BedAssigned", R"({"locationId":"loc-b"})", "stay-ended"},
      {"ended: LivingAllowancePaid", ended(), "LivingAllowancePaid",
       R"({"amountCents":1,"period":"2021-04"})", "stay-ended"},
      {"ended: LegalStepRecorded", ended(), "LegalStepRecorded", R"({"step":"appeal"})",
       "stay-ended"},
      {"ended: EscalationResolved of an escalation closed by the end",
       with_escalation(housed(), "e1") + History{{"StayEnded", end}}, "EscalationResolved",
       R"({"escalationId":"e1","resolution":"resolved"})", "stay-ended"},
  });
}

// Rules the deciders add to the spec's numbered ones (exit interview once, per stay; erasure once).
TEST(CaseRules, ExitInterviewAndErasureHousekeeping) {
  const History interviewed = ended() + History{{"ExitInterviewHeld", "{}"}};
  run({
      {"exit interview while housed", housed(), "ExitInterviewHeld", "{}", ""},
      {"exit interview while admitted", admitted(), "ExitInterviewHeld", "{}", ""},
      {"exit interview when registered", registered(), "ExitInterviewHeld", "{}",
       "exit-interview-when-staying"},
      {"exit interview twice", interviewed, "ExitInterviewHeld", "{}", "exit-interview-once"},
      {"erasure after the exit interview", interviewed, "PersonalDataErased", "{}", ""},
      {"erasure when registered", registered(), "PersonalDataErased", "{}", ""},
      {"erasure twice", registered() + History{{"PersonalDataErased", "{}"}}, "PersonalDataErased",
       "{}", "already-erased"},
  });
}

struct OccurredAtRow {
  std::string name;
  Micros last_in_stream;
  Micros occurred_at;
  Micros now;
  std::string rule;
};

TEST(OccurredAt, NonDecreasingAndAtMostFiveMinutesAhead) {
  EXPECT_EQ(kMaxClockSkew, 300 * kMicrosPerSecond);
  const std::vector<OccurredAtRow> rows{
      {"empty stream", INT64_MIN, kT0, kT0, ""},
      {"same instant as the previous event", kT0, kT0, kT0, ""},
      {"after the previous event", kT0, kT0 + 1, kT0 + 1, ""},
      {"one microsecond before the previous event", kT0, kT0 - 1, kT0, "occurred-at-order"},
      {"a day before the previous event", kT0, kT0 - kMicrosPerDay, kT0, "occurred-at-order"},
      {"in the past of now", INT64_MIN, kT0 - kMicrosPerDay, kT0, ""},
      {"exactly 5 minutes ahead", INT64_MIN, kT0 + kMaxClockSkew, kT0, ""},
      {"5 minutes and 1 microsecond ahead", INT64_MIN, kT0 + kMaxClockSkew + 1, kT0,
       "occurred-at-future"},
      {"an hour ahead", kT0, kT0 + 3600 * kMicrosPerSecond, kT0, "occurred-at-future"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const Status s = check_occurred_at(row.last_in_stream, row.occurred_at, row.now);
    if (row.rule.empty()) {
      EXPECT_TRUE(s.ok()) << s.error().rule;
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().code, ErrorCode::conflict);
      EXPECT_EQ(s.error().rule, row.rule);
    }
  }
}

TEST(OccurredAt, CaseDecideChecksTimeBeforeTheCaseRules) {
  const ProgrammeState programme = initial_programme(500, 360, 18);
  const CaseContext context{
      programme, [](const std::string&) -> const LocationState* { return nullptr; }, 0, 0, {}};
  const CaseState state = fold(intake());  // last event at kT0 + 1 minute
  ASSERT_EQ(state.last_occurred, kT0 + kMinute);
  const std::string manager = R"({"caseManager":"m","organisation":"o"})";

  struct Row {
    std::string name;
    std::string type;
    std::string data;
    Micros at;
    Micros now;
    std::string rule;
  };
  const std::vector<Row> rows{
      {"same instant", "CaseManagerAssigned", manager, kT0 + kMinute, kT0 + kMinute, ""},
      {"before the last event", "CaseManagerAssigned", manager, kT0, kT0 + kMinute,
       "occurred-at-order"},
      {"5 minutes ahead of now", "CaseManagerAssigned", manager, kT0 + kMinute + kMaxClockSkew,
       kT0 + kMinute, ""},
      {"more than 5 minutes ahead", "CaseManagerAssigned", manager,
       kT0 + kMinute + kMaxClockSkew + 1, kT0 + kMinute, "occurred-at-future"},
      {"a rule breach in the past reports the time", "CaseRegistered", kPerson, kT0, kT0 + kMinute,
       "occurred-at-order"},
      {"a rule breach too far ahead reports the time", "CaseRegistered", kPerson,
       kT0 + kMicrosPerDay, kT0, "occurred-at-future"},
      {"a rule breach at a good time reports the rule", "CaseRegistered", kPerson, kT0 + kMinute,
       kT0 + kMinute, "case-registered-first"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const auto r = decide(state, make_event(row.type, row.data, row.at), context, row.now);
    if (row.rule.empty()) {
      ASSERT_TRUE(r.ok()) << r.error().rule;
      EXPECT_EQ(r->size(), 1U);
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::conflict);
      EXPECT_EQ(r.error().rule, row.rule);
    }
  }
}

TEST(StayLimit, AddMonthsIsCalendarMonthsClampedToTheMonthEnd) {
  struct Row {
    Days from;
    int months;
    Days expected;
  };
  const std::vector<Row> rows{
      {date(2021, 1, 31), 1, date(2021, 2, 28)},
      {date(2024, 1, 31), 1, date(2024, 2, 29)},
      {date(2000, 1, 31), 1, date(2000, 2, 29)},  // divisible by 400: leap
      {date(1900, 1, 31), 1, date(1900, 2, 28)},  // divisible by 100: not leap
      {date(2021, 3, 31), 1, date(2021, 4, 30)},
      {date(2021, 1, 31), 2, date(2021, 3, 31)},   // not (Jan 31 + 1) + 1
      {date(2021, 12, 31), 2, date(2022, 2, 28)},  // across the year end
      {date(2021, 11, 15), 2, date(2022, 1, 15)},
      {date(2021, 3, 1), 18, date(2022, 9, 1)},
      {date(2021, 8, 31), 18, date(2023, 2, 28)},
      {date(2024, 2, 29), 12, date(2025, 2, 28)},
      {date(2024, 2, 29), 48, date(2028, 2, 29)},
      {date(2021, 5, 17), 0, date(2021, 5, 17)},
      {date(2021, 3, 31), -1, date(2021, 2, 28)},
      {date(2021, 1, 15), -1, date(2020, 12, 15)},
      {date(1970, 1, 31), -1, date(1969, 12, 31)},  // before the epoch (negative days)
      {date(1970, 3, 31), -13, date(1969, 2, 28)},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(format_date(add_months(row.from, row.months)), format_date(row.expected))
        << format_date(row.from) << " + " << row.months;
  }
}

TEST(StayLimit, LimitOnIsAdmissionPlusMonthsOrTheLatestExtension) {
  struct Row {
    std::string name;
    History history;
    std::int64_t max_stay_months;
    std::optional<Days> expected;
  };
  const std::vector<Row> rows{
      {"never housed", admitted(), 18, std::nullopt},
      {"registered", registered(), 18, std::nullopt},
      {"admitted 2021-03-01 + 18", housed(), 18, date(2022, 9, 1)},
      {"admitted 2021-01-31 + 1", housed_at(at_utc(2021, 1, 31)), 1, date(2021, 2, 28)},
      {"admitted 2024-01-31 + 1", housed_at(at_utc(2024, 1, 31)), 1, date(2024, 2, 29)},
      {"admitted 2021-08-31 + 18", housed_at(at_utc(2021, 8, 31)), 18, date(2023, 2, 28)},
      {"admission date is the UTC date: 23:59Z",
       housed_at(at_utc(2021, 1, 31) + 13 * 3600 * kMicrosPerSecond + 59 * kMinute), 1,
       date(2021, 2, 28)},
      {"transfer keeps the admission date",
       housed() + History{{"Transferred", R"({"toLocationId":"loc-b"})", at_utc(2021, 6, 1)}}, 18,
       date(2022, 9, 1)},
      {"extension", housed() + History{{"StayExtended", R"({"until":"2023-01-15","reason":"r"})"}},
       18, date(2023, 1, 15)},
      {"the latest extension",
       housed() + History{{"StayExtended", R"({"until":"2023-01-15","reason":"r"})"},
                          {"StayExtended", R"({"until":"2023-06-30","reason":"r"})"}},
       18, date(2023, 6, 30)},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const auto limit = limit_on(fold(row.history), row.max_stay_months);
    ASSERT_EQ(limit.has_value(), row.expected.has_value());
    if (limit) {
      EXPECT_EQ(format_date(*limit), format_date(*row.expected));
    }
  }
}

TEST(CaseEvolve, FollowsTheStates) {
  struct Row {
    std::string name;
    History history;
    CaseStatus status;
    bool active;
    bool final;
  };
  const std::vector<Row> rows{
      {"nothing", {}, CaseStatus::none, false, false},
      {"registered", registered(), CaseStatus::registered, false, false},
      {"intake", intake(), CaseStatus::intake_completed, false, false},
      {"admitted", admitted(), CaseStatus::admitted, true, false},
      {"rejected", decided("rejected"), CaseStatus::rejected, false, true},
      {"referred", decided("referred"), CaseStatus::referred, false, true},
      {"waitlisted", decided("waitlisted"), CaseStatus::waitlisted, false, false},
      {"waitlisted then admitted",
       decided("waitlisted") +
           History{{"PlacementDecided", R"({"decision":"admitted","funding":"municipal"})"}},
       CaseStatus::admitted, true, false},
      {"housed", housed(), CaseStatus::housed, true, false},
      {"ended", ended(), CaseStatus::ended, false, true},
      {"ended, exit interview", ended() + History{{"ExitInterviewHeld", "{}"}}, CaseStatus::ended,
       false, true},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const CaseState s = fold(row.history);
    EXPECT_EQ(s.status, row.status);
    EXPECT_EQ(s.active(), row.active);
    EXPECT_EQ(s.final(), row.final);
    EXPECT_EQ(s.version, row.history.size());
  }
}

TEST(CaseEvolve, KeepsFundingLocationAdmissionAndAllowances) {
  const CaseState s =
      fold(housed_at(at_utc(2021, 4, 10)) +
           History{{"Transferred", R"({"toLocationId":"loc-b"})"},
                   {"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-04"})"},
                   {"PerspectiveChosen", R"({"track":"undecided"})"},
                   {"PerspectiveChosen", R"({"track":"return"})", at_utc(2021, 5, 2)},
                   {"CaseManagerAssigned", R"({"caseManager":"m-7","organisation":"acvz"})"}});
  EXPECT_EQ(s.status, CaseStatus::housed);
  EXPECT_TRUE(s.eligible);
  EXPECT_EQ(s.funding, Funding::lvv);
  EXPECT_EQ(s.location_id, "loc-b");
  EXPECT_EQ(s.admitted_on, date(2021, 4, 10));
  EXPECT_EQ(s.admission_decided_on, date(2021, 4, 10));
  EXPECT_EQ(s.allowance_periods, (std::vector<std::int32_t>{month_number("2021-04")}));
  EXPECT_TRUE(s.allowance_paid("2021-04"));
  EXPECT_FALSE(s.allowance_paid("2021-05"));
  EXPECT_EQ(s.track, Track::return_track);
  EXPECT_EQ(s.first_real_track_on, date(2021, 5, 2));
  EXPECT_EQ(s.case_manager, "m-7");
  EXPECT_EQ(s.organisation, "acvz");
  EXPECT_EQ(s.last_occurred, at_utc(2021, 5, 2) + kMinute);
  EXPECT_EQ(s.version, 9U);
}

TEST(CaseEvolve, StayEndedClosesOpenEscalationsWithStayEnded) {
  const Micros end_at = at_utc(2021, 7, 20);
  const CaseState s =
      fold(with_escalation(with_escalation(housed(), "e1"), "e2") +
           History{{"EscalationResolved", R"({"escalationId":"e1","resolution":"resolved"})",
                    at_utc(2021, 4, 5)},
                   {"EscalationRaised",
                    R"({"escalationId":"e3","reason":"other","level":"termination_proposed"})",
                    at_utc(2021, 6, 1)},
                   {"StayEnded", R"({"outcome":"removed_non_cooperation"})", end_at}});
  EXPECT_EQ(s.status, CaseStatus::ended);
  EXPECT_EQ(s.outcome, Outcome::removed_non_cooperation);
  EXPECT_EQ(s.ended_on, date(2021, 7, 20));
  ASSERT_EQ(s.escalations.size(), 3U);
  struct Expected {
    std::string id;
    Days resolved_on;
    EscalationEnd resolution;
  };
  const std::vector<Expected> expected{
      {"e1", date(2021, 4, 5), EscalationEnd::resolved},
      {"e2", date(2021, 7, 20), EscalationEnd::stay_ended},
      {"e3", date(2021, 7, 20), EscalationEnd::stay_ended},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].id);
    const Escalation* e = s.escalation(expected[i].id);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->open());
    EXPECT_EQ(e->resolved_on, expected[i].resolved_on);
    EXPECT_EQ(e->resolution, expected[i].resolution);
  }
  EXPECT_EQ(s.escalation("e1")->raised_on, date(2021, 3, 1));
  EXPECT_EQ(s.escalation("e3")->raised_on, date(2021, 6, 1));
}

}  // namespace
}  // namespace perspectief
