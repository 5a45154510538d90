#include <gtest/gtest.h>

#include "projections/read_models.hpp"
#include "tests/projections/read_models_fixture.hpp"

// GET /v1/data-quality (spec/evaluation.md, "Data quality"), worked by hand: every check on
// both sides of its threshold. "More than N days": the date of asOf minus the event's date
// is more than N.

namespace perspectief {
namespace {

using namespace testing_read_models;  // NOLINT(google-build-using-namespace)

class DataQualityTest : public ReadModelsTest {
 protected:
  // As of 2025-06-30 12:00 (max stay 18 months):
  //   q1  admitted 2025-06-15 (15 days), no bed           -> admitted_without_bed
  //   p1  admitted 2025-01-01, no bed (recorded after q1)  -> admitted_without_bed (sorted first)
  //   q2  admitted 2025-06-16 (14 days), no bed            -> nothing yet
  //   q3  housed 2025-05-01, no case manager               -> housed_without_case_manager
  //   q4  housed 2025-05-01 with a case manager            -> nothing
  //   q5  intake 2025-06-15 (15 days), no decision         -> intake_without_decision
  //   q6  intake 2025-06-16 (14 days), no decision         -> nothing yet
  //   q7  bed 2023-12-29: limit 2025-06-29, passed         -> past_stay_limit_without_extension
  //   q8  bed 2023-12-30: limit 2025-06-30, not passed     -> nothing
  //   q9  bed 2023-06-01, StayExtended until 2025-01-01    -> nothing (it has an extension)
  //   q10 ended 2025-05-30 (31 days), no exit interview    -> ended_without_exit_interview
  //   q11 ended 2025-05-31 (30 days), no exit interview    -> nothing yet
  //   q12 ended 2025-05-01 with an exit interview          -> nothing
  //   q13 escalation raised 2025-03-31 (91 days), open     -> escalation_open_long
  //   q14 escalation raised 2025-04-01 (90 days), open     -> nothing yet
  //   q15 escalation raised 2025-01-01, resolved 02-01     -> nothing
  //   q16 escalation raised 2025-01-01, stay ended 02-01 with an exit interview -> nothing
  //   q17 registered 2025-05-30 (31 days), no intake       -> registered_without_intake
  //   q18 registered 2025-05-31 (30 days), no intake       -> nothing yet
  void history() {
    open_location("l1", "De Boeg", "hvo-querido", 50, "2023-01-01T09:00:00Z");
    const auto housed = [&](const std::string& c, std::string_view when) {
      admitted(c, "lvv", when);
      manager(c, "anna", "aco", when);
      bed(c, "l1", when);
    };
    admitted("q1", "lvv", "2025-06-15T10:00:00Z");
    admitted("p1", "municipal", "2025-01-01T10:00:00Z");
    admitted("q2", "lvv", "2025-06-16T10:00:00Z");
    admitted("q3", "lvv", "2025-05-01T10:00:00Z");
    bed("q3", "l1", "2025-05-01T11:00:00Z");
    housed("q4", "2025-05-01T10:00:00Z");
    registered("q5", "2025-06-14T10:00:00Z");
    intake("q5", "2025-06-15T10:00:00Z");
    registered("q6", "2025-06-14T10:00:00Z");
    intake("q6", "2025-06-16T10:00:00Z");
    housed("q7", "2023-12-29T10:00:00Z");
    housed("q8", "2023-12-30T10:00:00Z");
    housed("q9", "2023-06-01T10:00:00Z");
    extended("q9", "2025-01-01", "2024-11-01T10:00:00Z");
    for (const auto& [c, end] :
         {std::pair{"q10", "2025-05-30T10:00:00Z"}, std::pair{"q11", "2025-05-31T10:00:00Z"},
          std::pair{"q12", "2025-05-01T10:00:00Z"}}) {
      housed(c, "2025-01-10T10:00:00Z");
      ended(c, "left_unknown", end);
    }
    exit_interview("q12", "2025-05-02T10:00:00Z");
    housed("q13", "2025-03-01T10:00:00Z");
    raised("q13", "e1", "house_rules", "warning", "2025-03-31T10:00:00Z");
    housed("q14", "2025-03-01T10:00:00Z");
    raised("q14", "e1", "house_rules", "warning", "2025-04-01T10:00:00Z");
    housed("q15", "2024-12-01T10:00:00Z");
    raised("q15", "e1", "behaviour", "warning", "2025-01-01T10:00:00Z");
    resolved("q15", "e1", "resolved", "2025-02-01T10:00:00Z");
    housed("q16", "2024-12-01T10:00:00Z");
    raised("q16", "e1", "behaviour", "warning", "2025-01-01T10:00:00Z");
    ended("q16", "detention", "2025-02-01T10:00:00Z");
    exit_interview("q16", "2025-02-02T10:00:00Z");
    registered("q17", "2025-05-30T10:00:00Z");
    registered("q18", "2025-05-31T10:00:00Z");
  }

  boost::json::value quality(std::string_view as_of) {
    return h.read(
        [&](const History& x) { return boost::json::value(data_quality_json(x, at(as_of))); });
  }
};

TEST_F(DataQualityTest, EveryCheckOnBothSidesOfItsThreshold) {
  history();
  EXPECT_TRUE(JsonIs(quality("2025-06-30T12:00:00Z"), R"({
    "asOf": "2025-06-30T12:00:00Z",
    "checks": [
      {"check": "admitted_without_bed", "count": 2, "caseIds": ["p1", "q1"]},
      {"check": "housed_without_case_manager", "count": 1, "caseIds": ["q3"]},
      {"check": "intake_without_decision", "count": 1, "caseIds": ["q5"]},
      {"check": "past_stay_limit_without_extension", "count": 1, "caseIds": ["q7"]},
      {"check": "ended_without_exit_interview", "count": 1, "caseIds": ["q10"]},
      {"check": "escalation_open_long", "count": 1, "caseIds": ["q13"]},
      {"check": "registered_without_intake", "count": 1, "caseIds": ["q17"]}]})"));
}

// A day later every "nothing yet" case crosses its threshold (q2, q6, q8, q11, q14, q18).
TEST_F(DataQualityTest, ADayLaterTheCasesAtTheThresholdCount) {
  history();
  EXPECT_TRUE(JsonIs(quality("2025-07-01T00:00:00Z"), R"({
    "asOf": "2025-07-01T00:00:00Z",
    "checks": [
      {"check": "admitted_without_bed", "count": 3, "caseIds": ["p1", "q1", "q2"]},
      {"check": "housed_without_case_manager", "count": 1, "caseIds": ["q3"]},
      {"check": "intake_without_decision", "count": 2, "caseIds": ["q5", "q6"]},
      {"check": "past_stay_limit_without_extension", "count": 2, "caseIds": ["q7", "q8"]},
      {"check": "ended_without_exit_interview", "count": 2, "caseIds": ["q10", "q11"]},
      {"check": "escalation_open_long", "count": 2, "caseIds": ["q13", "q14"]},
      {"check": "registered_without_intake", "count": 2, "caseIds": ["q17", "q18"]}]})"));
}

// Before anything happened every check is there, empty, in the order of the spec.
TEST_F(DataQualityTest, AnEmptyProgrammeListsEveryCheckEmpty) {
  const auto j = quality("2025-06-30T12:00:00Z");
  const auto& checks = j.at("checks").as_array();
  ASSERT_EQ(checks.size(), 7U);
  const std::vector<std::string> order{
      "admitted_without_bed",         "housed_without_case_manager",
      "intake_without_decision",      "past_stay_limit_without_extension",
      "ended_without_exit_interview", "escalation_open_long",
      "registered_without_intake"};
  for (std::size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(checks[i].at("check").as_string(), order[i]);
    EXPECT_EQ(checks[i].at("count"), 0);
    EXPECT_TRUE(checks[i].at("caseIds").as_array().empty());
  }
}

}  // namespace
}  // namespace perspectief
