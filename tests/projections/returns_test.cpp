#include <gtest/gtest.h>

#include "projections/read_models.hpp"
#include "tests/projections/read_models_fixture.hpp"

// GET /v1/returns (spec/evaluation.md, "Returns to the programme"), worked by hand: stays
// ended in a range by outcome class, and the later cases naming them as previousCaseId within
// 6, 12 and 24 calendar months of the end date, clamped to the month's last day.

namespace perspectief {
namespace {

using namespace testing_read_models;  // NOLINT(google-build-using-namespace)

class ReturnsTest : public ReadModelsTest {
 protected:
  // Stays, each housed at l1 a few days after admission:
  //   a  ended 2025-08-31 left_unknown (no_solution); a2 returns 2026-02-28: 6 months after
  //      Aug 31 is Feb 28 (2026 is no leap year), so within 6 (and 12, 24); a3 names a too
  //      (2026-05-01): a counts once.
  //   b  ended 2025-08-31 residence_permit (durable); b2 returns 2026-03-01: one day past
  //      the 6-month window, within 12 and 24.
  //   c  ended 2025-01-31 new_asylum_application (semi_durable); c2 returns 2027-01-31: the
  //      last day of the 24-month window (within 24 only).
  //   d  ended 2025-03-15 detention (no_solution); d2 returns 2027-03-16: past 24 months.
  //   e  ended 2024-02-29 transferred_other_shelter (other); e2 returns 2024-08-29: Feb 29 +
  //      6 months = Aug 29, within 6.
  //   f  ended 2025-06-10 medical_postponement (semi_durable), never returns.
  //   g  rejected 2025-01-05 (no stay ended); g2 names it on 2025-02-01: not in any count.
  //   h  ended 2026-01-05 (after the range), h2 returns 2026-02-01: not counted.
  void history() {
    open_location("l1", "De Boeg", "hvo-querido", 50, "2024-01-01T09:00:00Z");
    const auto stay = [&](const std::string& c, std::string_view admitted_at,
                          std::string_view bed_at, const std::string& outcome,
                          std::string_view ended_at) {
      admitted(c, "lvv", admitted_at);
      bed(c, "l1", bed_at);
      ended(c, outcome, ended_at);
    };
    stay("e", "2024-01-10T10:00:00Z", "2024-01-11T10:00:00Z", "transferred_other_shelter",
         "2024-02-29T15:00:00Z");
    returned("e2", "e", "2024-08-29T09:00:00Z");
    stay("c", "2024-06-01T10:00:00Z", "2024-06-02T10:00:00Z", "new_asylum_application",
         "2025-01-31T12:00:00Z");
    registered("g", "2025-01-02T10:00:00Z");
    intake("g", "2025-01-03T10:00:00Z", false);
    decided("g", "rejected", "2025-01-05T10:00:00Z");
    returned("g2", "g", "2025-02-01T10:00:00Z");
    stay("d", "2024-07-01T10:00:00Z", "2024-07-02T10:00:00Z", "detention", "2025-03-15T10:00:00Z");
    stay("f", "2024-08-01T10:00:00Z", "2024-08-02T10:00:00Z", "medical_postponement",
         "2025-06-10T10:00:00Z");
    stay("a", "2024-09-01T10:00:00Z", "2024-09-02T10:00:00Z", "left_unknown",
         "2025-08-31T10:00:00Z");
    stay("b", "2024-09-01T11:00:00Z", "2024-09-02T11:00:00Z", "residence_permit",
         "2025-08-31T11:00:00Z");
    stay("h", "2025-02-01T10:00:00Z", "2025-02-02T10:00:00Z", "left_unknown",
         "2026-01-05T10:00:00Z");
    returned("h2", "h", "2026-02-01T10:00:00Z");
    returned("a2", "a", "2026-02-28T23:00:00Z");
    returned("b2", "b", "2026-03-01T00:30:00Z");
    returned("a3", "a", "2026-05-01T10:00:00Z");
    returned("c2", "c", "2027-01-31T20:00:00Z");
    returned("d2", "d", "2027-03-16T08:00:00Z");
  }

  boost::json::value returns(std::string_view from, std::string_view to, Micros as_of = kNever) {
    return h.read([&](const History& x) {
      return boost::json::value(returns_json(x, date(from), date(to), as_of));
    });
  }
};

TEST_F(ReturnsTest, CountsReturnsWithinSixTwelveAndTwentyFourCalendarMonths) {
  history();
  const auto j = returns("2024-01-01", "2025-12-31");
  EXPECT_TRUE(JsonIs(j, R"({
    "durable": {"ended": 1, "returnedWithin6Months": 0, "returnedWithin12Months": 1,
                "returnedWithin24Months": 1},
    "semi_durable": {"ended": 2, "returnedWithin6Months": 0, "returnedWithin12Months": 0,
                     "returnedWithin24Months": 1},
    "no_solution": {"ended": 2, "returnedWithin6Months": 1, "returnedWithin12Months": 1,
                    "returnedWithin24Months": 1},
    "other": {"ended": 1, "returnedWithin6Months": 1, "returnedWithin12Months": 1,
              "returnedWithin24Months": 1}})"));
  EXPECT_EQ(keys_of(j),
            (std::vector<std::string>{"durable", "semi_durable", "no_solution", "other"}));
}

// The range selects by the end date: only 2025-08-31 holds a and b; h (2026-01-05) is in 2026.
TEST_F(ReturnsTest, TheRangeSelectsStaysByTheirEndDate) {
  history();
  EXPECT_TRUE(JsonIs(returns("2025-08-31", "2025-08-31"), R"({
    "durable": {"ended": 1, "returnedWithin6Months": 0, "returnedWithin12Months": 1,
                "returnedWithin24Months": 1},
    "semi_durable": {"ended": 0, "returnedWithin6Months": 0, "returnedWithin12Months": 0,
                     "returnedWithin24Months": 0},
    "no_solution": {"ended": 1, "returnedWithin6Months": 1, "returnedWithin12Months": 1,
                    "returnedWithin24Months": 1},
    "other": {"ended": 0, "returnedWithin6Months": 0, "returnedWithin12Months": 0,
              "returnedWithin24Months": 0}})"));
  EXPECT_TRUE(JsonIs(returns("2026-01-01", "2026-12-31").at("no_solution"),
                     R"({"ended": 1, "returnedWithin6Months": 1, "returnedWithin12Months": 1,
                         "returnedWithin24Months": 1})"));
}

// As of 2026-02-28 22:59:59 a2 (registered 23:00) has not come yet, and a3 is months away:
// a has no return. b2 and c2 lie later still; e2 counts.
TEST_F(ReturnsTest, AReturnCountsOnlyOnceRegisteredByAsOf) {
  history();
  const auto j = returns("2024-01-01", "2025-12-31", at("2026-02-28T22:59:59Z"));
  EXPECT_TRUE(JsonIs(j.at("no_solution"), R"({"ended": 2, "returnedWithin6Months": 0,
      "returnedWithin12Months": 0, "returnedWithin24Months": 0})"));
  EXPECT_TRUE(JsonIs(j.at("durable"), R"({"ended": 1, "returnedWithin6Months": 0,
      "returnedWithin12Months": 0, "returnedWithin24Months": 0})"));
  EXPECT_TRUE(JsonIs(j.at("other"), R"({"ended": 1, "returnedWithin6Months": 1,
      "returnedWithin12Months": 1, "returnedWithin24Months": 1})"));
  // and one hour later a2 is there
  EXPECT_EQ(returns("2024-01-01", "2025-12-31", at("2026-02-28T23:00:00Z"))
                .at("no_solution")
                .at("returnedWithin6Months"),
            1);
}

}  // namespace
}  // namespace perspectief
