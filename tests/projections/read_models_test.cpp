#include "projections/read_models.hpp"

#include <gtest/gtest.h>

#include "tests/projections/read_models_fixture.hpp"

// The read models of spec/domain.md ("Read models") rendered as in spec/api.md, over a History
// fed with hand-made envelopes. Every test states its worked example: who was where when, and
// why the expected numbers follow. "asOf" counts every event with occurredAt <= asOf; dates are
// UTC calendar dates; date ranges include both ends.

namespace perspectief {
namespace {

using namespace testing_read_models;  // NOLINT(google-build-using-namespace)

// ---------------------------------------------------------------------------------------------
// Occupancy
// ---------------------------------------------------------------------------------------------

class OccupancyTest : public ReadModelsTest {
 protected:
  // Two locations (l1 "De Boeg" 3 beds, l2 "Havenhuis" 2 beds, both opened 2021-03-01) and:
  //   c1 admitted lvv 03-03 10:00, bed l1 03-04 10:00
  //   c2 admitted municipal 03-03 11:00, bed l1 03-04 12:00
  //   c3 admitted lvv 03-03 12:00, bed l2 03-05 10:00
  //   c4 admitted municipal 03-05 10:00, never gets a bed (waiting for a bed)
  //   c5 intake 03-03 13:00, waitlisted 03-05 11:00
  //   c6 not eligible, rejected 03-03 15:00 (counts nowhere)
  //   c7 only registered 03-03 16:00 (counts nowhere)
  //   c8 admitted lvv 03-02, bed l2 03-04 10:00, StayEnded 03-06 10:00
  void two_locations() {
    open_location("l1", "De Boeg", "hvo-querido", 3, "2021-03-01T09:00:00Z");
    open_location("l2", "Havenhuis", "leger-des-heils", 2, "2021-03-01T09:30:00Z");
    admitted("c8", "lvv", "2021-03-02T10:00:00Z");
    admitted("c1", "lvv", "2021-03-03T10:00:00Z");
    admitted("c2", "municipal", "2021-03-03T11:00:00Z");
    admitted("c3", "lvv", "2021-03-03T12:00:00Z");
    registered("c5", "2021-03-03T13:00:00Z");
    intake("c5", "2021-03-03T13:00:00Z");
    registered("c6", "2021-03-03T14:00:00Z");
    intake("c6", "2021-03-03T14:00:00Z", false);
    decided("c6", "rejected", "2021-03-03T15:00:00Z");
    registered("c7", "2021-03-03T16:00:00Z");
    bed("c1", "l1", "2021-03-04T10:00:00Z");
    bed("c8", "l2", "2021-03-04T10:00:00Z");
    bed("c2", "l1", "2021-03-04T12:00:00Z");
    bed("c3", "l2", "2021-03-05T10:00:00Z");
    admitted("c4", "municipal", "2021-03-05T10:00:00Z");
    decided("c5", "waitlisted", "2021-03-05T11:00:00Z");
    ended("c8", "independent_return", "2021-03-06T10:00:00Z");
  }
};

// Before any event: the configured defaults {500, 360, 18} (no ProgrammeCapacitySet appended),
// municipal = 500 - 360 = 140, nobody housed, no location opened yet.
TEST_F(OccupancyTest, BeforeAnyEventShowsTheConfiguredDefaults) {
  two_locations();
  EXPECT_TRUE(JsonIs(occupancy("2021-02-28T00:00:00Z"), R"({
    "asOf": "2021-02-28T00:00:00Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 0, "lvvOccupied": 0, "municipalOccupied": 0, "free": 500},
    "locations": [], "waitingForBed": 0, "waitlisted": 0})"));
}

// As of 2021-03-07 00:00: housed are c1 (lvv, l1), c2 (municipal, l1) and c3 (lvv, l2); c8's
// stay ended on 03-06, so l2 holds only c3. occupied 3 = 2 lvv + 1 municipal, free 500 - 3 = 497.
// l1: 3 beds, 2 occupied, 1 free; l2: 2 beds, 1 occupied, 1 free. c4 admitted without a bed:
// waitingForBed 1; c5 waitlisted 1; c6 (rejected) and c7 (registered) count nowhere.
TEST_F(OccupancyTest, CountsHousedByFundingWaitingAndWaitlisted) {
  two_locations();
  EXPECT_TRUE(JsonIs(occupancy("2021-03-07T00:00:00Z"), R"({
    "asOf": "2021-03-07T00:00:00Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 3, "lvvOccupied": 2, "municipalOccupied": 1, "free": 497},
    "locations": [
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 3, "occupied": 2, "free": 1, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 1, "free": 1, "open": true}],
    "waitingForBed": 1, "waitlisted": 1})"));
}

// As of 2021-03-04 11:00: c1 (lvv) is in l1 since 10:00 and c8 (lvv) in l2 since 10:00; c2's
// bed comes at 12:00 and c3's on 03-05, so both are admitted and waiting; c4 is not admitted
// yet and c5 not waitlisted yet. occupied 2 (both lvv), free 498; l1 1 of 3, l2 1 of 2.
TEST_F(OccupancyTest, AsOfBeforeLaterEventsIgnoresThem) {
  two_locations();
  EXPECT_TRUE(JsonIs(occupancy("2021-03-04T11:00:00Z"), R"({
    "asOf": "2021-03-04T11:00:00Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 2, "lvvOccupied": 2, "municipalOccupied": 0, "free": 498},
    "locations": [
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 3, "occupied": 1, "free": 2, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 1, "free": 1, "open": true}],
    "waitingForBed": 2, "waitlisted": 0})"));
}

// asOf exactly at 2021-03-05T10:00:00Z counts the events of that instant: c3's BedAssigned (l2)
// and c4's admission. Housed: c1 (lvv, l1), c2 (mun, l1), c3 (lvv, l2), c8 (lvv, l2, ends 03-06)
// -> occupied 4 = 3 lvv + 1 municipal, free 496; l2 is full (2 of 2, free 0); waiting: c4 only.
// One second earlier c3 is still waiting and c4 not admitted: occupied 3, waiting 1 (c3).
TEST_F(OccupancyTest, AsOfExactlyAtAnEventCountsIt) {
  two_locations();
  EXPECT_TRUE(JsonIs(occupancy("2021-03-05T10:00:00Z"), R"({
    "asOf": "2021-03-05T10:00:00Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 4, "lvvOccupied": 3, "municipalOccupied": 1, "free": 496},
    "locations": [
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 3, "occupied": 2, "free": 1, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 2, "free": 0, "open": true}],
    "waitingForBed": 1, "waitlisted": 0})"));
  EXPECT_TRUE(JsonIs(occupancy("2021-03-05T09:59:59Z"), R"({
    "asOf": "2021-03-05T09:59:59Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 3, "lvvOccupied": 2, "municipalOccupied": 1, "free": 497},
    "locations": [
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 3, "occupied": 2, "free": 1, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 1, "free": 1, "open": true}],
    "waitingForBed": 1, "waitlisted": 0})"));
}

// Three locations opened 2021-03-01 09:00: l1 (2 beds), l2 (2 beds), l3 (4 beds).
// c1 (lvv) gets a bed in l1 on 03-02 12:00 and is transferred to l2 on 03-10 10:00; l1 grows to
// 5 beds on 03-12 10:00; l3 closes on 03-15 10:00.
//  - 03-09 23:59:59: c1 in l1 -> l1 1 of 2 (free 1), l2 0 of 2, l3 0 of 4.
//  - 03-12 10:00:00 (exactly the capacity change): c1 in l2 -> l1 0 of 5 (free 5), l2 1 of 2.
//  - 03-15 09:59:59: l3 still open, free 4.
//  - 03-15 10:00:00 (exactly the closure): l3 open false, free 0 (its 4 beds still listed).
// Throughout, the programme has 1 lvv case housed: occupied 1, free 499.
TEST_F(OccupancyTest, TransferCapacityChangeAndClosedLocation) {
  open_location("l1", "De Boeg", "hvo-querido", 2, "2021-03-01T09:00:00Z");
  open_location("l2", "Havenhuis", "leger-des-heils", 2, "2021-03-01T09:00:00Z");
  open_location("l3", "Zuidas", "maya-angelou", 4, "2021-03-01T09:00:00Z");
  admitted("c1", "lvv", "2021-03-02T10:00:00Z");
  bed("c1", "l1", "2021-03-02T12:00:00Z");
  transferred("c1", "l2", "2021-03-10T10:00:00Z");
  capacity_changed("l1", 5, "2021-03-12T10:00:00Z");
  close_location("l3", "2021-03-15T10:00:00Z");

  EXPECT_TRUE(JsonIs(occupancy("2021-03-09T23:59:59Z"), R"({
    "asOf": "2021-03-09T23:59:59Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 1, "lvvOccupied": 1, "municipalOccupied": 0, "free": 499},
    "locations": [
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 2, "occupied": 1, "free": 1, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 0, "free": 2, "open": true},
      {"locationId": "l3", "name": "Zuidas", "operator": "maya-angelou", "beds": 4, "occupied": 0, "free": 4, "open": true}],
    "waitingForBed": 0, "waitlisted": 0})"));

  const auto at_change = occupancy("2021-03-12T10:00:00Z");
  EXPECT_TRUE(JsonIs(at_change.at("locations"), R"([
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 5, "occupied": 0, "free": 5, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 1, "free": 1, "open": true},
      {"locationId": "l3", "name": "Zuidas", "operator": "maya-angelou", "beds": 4, "occupied": 0, "free": 4, "open": true}])"));

  const auto before_close = occupancy("2021-03-15T09:59:59Z");
  EXPECT_TRUE(JsonIs(
      before_close.at("locations").at(2),
      R"({"locationId": "l3", "name": "Zuidas", "operator": "maya-angelou", "beds": 4, "occupied": 0, "free": 4, "open": true})"));

  EXPECT_TRUE(JsonIs(occupancy("2021-03-15T10:00:00Z"), R"({
    "asOf": "2021-03-15T10:00:00Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 1, "lvvOccupied": 1, "municipalOccupied": 0, "free": 499},
    "locations": [
      {"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 5, "occupied": 0, "free": 5, "open": true},
      {"locationId": "l2", "name": "Havenhuis", "operator": "leger-des-heils", "beds": 2, "occupied": 1, "free": 1, "open": true},
      {"locationId": "l3", "name": "Zuidas", "operator": "maya-angelou", "beds": 4, "occupied": 0, "free": 0, "open": false}],
    "waitingForBed": 0, "waitlisted": 0})"));
}

// Programme places change over business time. c1 (lvv) and c2 (municipal) are housed in l1 since
// 2021-12-02. ProgrammeCapacitySet {400, 300} at 2022-01-01 00:00 and {450, 300} at 2022-07-01.
//  - 2021-12-31 23:59:59: defaults 500/360/140, occupied 2 -> free 498.
//  - 2022-01-01 00:00:00 (exactly the first set): 400/300/100, free 398.
//  - 2022-08-01: 450/300/150, free 448.
TEST_F(OccupancyTest, ProgrammeCapacitySetChangesPlacesOverTime) {
  open_location("l1", "De Boeg", "hvo-querido", 5, "2021-12-01T09:00:00Z");
  admitted("c1", "lvv", "2021-12-02T10:00:00Z");
  admitted("c2", "municipal", "2021-12-02T11:00:00Z");
  bed("c1", "l1", "2021-12-02T12:00:00Z");
  bed("c2", "l1", "2021-12-02T13:00:00Z");
  programme_capacity(400, 300, 18, "2022-01-01T00:00:00Z");
  programme_capacity(450, 300, 18, "2022-07-01T00:00:00Z");

  EXPECT_TRUE(JsonIs(occupancy("2021-12-31T23:59:59Z").at("programme"),
                     R"({"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                         "occupied": 2, "lvvOccupied": 1, "municipalOccupied": 1, "free": 498})"));
  EXPECT_TRUE(JsonIs(occupancy("2022-01-01T00:00:00Z").at("programme"),
                     R"({"places": 400, "lvvPlaces": 300, "municipalPlaces": 100,
                         "occupied": 2, "lvvOccupied": 1, "municipalOccupied": 1, "free": 398})"));
  EXPECT_TRUE(JsonIs(occupancy("2022-08-01T00:00:00Z").at("programme"),
                     R"({"places": 450, "lvvPlaces": 300, "municipalPlaces": 150,
                         "occupied": 2, "lvvOccupied": 1, "municipalOccupied": 1, "free": 448})"));
}

// ---------------------------------------------------------------------------------------------
// Utilisation
// ---------------------------------------------------------------------------------------------

// l1 has 3 beds from 2021-02-01 on. Range 2021-03-01..03-10 (10 dates): capacity 3 x 10 = 30.
// A night counts for date D when the case is housed at the end of D:
//   c1 bed 03-03 10:00, still housed      -> 03-03..03-10 = 8 nights
//   c2 bed 02-20 10:00, ended 03-05 10:00 -> 03-01..03-04 = 4 (not 03-05: gone at its end)
//   c3 bed 03-06 10:00, ended 03-06 18:00 -> 0 (not housed at the end of any date)
//   c4 bed 03-10 23:00                    -> 03-10 = 1
// 13 nights / 30 = 0.43333 -> 0.4333 (4 decimals). One-date ranges: 03-05 has only c1 (c2 left
// that morning): 1/3 -> 0.3333; 03-10 has c1 and c4: 2/3 -> 0.6667.
TEST_F(ReadModelsTest, UtilisationCountsNightsHousedAtTheEndOfEachDate) {
  open_location("l1", "De Boeg", "hvo-querido", 3, "2021-02-01T09:00:00Z");
  admitted("c2", "municipal", "2021-02-15T10:00:00Z");
  bed("c2", "l1", "2021-02-20T10:00:00Z");
  admitted("c1", "lvv", "2021-03-01T10:00:00Z");
  admitted("c3", "lvv", "2021-03-01T11:00:00Z");
  admitted("c4", "lvv", "2021-03-01T12:00:00Z");
  bed("c1", "l1", "2021-03-03T10:00:00Z");
  ended("c2", "other", "2021-03-05T10:00:00Z");
  bed("c3", "l1", "2021-03-06T10:00:00Z");
  ended("c3", "left_unknown", "2021-03-06T18:00:00Z");
  bed("c4", "l1", "2021-03-10T23:00:00Z");

  EXPECT_TRUE(JsonIs(utilisation("2021-03-01", "2021-03-10"), R"({
    "from": "2021-03-01", "to": "2021-03-10",
    "programme": {"bedNights": 13, "capacityNights": 30, "rate": 0.4333},
    "locations": [{"locationId": "l1", "bedNights": 13, "capacityNights": 30, "rate": 0.4333}]})"));
  EXPECT_TRUE(JsonIs(utilisation("2021-03-05", "2021-03-05"), R"({
    "from": "2021-03-05", "to": "2021-03-05",
    "programme": {"bedNights": 1, "capacityNights": 3, "rate": 0.3333},
    "locations": [{"locationId": "l1", "bedNights": 1, "capacityNights": 3, "rate": 0.3333}]})"));
  EXPECT_TRUE(JsonIs(utilisation("2021-03-10", "2021-03-10"), R"({
    "from": "2021-03-10", "to": "2021-03-10",
    "programme": {"bedNights": 2, "capacityNights": 3, "rate": 0.6667},
    "locations": [{"locationId": "l1", "bedNights": 2, "capacityNights": 3, "rate": 0.6667}]})"));
}

// Range 2021-03-01..03-10.
//  l1: 2 beds from 02-01, 4 beds from 03-06 10:00 -> beds at the end of 03-01..03-05 = 2 (5 x 2
//      = 10), of 03-06..03-10 = 4 (5 x 4 = 20): 30 capacity nights.
//  l2: opened mid-range 03-04 15:00 with 3 beds -> open at the end of 03-04..03-10: 7 x 3 = 21.
//  l3: 2 beds from 02-01, closed 03-03 10:00 -> open at the end of 03-01 and 03-02: 4.
//  c1 in l1 since 02-15, transferred to l2 on 03-05 10:00 -> l1 03-01..03-04 = 4 nights, l2
//      03-05..03-10 = 6 nights (the transfer date counts for the new location).
//  c2 in l3 since 02-10, ended 03-02 10:00 -> l3 03-01 = 1 night.
// l1 4/30 = 0.1333; l2 6/21 = 0.285714 -> 0.2857; l3 1/4 = 0.25;
// programme (4 + 6 + 1) / (30 + 21 + 4) = 11/55 = 0.2.
TEST_F(ReadModelsTest, UtilisationSplitsATransferAndCountsALocationOpenedMidRange) {
  open_location("l1", "De Boeg", "hvo-querido", 2, "2021-02-01T09:00:00Z");
  open_location("l3", "Zuidas", "maya-angelou", 2, "2021-02-01T09:00:00Z");
  admitted("c2", "municipal", "2021-02-05T10:00:00Z");
  bed("c2", "l3", "2021-02-10T10:00:00Z");
  admitted("c1", "lvv", "2021-02-10T10:00:00Z");
  bed("c1", "l1", "2021-02-15T10:00:00Z");
  ended("c2", "onward_migration", "2021-03-02T10:00:00Z");
  close_location("l3", "2021-03-03T10:00:00Z");
  open_location("l2", "Havenhuis", "leger-des-heils", 3, "2021-03-04T15:00:00Z");
  transferred("c1", "l2", "2021-03-05T10:00:00Z");
  capacity_changed("l1", 4, "2021-03-06T10:00:00Z");

  EXPECT_TRUE(JsonIs(utilisation("2021-03-01", "2021-03-10"), R"({
    "from": "2021-03-01", "to": "2021-03-10",
    "programme": {"bedNights": 11, "capacityNights": 55, "rate": 0.2},
    "locations": [
      {"locationId": "l1", "bedNights": 4, "capacityNights": 30, "rate": 0.1333},
      {"locationId": "l2", "bedNights": 6, "capacityNights": 21, "rate": 0.2857},
      {"locationId": "l3", "bedNights": 1, "capacityNights": 4, "rate": 0.25}]})"));
}

// ---------------------------------------------------------------------------------------------
// Stay-duration alerts
// ---------------------------------------------------------------------------------------------

// c1 gets a bed in l1 on 2021-01-31 (admission date). Calendar months, clamped to the month's
// end: +12 = 2022-01-31 (review), +15 = 2022-04-30 (warning; Apr has 30 days), +17 = 2022-06-30
// (final; Jun has 30 days), +18 = 2022-07-31 = limitOn; exceeded when the asOf date is after
// limitOn, i.e. from 2022-08-01. daysInStay = asOf date - 2021-01-31 (2022-01-31 is 365 days on).
// The stay ends 2022-08-05 10:00: from then on no alert.
TEST_F(ReadModelsTest, StayAlertsThresholdsForAnAdmissionOnJanuary31) {
  open_location("l1", "De Boeg", "hvo-querido", 10, "2021-01-01T09:00:00Z");
  admitted("c1", "lvv", "2021-01-30T10:00:00Z");
  bed("c1", "l1", "2021-01-31T10:00:00Z");
  ended("c1", "forced_departure", "2022-08-05T10:00:00Z");

  struct Row {
    const char* as_of;
    int days;
    const char* level;  // nullptr: no alert
  };
  const Row rows[] = {
      {"2021-12-31T12:00:00Z", 334, nullptr},
      {"2022-01-30T23:59:59Z", 364, nullptr},   // one day short of +12 months
      {"2022-01-31T00:00:00Z", 365, "review"},  // +12 months
      {"2022-04-29T23:59:59Z", 453, "review"},
      {"2022-04-30T00:00:00Z", 454, "warning"},  // +15 months (Jan 31 -> Apr 30, clamped)
      {"2022-06-29T23:59:59Z", 514, "warning"},
      {"2022-06-30T00:00:00Z", 515, "final"},  // +17 months (Jan 31 -> Jun 30, clamped)
      {"2022-07-31T23:59:59Z", 546, "final"},  // the limit date itself is not exceeded
      {"2022-08-01T00:00:00Z", 547, "exceeded"},
      {"2022-08-05T09:59:59Z", 551, "exceeded"},
      {"2022-08-05T10:00:00Z", 551, nullptr},  // stay ended exactly then
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.as_of);
    const std::string alerts_text =
        r.level == nullptr
            ? std::string("[]")
            : std::string(
                  R"([{"caseId": "c1", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-07-31", "daysInStay": )") +
                  std::to_string(r.days) + R"(, "level": ")" + r.level + R"("}])";
    EXPECT_TRUE(JsonIs(alerts(r.as_of), std::string(R"({"asOf": ")") + r.as_of +
                                            R"(", "alerts": )" + alerts_text + "}"));
  }
}

// February edges of add_months (clamped to the month's last day):
//  - a: admitted 2022-08-31 -> +17 = 2024-01-31, +18 = 2024-02-29 (2024 is a leap year) = limitOn:
//       2024-01-30 warning (517 days), 2024-01-31 final (518), 2024-02-29 final (547),
//       2024-03-01 exceeded (548). a leaves 2024-03-02.
//  - c: admitted 2021-08-31 -> limitOn 2023-02-28 (not a leap year): 2023-02-28 final (546),
//       2023-03-01 exceeded (547). c leaves 2023-03-02.
//  - b: admitted 2024-02-29 -> +12 = 2025-02-28: 2025-02-27 no alert, 2025-02-28 review (365
//       days); limitOn = +18 = 2025-08-29.
// Each moment below shows one alert: the other cases are not yet 12 months in, or gone.
TEST_F(ReadModelsTest, StayAlertsClampMonthsAtTheEndOfFebruary) {
  open_location("l1", "De Boeg", "hvo-querido", 10, "2021-08-01T09:00:00Z");
  admitted("c", "lvv", "2021-08-30T10:00:00Z");
  bed("c", "l1", "2021-08-31T10:00:00Z");
  admitted("a", "municipal", "2022-08-30T10:00:00Z");
  bed("a", "l1", "2022-08-31T10:00:00Z");
  ended("c", "detention", "2023-03-02T10:00:00Z");
  admitted("b", "lvv", "2024-02-28T10:00:00Z");
  bed("b", "l1", "2024-02-29T10:00:00Z");
  ended("a", "residence_permit", "2024-03-02T10:00:00Z");

  const auto one = [](const char* id, const char* admitted_on, const char* limit_on, int days,
                      const char* level) {
    return std::string(R"([{"caseId": ")") + id + R"(", "locationId": "l1", "admittedOn": ")" +
           admitted_on + R"(", "limitOn": ")" + limit_on + R"(", "daysInStay": )" +
           std::to_string(days) + R"(, "level": ")" + level + R"("}])";
  };
  EXPECT_TRUE(JsonIs(alerts("2023-02-28T23:59:59Z").at("alerts"),
                     one("c", "2021-08-31", "2023-02-28", 546, "final")));
  EXPECT_TRUE(JsonIs(alerts("2023-03-01T00:00:00Z").at("alerts"),
                     one("c", "2021-08-31", "2023-02-28", 547, "exceeded")));
  EXPECT_TRUE(JsonIs(alerts("2024-01-30T12:00:00Z").at("alerts"),
                     one("a", "2022-08-31", "2024-02-29", 517, "warning")));
  EXPECT_TRUE(JsonIs(alerts("2024-01-31T00:00:00Z").at("alerts"),
                     one("a", "2022-08-31", "2024-02-29", 518, "final")));
  EXPECT_TRUE(JsonIs(alerts("2024-02-29T23:59:59Z").at("alerts"),
                     one("a", "2022-08-31", "2024-02-29", 547, "final")));
  EXPECT_TRUE(JsonIs(alerts("2024-03-01T00:00:00Z").at("alerts"),
                     one("a", "2022-08-31", "2024-02-29", 548, "exceeded")));
  EXPECT_TRUE(JsonIs(alerts("2025-02-27T23:59:59Z").at("alerts"), "[]"));
  EXPECT_TRUE(JsonIs(alerts("2025-02-28T00:00:00Z").at("alerts"),
                     one("b", "2024-02-29", "2025-08-29", 365, "review")));
}

// c1 and c2 both get a bed in l1 on 2021-01-31: limitOn 2022-07-31. On 2022-07-15 regie extends
// c1's stay until 2022-10-31 (after the current limit, rule 10); c2 is not extended.
//  - 2022-07-14: the extension has not occurred yet: both final (from 2022-06-30), limitOn
//    2022-07-31, 529 days; equal days -> by caseId.
//  - 2022-08-01: c1 limitOn 2022-10-31, still final (final from +17 months, not exceeded before
//    its limit); c2 exceeded (after 2022-07-31). Both 547 days -> c1 before c2.
//  - 2022-11-01: c1 is now after its extended limit: exceeded; both 639 days.
TEST_F(ReadModelsTest, StayAlertsStayExtendedMovesTheLimit) {
  open_location("l1", "De Boeg", "hvo-querido", 10, "2021-01-01T09:00:00Z");
  admitted("c1", "lvv", "2021-01-30T10:00:00Z");
  admitted("c2", "lvv", "2021-01-30T11:00:00Z");
  bed("c1", "l1", "2021-01-31T10:00:00Z");
  bed("c2", "l1", "2021-01-31T11:00:00Z");
  extended("c1", "2022-10-31", "2022-07-15T10:00:00Z");

  EXPECT_TRUE(JsonIs(alerts("2022-07-14T12:00:00Z"), R"({"asOf": "2022-07-14T12:00:00Z", "alerts": [
    {"caseId": "c1", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-07-31", "daysInStay": 529, "level": "final"},
    {"caseId": "c2", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-07-31", "daysInStay": 529, "level": "final"}]})"));
  EXPECT_TRUE(JsonIs(alerts("2022-08-01T00:00:00Z"), R"({"asOf": "2022-08-01T00:00:00Z", "alerts": [
    {"caseId": "c1", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-10-31", "daysInStay": 547, "level": "final"},
    {"caseId": "c2", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-07-31", "daysInStay": 547, "level": "exceeded"}]})"));
  EXPECT_TRUE(JsonIs(alerts("2022-11-01T00:00:00Z"), R"({"asOf": "2022-11-01T00:00:00Z", "alerts": [
    {"caseId": "c1", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-10-31", "daysInStay": 639, "level": "exceeded"},
    {"caseId": "c2", "locationId": "l1", "admittedOn": "2021-01-31", "limitOn": "2022-07-31", "daysInStay": 639, "level": "exceeded"}]})"));
}

// asOf 2022-03-15 08:00 (date 2022-03-15). Housed cases and their admission (first bed) dates:
//   c-x 2020-09-14 (l1): limitOn 2022-03-14 < today -> exceeded, 547 days
//   c-y 2020-09-15 (l1): limitOn 2022-03-15 = today -> final (from 2022-02-15), 546 days
//   c-z 2020-10-20 (l1, transferred to l2 2021-06-01): +15 = 2022-01-20, +17 = 2022-03-20 ->
//       warning, 511 days, reported at its current location l2
//   c-a 2021-03-01 10:00 (l2) and c-b 2021-03-01 09:00 (l1): +12 = 2022-03-01 -> review, 379 days
//       each; equal days -> by caseId (c-a before c-b, whatever the hour of the bed)
//   c-new 2022-01-01: 73 days, under 12 months -> no alert
// Not housed: c-ended (housed 2021-01-01, ended 2022-02-01), c-waiting (admitted 2020-09-01,
// never a bed) -> no alert. Sorted by daysInStay descending, then caseId.
TEST_F(ReadModelsTest, StayAlertsSortByDaysInStayThenCaseId) {
  open_location("l1", "De Boeg", "hvo-querido", 10, "2020-09-01T09:00:00Z");
  open_location("l2", "Havenhuis", "leger-des-heils", 10, "2020-09-01T09:00:00Z");
  admitted("c-waiting", "lvv", "2020-09-01T10:00:00Z");
  admitted("c-x", "lvv", "2020-09-10T10:00:00Z");
  bed("c-x", "l1", "2020-09-14T10:00:00Z");
  admitted("c-y", "lvv", "2020-09-10T10:00:00Z");
  bed("c-y", "l1", "2020-09-15T10:00:00Z");
  admitted("c-z", "municipal", "2020-10-01T10:00:00Z");
  bed("c-z", "l1", "2020-10-20T10:00:00Z");
  transferred("c-z", "l2", "2021-06-01T10:00:00Z");
  admitted("c-ended", "lvv", "2020-12-20T10:00:00Z");
  bed("c-ended", "l1", "2021-01-01T10:00:00Z");
  ended("c-ended", "independent_return", "2022-02-01T10:00:00Z");
  admitted("c-a", "lvv", "2021-02-20T10:00:00Z");
  bed("c-a", "l2", "2021-03-01T10:00:00Z");
  admitted("c-b", "lvv", "2021-02-20T10:00:00Z");
  bed("c-b", "l1", "2021-03-01T09:00:00Z");
  admitted("c-new", "lvv", "2021-12-20T10:00:00Z");
  bed("c-new", "l1", "2022-01-01T10:00:00Z");

  EXPECT_TRUE(JsonIs(alerts("2022-03-15T08:00:00Z"), R"({"asOf": "2022-03-15T08:00:00Z", "alerts": [
    {"caseId": "c-x", "locationId": "l1", "admittedOn": "2020-09-14", "limitOn": "2022-03-14", "daysInStay": 547, "level": "exceeded"},
    {"caseId": "c-y", "locationId": "l1", "admittedOn": "2020-09-15", "limitOn": "2022-03-15", "daysInStay": 546, "level": "final"},
    {"caseId": "c-z", "locationId": "l2", "admittedOn": "2020-10-20", "limitOn": "2022-04-20", "daysInStay": 511, "level": "warning"},
    {"caseId": "c-a", "locationId": "l2", "admittedOn": "2021-03-01", "limitOn": "2022-09-01", "daysInStay": 379, "level": "review"},
    {"caseId": "c-b", "locationId": "l1", "admittedOn": "2021-03-01", "limitOn": "2022-09-01", "daysInStay": 379, "level": "review"}]})"));
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

class OutcomesTest : public ReadModelsTest {
 protected:
  // Range 2022-01-01..2022-03-31 (StayEnded dates, inclusive). Stay days = end date - first bed
  // date.
  //   p1 bed 2021-06-01, track legal_stay_nl, ends 2022-01-01 09:00 residence_permit  -> 214 days
  //   p2 bed 2021-10-01, track legal_stay_nl, ends 2022-01-09 residence_permit        -> 100
  //   p3 bed 2021-10-01, undecided then legal_stay_nl, ends 2022-01-10 residence_permit -> 101
  //   r1 bed 2021-09-01, legal_stay_nl then return, ends 2022-03-31 23:00 independent_return -> 211
  //   r2 bed 2021-12-01, no track, ends 2022-02-15 independent_return                 -> 76
  //   a1 bed 2022-01-05, track undecided, ends 2022-02-04 new_asylum_application     -> 30
  //   n1 admitted 2022-01-10, never housed, ends 2022-02-01 left_unknown              -> 0
  //   (neverHoused) n2 bed 2021-12-20, no track, ends 2022-03-01 left_unknown -> 71 d1 bed
  //   2022-02-01, no track, ends 2022-02-11 transferred_other_shelter          -> 10
  // Outside the range: x1 ends 2021-12-31 23:59:59, x2 ends 2022-04-01 00:00:00, x3 never ends.
  void stays() {
    open_location("l1", "De Boeg", "hvo-querido", 50, "2021-01-01T09:00:00Z");
    admitted("x3", "lvv", "2021-05-01T09:00:00Z");
    bed("x3", "l1", "2021-05-01T10:00:00Z");
    admitted("p1", "lvv", "2021-05-20T10:00:00Z");
    bed("p1", "l1", "2021-06-01T10:00:00Z");
    track("p1", "legal_stay_nl", "2021-07-01T10:00:00Z");
    admitted("x1", "lvv", "2021-06-01T10:00:00Z");
    bed("x1", "l1", "2021-06-02T10:00:00Z");
    admitted("x2", "municipal", "2021-06-01T11:00:00Z");
    bed("x2", "l1", "2021-06-02T11:00:00Z");
    admitted("r1", "lvv", "2021-08-20T10:00:00Z");
    bed("r1", "l1", "2021-09-01T10:00:00Z");
    track("r1", "legal_stay_nl", "2021-09-15T10:00:00Z");
    admitted("p2", "lvv", "2021-09-20T10:00:00Z");
    bed("p2", "l1", "2021-10-01T10:00:00Z");
    track("p2", "legal_stay_nl", "2021-10-05T10:00:00Z");
    admitted("p3", "municipal", "2021-09-20T11:00:00Z");
    bed("p3", "l1", "2021-10-01T11:00:00Z");
    track("p3", "undecided", "2021-10-02T10:00:00Z");
    track("r1", "return", "2021-11-01T10:00:00Z");
    admitted("r2", "lvv", "2021-11-20T10:00:00Z");
    bed("r2", "l1", "2021-12-01T10:00:00Z");
    track("p3", "legal_stay_nl", "2021-12-01T10:00:00Z");
    admitted("n2", "municipal", "2021-12-10T10:00:00Z");
    bed("n2", "l1", "2021-12-20T10:00:00Z");
    ended("x1", "residence_permit", "2021-12-31T23:59:59Z");
    ended("p1", "residence_permit", "2022-01-01T09:00:00Z");
    admitted("a1", "lvv", "2022-01-03T10:00:00Z");
    bed("a1", "l1", "2022-01-05T10:00:00Z");
    track("a1", "undecided", "2022-01-06T10:00:00Z");
    ended("p2", "residence_permit", "2022-01-09T10:00:00Z");
    ended("p3", "residence_permit", "2022-01-10T10:00:00Z");
    admitted("n1", "lvv", "2022-01-10T10:00:00Z");
    admitted("d1", "municipal", "2022-01-25T10:00:00Z");
    ended("n1", "left_unknown", "2022-02-01T10:00:00Z");
    bed("d1", "l1", "2022-02-01T10:00:00Z");
    ended("a1", "new_asylum_application", "2022-02-04T10:00:00Z");
    ended("d1", "transferred_other_shelter", "2022-02-11T10:00:00Z");
    ended("r2", "independent_return", "2022-02-15T10:00:00Z");
    ended("n2", "left_unknown", "2022-03-01T10:00:00Z");
    ended("r1", "independent_return", "2022-03-31T23:00:00Z");
    ended("x2", "forced_departure", "2022-04-01T00:00:00Z");
  }
};

// residence_permit: [214, 100, 101] -> count 3, median 101, mean 415 / 3 = 138.333 -> 138.33.
// independent_return: [211, 76] -> even count: median (76 + 211) / 2 = 143.5, mean 143.5.
// left_unknown: [0 (n1, never housed), 71] -> median 35.5, mean 35.5.
// new_asylum_application [30]; transferred_other_shelter [10].
// total 9; byClass: durable 3 + 2 = 5, semi_durable 1, no_solution 2, other 1.
// byTrack (the last track before the end): legal_stay_nl {residence_permit 3} (p3's last track is
// legal_stay_nl, not undecided); return {independent_return 1} (r1 switched to return);
// undecided {new_asylum_application 1}; none {independent_return 1 (r2), left_unknown 2,
// transferred_other_shelter 1}. neverHoused 1 (n1). x1, x2 (ends outside) and x3 are left out.
TEST_F(OutcomesTest, CountsStaysEndedInTheRangeByOutcomeClassAndTrack) {
  stays();
  const auto j = outcomes("2022-01-01", "2022-03-31");
  EXPECT_TRUE(JsonIs(j, R"({
    "from": "2022-01-01", "to": "2022-03-31", "total": 9,
    "byOutcome": {
      "residence_permit": {"count": 3, "medianStayDays": 101, "meanStayDays": 138.33},
      "independent_return": {"count": 2, "medianStayDays": 143.5, "meanStayDays": 143.5},
      "new_asylum_application": {"count": 1, "medianStayDays": 30, "meanStayDays": 30},
      "left_unknown": {"count": 2, "medianStayDays": 35.5, "meanStayDays": 35.5},
      "transferred_other_shelter": {"count": 1, "medianStayDays": 10, "meanStayDays": 10}},
    "byClass": {"durable": 5, "semi_durable": 1, "no_solution": 2, "other": 1},
    "byTrack": {
      "legal_stay_nl": {"residence_permit": 3},
      "return": {"independent_return": 1},
      "undecided": {"new_asylum_application": 1},
      "none": {"independent_return": 1, "left_unknown": 2, "transferred_other_shelter": 1}},
    "neverHoused": 1})"));
  EXPECT_EQ(keys_of(j.at("byClass")),
            (std::vector<std::string>{"durable", "semi_durable", "no_solution", "other"}));
}

// A one-day range at each edge: 2022-01-01 holds p1 only (x1 ended one second before, on
// 2021-12-31); 2022-03-31 holds r1 only (ended 23:00; x2 ended at 2022-04-01 00:00:00).
TEST_F(OutcomesTest, RangeEndsAreInclusiveDatesOfStayEnded) {
  stays();
  EXPECT_TRUE(JsonIs(outcomes("2022-01-01", "2022-01-01"), R"({
    "from": "2022-01-01", "to": "2022-01-01", "total": 1,
    "byOutcome": {"residence_permit": {"count": 1, "medianStayDays": 214, "meanStayDays": 214}},
    "byClass": {"durable": 1, "semi_durable": 0, "no_solution": 0, "other": 0},
    "byTrack": {"legal_stay_nl": {"residence_permit": 1}},
    "neverHoused": 0})"));
  EXPECT_TRUE(JsonIs(outcomes("2022-03-31", "2022-03-31"), R"({
    "from": "2022-03-31", "to": "2022-03-31", "total": 1,
    "byOutcome": {"independent_return": {"count": 1, "medianStayDays": 211, "meanStayDays": 211}},
    "byClass": {"durable": 1, "semi_durable": 0, "no_solution": 0, "other": 0},
    "byTrack": {"return": {"independent_return": 1}},
    "neverHoused": 0})"));
}

// No stay ends in 2023: total 0, empty byOutcome and byTrack, and still all four classes, in the
// order durable, semi_durable, no_solution, other, each 0.
TEST_F(OutcomesTest, EmptyRangeStillListsEveryClass) {
  stays();
  const auto j = outcomes("2023-01-01", "2023-12-31");
  EXPECT_TRUE(JsonIs(j, R"({
    "from": "2023-01-01", "to": "2023-12-31", "total": 0, "byOutcome": {},
    "byClass": {"durable": 0, "semi_durable": 0, "no_solution": 0, "other": 0},
    "byTrack": {}, "neverHoused": 0})"));
  EXPECT_EQ(keys_of(j.at("byClass")),
            (std::vector<std::string>{"durable", "semi_durable", "no_solution", "other"}));
}

// ---------------------------------------------------------------------------------------------
// Caseload
// ---------------------------------------------------------------------------------------------

// Case managers (assigned 2021-03-02 unless said otherwise); "active" = admitted or housed:
//   k1 admitted 03-01, housed 03-03, anna/aco
//   k2 admitted 03-01, no bed, anna/aco                  (admitted counts as active)
//   k3 admitted 03-01, bram/vluchtelingenwerk, reassigned to anna/aco on 03-20
//   k4 admitted 03-01, bram/vluchtelingenwerk, StayEnded 03-10
//   k5 waitlisted, carla/aco                              (not active)
//   k6 admitted, no case manager                          (not listed)
//   k7 only registered, dirk/goedwerk                     (not active)
//   k8 admitted, anna/askv                                (same name, other organisation)
// 03-01 12:00: nobody assigned yet -> [].
// 03-05: anna/aco 2 (k1, k2), anna/askv 1 (k8), bram/vluchtelingenwerk 2 (k3, k4).
// 03-15: k4 ended -> bram 1 (k3).
// 03-25: k3 moved to anna -> anna/aco 3, bram has no active case any more (not listed).
TEST_F(ReadModelsTest, CaseloadCountsActiveCasesPerCaseManagerAndOrganisation) {
  admitted("k1", "lvv", "2021-03-01T09:00:00Z");
  admitted("k2", "lvv", "2021-03-01T09:00:00Z");
  admitted("k3", "municipal", "2021-03-01T09:00:00Z");
  admitted("k4", "lvv", "2021-03-01T09:00:00Z");
  admitted("k6", "lvv", "2021-03-01T09:00:00Z");
  admitted("k8", "lvv", "2021-03-01T09:00:00Z");
  registered("k5", "2021-03-01T09:00:00Z");
  intake("k5", "2021-03-01T09:00:00Z");
  decided("k5", "waitlisted", "2021-03-01T09:00:00Z");
  registered("k7", "2021-03-01T09:00:00Z");
  open_location("l1", "De Boeg", "hvo-querido", 10, "2021-03-01T09:00:00Z");
  manager("k1", "anna", "aco", "2021-03-02T10:00:00Z");
  manager("k2", "anna", "aco", "2021-03-02T10:00:00Z");
  manager("k3", "bram", "vluchtelingenwerk", "2021-03-02T10:00:00Z");
  manager("k4", "bram", "vluchtelingenwerk", "2021-03-02T10:00:00Z");
  manager("k5", "carla", "aco", "2021-03-02T10:00:00Z");
  manager("k7", "dirk", "goedwerk", "2021-03-02T10:00:00Z");
  manager("k8", "anna", "askv", "2021-03-02T10:00:00Z");
  bed("k1", "l1", "2021-03-03T10:00:00Z");
  ended("k4", "other", "2021-03-10T10:00:00Z");
  manager("k3", "anna", "aco", "2021-03-20T10:00:00Z");

  EXPECT_TRUE(JsonIs(caseload("2021-03-01T12:00:00Z").at("caseManagers"), "[]"));
  EXPECT_TRUE(JsonIs(unordered(caseload("2021-03-05T00:00:00Z").at("caseManagers")),
                     boost::json::serialize(unordered(boost::json::parse(R"([
    {"caseManager": "anna", "organisation": "aco", "activeCases": 2},
    {"caseManager": "anna", "organisation": "askv", "activeCases": 1},
    {"caseManager": "bram", "organisation": "vluchtelingenwerk", "activeCases": 2}])")))));
  EXPECT_TRUE(JsonIs(unordered(caseload("2021-03-15T00:00:00Z").at("caseManagers")),
                     boost::json::serialize(unordered(boost::json::parse(R"([
    {"caseManager": "anna", "organisation": "aco", "activeCases": 2},
    {"caseManager": "anna", "organisation": "askv", "activeCases": 1},
    {"caseManager": "bram", "organisation": "vluchtelingenwerk", "activeCases": 1}])")))));
  EXPECT_TRUE(JsonIs(unordered(caseload("2021-03-25T00:00:00Z").at("caseManagers")),
                     boost::json::serialize(unordered(boost::json::parse(R"([
    {"caseManager": "anna", "organisation": "aco", "activeCases": 3},
    {"caseManager": "anna", "organisation": "askv", "activeCases": 1}])")))));
}

// ---------------------------------------------------------------------------------------------
// Escalations
// ---------------------------------------------------------------------------------------------

class EscalationsTest : public ReadModelsTest {
 protected:
  // e1 housed 2021-03-01: esc-1 (non_cooperation, warning) raised 04-01, resolved 04-11;
  //     esc-2 (house_rules, final_warning) raised 05-01, never resolved.
  // e2 housed 2021-03-01: esc-3 (behaviour, termination_proposed) raised 06-01; the stay ends
  //     06-20 (removed_non_cooperation), which closes esc-3 with resolution stay_ended on 06-20.
  // e3 housed 2021-03-01: esc-4 (other, warning) raised 06-05, resolved stay_terminated 06-06,
  //     StayEnded 06-07 (esc-4 is already closed: keeps stay_terminated, resolvedOn 06-06).
  void escalated() {
    open_location("l1", "De Boeg", "hvo-querido", 10, "2021-02-01T09:00:00Z");
    for (const char* c : {"e1", "e2", "e3"}) {
      admitted(c, "lvv", "2021-02-20T10:00:00Z");
      bed(c, "l1", "2021-03-01T10:00:00Z");
    }
    raised("e1", "esc-1", "non_cooperation", "warning", "2021-04-01T10:00:00Z");
    resolved("e1", "esc-1", "resolved", "2021-04-11T10:00:00Z");
    raised("e1", "esc-2", "house_rules", "final_warning", "2021-05-01T10:00:00Z");
    raised("e2", "esc-3", "behaviour", "termination_proposed", "2021-06-01T10:00:00Z");
    raised("e3", "esc-4", "other", "warning", "2021-06-05T10:00:00Z");
    resolved("e3", "esc-4", "stay_terminated", "2021-06-06T10:00:00Z");
    ended("e3", "removed_non_cooperation", "2021-06-07T10:00:00Z");
    ended("e2", "removed_non_cooperation", "2021-06-20T10:00:00Z");
  }

  ::testing::AssertionResult Listed(std::string_view as_of, EscalationStatus status,
                                    std::string_view expected) {
    return JsonIs(unordered(escalations(as_of, status).at("escalations")),
                  boost::json::serialize(unordered(boost::json::parse(expected))));
  }
};

// asOf 2021-07-01 12:00:
//  open: esc-2, ageDays = 2021-07-01 - 2021-05-01 = 61.
//  resolved: esc-1 resolved 04-11 (10 days), esc-3 closed by the end of the stay on 06-20
//  (stay_ended, 19 days), esc-4 stay_terminated 06-06 (1 day). all: the four of them.
TEST_F(EscalationsTest, OpenResolvedAndAllWithStayEndedClosingAnOpenEscalation) {
  escalated();
  constexpr std::string_view kEsc1 =
      R"({"caseId": "e1", "escalationId": "esc-1", "level": "warning", "reason": "non_cooperation", "raisedOn": "2021-04-01", "resolvedOn": "2021-04-11", "resolution": "resolved", "ageDays": 10})";
  constexpr std::string_view kEsc2 =
      R"({"caseId": "e1", "escalationId": "esc-2", "level": "final_warning", "reason": "house_rules", "raisedOn": "2021-05-01", "resolvedOn": null, "resolution": null, "ageDays": 61})";
  constexpr std::string_view kEsc3 =
      R"({"caseId": "e2", "escalationId": "esc-3", "level": "termination_proposed", "reason": "behaviour", "raisedOn": "2021-06-01", "resolvedOn": "2021-06-20", "resolution": "stay_ended", "ageDays": 19})";
  constexpr std::string_view kEsc4 =
      R"({"caseId": "e3", "escalationId": "esc-4", "level": "warning", "reason": "other", "raisedOn": "2021-06-05", "resolvedOn": "2021-06-06", "resolution": "stay_terminated", "ageDays": 1})";
  const auto list = [](std::initializer_list<std::string_view> items) {
    std::string s = "[";
    for (const auto i : items) s += (s.size() > 1 ? "," : "") + std::string(i);
    return s + "]";
  };
  EXPECT_TRUE(Listed("2021-07-01T12:00:00Z", EscalationStatus::open, list({kEsc2})));
  EXPECT_TRUE(
      Listed("2021-07-01T12:00:00Z", EscalationStatus::resolved, list({kEsc1, kEsc3, kEsc4})));
  EXPECT_TRUE(
      Listed("2021-07-01T12:00:00Z", EscalationStatus::all, list({kEsc1, kEsc2, kEsc3, kEsc4})));
}

// asOf 2021-06-10 12:00, before e2's StayEnded (06-20): esc-3 is still open, 9 days old
// (06-10 - 06-01); esc-2 is 40 days old (06-10 - 05-01). Resolved by then: esc-1 and esc-4.
TEST_F(EscalationsTest, AsOfBeforeTheStayEndedShowsTheEscalationOpen) {
  escalated();
  EXPECT_TRUE(Listed("2021-06-10T12:00:00Z", EscalationStatus::open, R"([
    {"caseId": "e1", "escalationId": "esc-2", "level": "final_warning", "reason": "house_rules", "raisedOn": "2021-05-01", "resolvedOn": null, "resolution": null, "ageDays": 40},
    {"caseId": "e2", "escalationId": "esc-3", "level": "termination_proposed", "reason": "behaviour", "raisedOn": "2021-06-01", "resolvedOn": null, "resolution": null, "ageDays": 9}])"));
  EXPECT_TRUE(Listed("2021-06-10T12:00:00Z", EscalationStatus::resolved, R"([
    {"caseId": "e1", "escalationId": "esc-1", "level": "warning", "reason": "non_cooperation", "raisedOn": "2021-04-01", "resolvedOn": "2021-04-11", "resolution": "resolved", "ageDays": 10},
    {"caseId": "e3", "escalationId": "esc-4", "level": "warning", "reason": "other", "raisedOn": "2021-06-05", "resolvedOn": "2021-06-06", "resolution": "stay_terminated", "ageDays": 1}])"));
}

// esc-1 (raised 2021-04-01 10:00, resolved 2021-04-11 10:00):
//  - 04-05 12:00: open, 4 days old; nothing resolved yet.
//  - 04-11 09:59:59: still open, 10 days old (asOf date - raisedOn).
//  - 04-11 10:00:00 exactly: resolved (resolvedOn - raisedOn = 10); nothing open.
//  - before 04-01 10:00: not raised yet -> no escalation at all.
TEST_F(EscalationsTest, AsOfAroundTheResolution) {
  escalated();
  EXPECT_TRUE(Listed("2021-04-05T12:00:00Z", EscalationStatus::all, R"([
    {"caseId": "e1", "escalationId": "esc-1", "level": "warning", "reason": "non_cooperation", "raisedOn": "2021-04-01", "resolvedOn": null, "resolution": null, "ageDays": 4}])"));
  EXPECT_TRUE(Listed("2021-04-05T12:00:00Z", EscalationStatus::resolved, "[]"));
  EXPECT_TRUE(Listed("2021-04-11T09:59:59Z", EscalationStatus::open, R"([
    {"caseId": "e1", "escalationId": "esc-1", "level": "warning", "reason": "non_cooperation", "raisedOn": "2021-04-01", "resolvedOn": null, "resolution": null, "ageDays": 10}])"));
  EXPECT_TRUE(Listed("2021-04-11T10:00:00Z", EscalationStatus::open, "[]"));
  EXPECT_TRUE(Listed("2021-04-11T10:00:00Z", EscalationStatus::resolved, R"([
    {"caseId": "e1", "escalationId": "esc-1", "level": "warning", "reason": "non_cooperation", "raisedOn": "2021-04-01", "resolvedOn": "2021-04-11", "resolution": "resolved", "ageDays": 10}])"));
  EXPECT_TRUE(Listed("2021-04-01T09:59:59Z", EscalationStatus::all, "[]"));
}

// ---------------------------------------------------------------------------------------------
// Intake funnel
// ---------------------------------------------------------------------------------------------

// Range 2021-03-01..2021-03-31, both ends inclusive, by each event's occurredAt date:
//   f1 registered 02-28 23:59:59 (out), intake 03-01 00:00:00 (in), admitted 03-02 (in)
//   f2 registered 03-01 00:00:00 (in), intake 03-10, waitlisted 03-11, admitted 03-31 23:59:59 (in)
//   f3 registered 03-15, intake (not eligible) 03-16, rejected 03-17
//   f4 registered 03-20, intake 03-21, referred 03-22
//   f5 registered 03-31 23:00 (in), intake 04-01 00:00:00 (out)
// registered 4 (f2..f5), intakeCompleted 4 (f1..f4), admitted 2 (f1, f2), rejected 1, referred 1,
// waitlisted 1 (f2's earlier decision counts too). Only 2021-03-01: f1's intake, f2's registration.
TEST_F(ReadModelsTest, IntakeFunnelCountsEventsByDateWithInclusiveEnds) {
  registered("f1", "2021-02-28T23:59:59Z");
  intake("f1", "2021-03-01T00:00:00Z");
  decided("f1", "admitted", "2021-03-02T10:00:00Z", "lvv");
  registered("f2", "2021-03-01T00:00:00Z");
  intake("f2", "2021-03-10T10:00:00Z");
  decided("f2", "waitlisted", "2021-03-11T10:00:00Z");
  registered("f3", "2021-03-15T10:00:00Z");
  intake("f3", "2021-03-16T10:00:00Z", false);
  decided("f3", "rejected", "2021-03-17T10:00:00Z");
  registered("f4", "2021-03-20T10:00:00Z");
  intake("f4", "2021-03-21T10:00:00Z");
  decided("f4", "referred", "2021-03-22T10:00:00Z");
  decided("f2", "admitted", "2021-03-31T23:59:59Z", "municipal");
  registered("f5", "2021-03-31T23:00:00Z");
  intake("f5", "2021-04-01T00:00:00Z");

  const auto pick_funnel = [](const boost::json::value& v) {
    return boost::json::value(pick(v.as_object(), {"registered", "intakeCompleted", "admitted",
                                                   "rejected", "referred", "waitlisted"}));
  };
  EXPECT_TRUE(JsonIs(
      pick_funnel(funnel("2021-03-01", "2021-03-31")),
      R"({"registered": 4, "intakeCompleted": 4, "admitted": 2, "rejected": 1, "referred": 1, "waitlisted": 1})"));
  EXPECT_TRUE(JsonIs(
      pick_funnel(funnel("2021-03-01", "2021-03-01")),
      R"({"registered": 1, "intakeCompleted": 1, "admitted": 0, "rejected": 0, "referred": 0, "waitlisted": 0})"));
}

// ---------------------------------------------------------------------------------------------
// Events recorded late relative to other streams
// ---------------------------------------------------------------------------------------------

// Log order (position) differs from business time across streams:
//   pos 1    location-l1 LocationOpened, 2 beds        occurredAt 2021-03-01 09:00
//   pos 2-4  case-c1 registered, intake, admitted lvv  occurredAt 2021-03-02 10:00
//   pos 5    case-c1 BedAssigned l1                     occurredAt 2021-03-10 10:00
//   pos 6    location-l1 LocationCapacityChanged 3 beds occurredAt 2021-03-05 10:00 (later
//   position,
//            earlier business time than pos 5; fine within its own stream)
//   pos 7    programme ProgrammeCapacitySet {450, 320} occurredAt 2021-03-06 00:00
// asOf uses occurredAt, not position:
//   03-04 12:00: l1 2 beds, c1 waiting; defaults 500/360.
//   03-07 12:00: l1 3 beds (the change of 03-05 counts although it was recorded after the bed),
//                c1 still waiting (its bed is on 03-10); 450/320/130.
//   03-10 12:00: l1 3 beds, 1 occupied, free 2; programme occupied 1, free 449.
// Utilisation 03-04..03-11: capacity 03-04 = 2, 03-05..03-11 = 7 x 3 = 21 -> 23; bed nights
// 03-10 and 03-11 = 2 -> 2/23 = 0.08696 -> 0.087.
TEST_F(ReadModelsTest, EventsRecordedLateRelativeToOtherStreamsCountByOccurredAt) {
  open_location("l1", "De Boeg", "hvo-querido", 2, "2021-03-01T09:00:00Z");
  admitted("c1", "lvv", "2021-03-02T10:00:00Z");
  bed("c1", "l1", "2021-03-10T10:00:00Z");
  capacity_changed("l1", 3, "2021-03-05T10:00:00Z");
  programme_capacity(450, 320, 18, "2021-03-06T00:00:00Z");
  ASSERT_EQ(h.read([](const History& x) { return x.position(); }), 7U);

  EXPECT_TRUE(JsonIs(occupancy("2021-03-04T12:00:00Z"), R"({
    "asOf": "2021-03-04T12:00:00Z",
    "programme": {"places": 500, "lvvPlaces": 360, "municipalPlaces": 140,
                  "occupied": 0, "lvvOccupied": 0, "municipalOccupied": 0, "free": 500},
    "locations": [{"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 2, "occupied": 0, "free": 2, "open": true}],
    "waitingForBed": 1, "waitlisted": 0})"));
  EXPECT_TRUE(JsonIs(occupancy("2021-03-07T12:00:00Z"), R"({
    "asOf": "2021-03-07T12:00:00Z",
    "programme": {"places": 450, "lvvPlaces": 320, "municipalPlaces": 130,
                  "occupied": 0, "lvvOccupied": 0, "municipalOccupied": 0, "free": 450},
    "locations": [{"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 3, "occupied": 0, "free": 3, "open": true}],
    "waitingForBed": 1, "waitlisted": 0})"));
  EXPECT_TRUE(JsonIs(occupancy("2021-03-10T12:00:00Z"), R"({
    "asOf": "2021-03-10T12:00:00Z",
    "programme": {"places": 450, "lvvPlaces": 320, "municipalPlaces": 130,
                  "occupied": 1, "lvvOccupied": 1, "municipalOccupied": 0, "free": 449},
    "locations": [{"locationId": "l1", "name": "De Boeg", "operator": "hvo-querido", "beds": 3, "occupied": 1, "free": 2, "open": true}],
    "waitingForBed": 0, "waitlisted": 0})"));
  EXPECT_TRUE(JsonIs(utilisation("2021-03-04", "2021-03-11"), R"({
    "from": "2021-03-04", "to": "2021-03-11",
    "programme": {"bedNights": 2, "capacityNights": 23, "rate": 0.087},
    "locations": [{"locationId": "l1", "bedNights": 2, "capacityNights": 23, "rate": 0.087}]})"));
}

// Perspective. Worked example (decision dates are the admitted PlacementDecided dates):
//   a: admitted 2021-03-01, undecided 03-05, return 03-21       -> 20 days to a real track
//   b: admitted 2021-03-10, legal_stay_nl 03-11                  -> 1 day
//   c: admitted 2021-03-20, undecided 03-25, nothing else        -> no real track: not counted
//   d: admitted 2021-05-02 (outside the admitted range), onward_migration 05-03
//   e: admitted 2021-03-15, return 03-30, stay ended 04-01       -> 15 days; not active on 04-10
//   f: waitlisted only                                           -> never active
// As of 2021-04-10 (range 03-01..03-31): active a (return), b (legal), c (undecided);
// d is not admitted yet. Days: 1, 15, 20 -> median 15.
TEST_F(ReadModelsTest, PerspectiveActiveByTrackAndDaysToAFirstRealTrack) {
  for (const char* c : {"a", "b", "c", "d", "e", "f"}) {
    registered(c, "2021-02-01T09:00:00Z");
    intake(c, "2021-02-02T09:00:00Z");
  }
  admitted("a", "lvv", "2021-03-01T10:00:00Z");
  track("a", "undecided", "2021-03-05T10:00:00Z");
  track("a", "return", "2021-03-21T09:00:00Z");
  admitted("b", "municipal", "2021-03-10T23:00:00Z");
  track("b", "legal_stay_nl", "2021-03-11T01:00:00Z");
  admitted("c", "lvv", "2021-03-20T10:00:00Z");
  track("c", "undecided", "2021-03-25T10:00:00Z");
  admitted("d", "lvv", "2021-05-02T10:00:00Z");
  track("d", "onward_migration", "2021-05-03T10:00:00Z");
  admitted("e", "lvv", "2021-03-15T10:00:00Z");
  track("e", "return", "2021-03-30T10:00:00Z");
  ended("e", "independent_return", "2021-04-01T10:00:00Z");
  decided("f", "waitlisted", "2021-03-02T10:00:00Z");
  const auto perspective = [&](Micros as_of, Days from, Days to) {
    return h.read([&](const History& x) { return perspective_json(x, as_of, from, to); });
  };
  EXPECT_TRUE(
      JsonIs(perspective(end_of_day(date("2021-04-10")), date("2021-03-01"), date("2021-03-31")),
             R"({"asOf": "2021-04-10T23:59:59Z",
                         "admittedFrom": "2021-03-01", "admittedTo": "2021-03-31",
                         "activeByTrack": {"legal_stay_nl": 1, "return": 1,
                                           "onward_migration": 0, "undecided": 1, "none": 0},
                         "daysToTrack": {"cases": 3, "median": 15}})"));
  // As of 2021-03-20T12:00: a undecided, b legal, c none (admitted that morning), e none;
  // real tracks by then: only b (1 day) -> median 1.
  EXPECT_TRUE(
      JsonIs(perspective(at("2021-03-20T12:00:00Z"), date("2021-03-01"), date("2021-03-31")),
             R"({"asOf": "2021-03-20T12:00:00Z",
                         "admittedFrom": "2021-03-01", "admittedTo": "2021-03-31",
                         "activeByTrack": {"legal_stay_nl": 1, "return": 0,
                                           "onward_migration": 0, "undecided": 1, "none": 2},
                         "daysToTrack": {"cases": 1, "median": 1}})"));
  // Nobody admitted in the range: no median.
  EXPECT_TRUE(
      JsonIs(perspective(end_of_day(date("2021-06-01")), date("2021-01-01"), date("2021-01-31")),
             R"({"asOf": "2021-06-01T23:59:59Z",
                         "admittedFrom": "2021-01-01", "admittedTo": "2021-01-31",
                         "activeByTrack": {"legal_stay_nl": 1, "return": 1,
                                           "onward_migration": 1, "undecided": 1, "none": 0},
                         "daysToTrack": {"cases": 0, "median": null}})"));
  const auto by_track = h.read(
      [&](const History& x) { return active_cases_by_track(x, at("2021-04-10T12:00:00Z")); });
  EXPECT_EQ(by_track, (std::map<std::string, std::int64_t>{{"legal_stay_nl", 1},
                                                           {"none", 0},
                                                           {"onward_migration", 0},
                                                           {"return", 1},
                                                           {"undecided", 1}}));
  // Counted incrementally from there (History::active_by_track), as the whole-history count
  // over a HistoryView gives: after new facts, and with a fact dated after the call's now.
  const auto both = [&](Micros now) {
    return h.read([&](const History& x) {
      const HistoryView all(x);
      return std::pair{active_cases_by_track(x, now), active_cases_by_track(all, now)};
    });
  };
  track("c", "return", "2021-06-02T10:00:00Z");
  ended("a", "independent_return", "2021-06-02T11:00:00Z");
  admitted("g", "lvv", "2021-06-03T10:00:00Z");  // after the next call's now
  const auto [june2, june2_full] = both(at("2021-06-02T12:00:00Z"));
  EXPECT_EQ(june2, june2_full);
  EXPECT_EQ(june2, (std::map<std::string, std::int64_t>{{"legal_stay_nl", 1},
                                                        {"none", 0},
                                                        {"onward_migration", 1},
                                                        {"return", 1},
                                                        {"undecided", 0}}));
  // No new fact, but g's admission is now past: it counts.
  const auto [june4, june4_full] = both(at("2021-06-04T00:00:00Z"));
  EXPECT_EQ(june4, june4_full);
  EXPECT_EQ(june4.at("none"), 1);
  EXPECT_EQ(june4.at("return"), 1);
}

// Participation. Worked example, range 2021-04-01..2021-04-30:
//   act-1 language, co-designed, held 04-01 (first day, counts): 10 residents, 2 volunteers,
//         1 neighbour, 4.5 volunteer hours
//   act-2 sport, held 04-30 (last day, counts): 5 residents, 3 volunteers, 0 neighbours, no hours
//   act-3 sport, held 05-01 (outside)
//   act-4 culture, scheduled and cancelled (never held)
//   act-5 language, co-designed, scheduled but not held yet
// -> 2 held (language 1, sport 1), 15 attendances, 5 volunteers, 4.5 hours, 1 neighbour,
//    co-designed share 1/2 = 0.5. Cases x (twice in range) and y take part; z only in March.
//   Contacts: l1 two compliments and a complaint in April, a meeting in March; l2 none.
TEST_F(ReadModelsTest, ParticipationCountsActivitiesCasesAndNeighbourhoodContacts) {
  open_location("l1", "De Boeg", "hvo-querido", 10, "2021-01-01T09:00:00Z");
  open_location("l2", "Het Anker", "leger-des-heils", 5, "2021-01-01T09:00:00Z");
  const auto schedule = [&](const std::string& id, const std::string& category, bool co) {
    add("activity-" + id, "ActivityScheduled", "2021-03-20T10:00:00Z",
        R"({"title":"T","organisation":"boost","category":")" + category +
            R"(","startsAt":"2021-04-01T14:00:00Z","coDesigned":)" + (co ? "true" : "false") + "}");
  };
  schedule("act-1", "language", true);
  schedule("act-2", "sport", false);
  schedule("act-3", "sport", false);
  schedule("act-4", "culture", false);
  schedule("act-5", "language", true);
  add("activity-act-1", "ActivityHeld", "2021-04-01T00:00:00Z",
      R"({"residents":10,"volunteers":2,"neighbours":1,"volunteerHours":4.5})");
  add("activity-act-2", "ActivityHeld", "2021-04-30T23:59:59Z",
      R"({"residents":5,"volunteers":3,"neighbours":0})");
  add("activity-act-3", "ActivityHeld", "2021-05-01T00:00:00Z",
      R"({"residents":7,"volunteers":1,"neighbours":2,"volunteerHours":3})");
  add("activity-act-4", "ActivityCancelled", "2021-04-02T10:00:00Z");
  for (const char* c : {"x", "y", "z"}) registered(c, "2021-02-01T09:00:00Z");
  const auto took_part = [&](const std::string& c, std::string_view when) {
    add("case-" + c, "ParticipationRecorded", when,
        R"({"activity":"Taalcafe","organisation":"boost"})");
  };
  took_part("x", "2021-04-03T10:00:00Z");
  took_part("x", "2021-04-10T10:00:00Z");
  took_part("y", "2021-04-30T10:00:00Z");
  took_part("z", "2021-03-31T10:00:00Z");
  const auto contact = [&](const std::string& l, const std::string& kind, std::string_view when) {
    add("location-" + l, "NeighbourhoodContactRecorded", when, R"({"kind":")" + kind + R"("})");
  };
  contact("l1", "compliment", "2021-04-05T10:00:00Z");
  contact("l1", "compliment", "2021-04-06T10:00:00Z");
  contact("l1", "complaint", "2021-04-07T10:00:00Z");
  contact("l1", "meeting", "2021-03-07T10:00:00Z");
  const auto participation = [&](Days from, Days to) {
    return h.read([&](const History& x) { return participation_json(x, from, to); });
  };
  EXPECT_TRUE(JsonIs(participation(date("2021-04-01"), date("2021-04-30")), R"({
    "from": "2021-04-01", "to": "2021-04-30", "activitiesHeld": 2,
    "byCategory": {"language": 1, "work_skills": 0, "sport": 1, "culture": 0, "health": 0,
                   "information": 0, "other": 0},
    "residentAttendances": 15, "casesParticipating": 2, "volunteers": 5, "volunteerHours": 4.5,
    "neighbours": 1, "coDesignedShare": 0.5,
    "neighbourhoodContacts": [
      {"locationId": "l1", "meeting": 0, "visit": 0, "complaint": 1, "compliment": 2, "volunteer_help": 0},
      {"locationId": "l2", "meeting": 0, "visit": 0, "complaint": 0, "compliment": 0, "volunteer_help": 0}]})"));
  // A range with nothing held: no co-designed share.
  EXPECT_TRUE(JsonIs(participation(date("2021-02-01"), date("2021-02-28")), R"({
    "from": "2021-02-01", "to": "2021-02-28", "activitiesHeld": 0,
    "byCategory": {"language": 0, "work_skills": 0, "sport": 0, "culture": 0, "health": 0,
                   "information": 0, "other": 0},
    "residentAttendances": 0, "casesParticipating": 0, "volunteers": 0, "volunteerHours": 0,
    "neighbours": 0, "coDesignedShare": null,
    "neighbourhoodContacts": [
      {"locationId": "l1", "meeting": 0, "visit": 0, "complaint": 0, "compliment": 0, "volunteer_help": 0},
      {"locationId": "l2", "meeting": 0, "visit": 0, "complaint": 0, "compliment": 0, "volunteer_help": 0}]})"));
  const auto held = h.read([](const History& x) { return activities_held_by_category(x); });
  EXPECT_EQ(held.at("language"), 1);
  EXPECT_EQ(held.at("sport"), 2);
  EXPECT_EQ(held.at("culture"), 0);
  EXPECT_EQ(held.size(), 7U);
}

// Every read model takes an asOf (spec/domain.md), the range models too: they then count only
// what was recorded as happening by then. Worked example: l1 opens 04-01 with 5 beds, grows to
// 10 on 04-05; case a registered 04-01, intake 04-02, admitted 04-02, bed 04-02, ended 04-20.
//   As of 04-03T12:00, range 04-01..04-06: a is housed from 04-02 on as far as anyone knew, so
//   nights 04-02..04-06 = 5; capacity 5 beds x 6 nights = 30 (the growth is not known yet);
//   the funnel has the registration, intake and admission; no stay has ended.
//   Without asOf: nights 04-02..04-06 = 5; capacity 4 x 5 + 2 x 10 = 40.
TEST_F(ReadModelsTest, RangeModelsAnswerAsOfAMoment) {
  open_location("l1", "De Boeg", "hvo-querido", 5, "2021-04-01T08:00:00Z");
  capacity_changed("l1", 10, "2021-04-05T08:00:00Z");
  registered("a", "2021-04-01T09:00:00Z");
  intake("a", "2021-04-02T09:00:00Z");
  admitted("a", "lvv", "2021-04-02T10:00:00Z");
  bed("a", "l1", "2021-04-02T11:00:00Z");
  ended("a", "independent_return", "2021-04-20T11:00:00Z");
  const Micros early = at("2021-04-03T12:00:00Z");
  const auto read = [&](auto fn) { return h.read([&](const History& x) { return fn(x); }); };
  EXPECT_TRUE(JsonIs(read([&](const History& x) {
                       return utilisation_json(x, date("2021-04-01"), date("2021-04-06"), early);
                     }),
                     R"({"from": "2021-04-01", "to": "2021-04-06",
                         "programme": {"bedNights": 5, "capacityNights": 30, "rate": 0.1667},
                         "locations": [{"locationId": "l1", "bedNights": 5, "capacityNights": 30,
                                        "rate": 0.1667}]})"));
  EXPECT_TRUE(JsonIs(read([&](const History& x) {
                       return utilisation_json(x, date("2021-04-01"), date("2021-04-06"));
                     }),
                     R"({"from": "2021-04-01", "to": "2021-04-06",
                         "programme": {"bedNights": 5, "capacityNights": 40, "rate": 0.125},
                         "locations": [{"locationId": "l1", "bedNights": 5, "capacityNights": 40,
                                        "rate": 0.125}]})"));
  const auto funnel = read([&](const History& x) {
    return intake_funnel_json(x, date("2021-04-01"), date("2021-04-30"),
                              at("2021-04-02T09:30:00Z"));
  });
  EXPECT_EQ(funnel.at("registered").as_int64(), 1);
  EXPECT_EQ(funnel.at("intakeCompleted").as_int64(), 1);
  EXPECT_EQ(funnel.at("admitted").as_int64(), 0);
  EXPECT_EQ(read([&](const History& x) {
              return outcomes_json(x, date("2021-04-01"), date("2021-04-30"), early);
            })
                .at("total")
                .as_int64(),
            0);
  EXPECT_EQ(read([&](const History& x) {
              return outcomes_json(x, date("2021-04-01"), date("2021-04-30"));
            })
                .at("total")
                .as_int64(),
            1);
}

}  // namespace
}  // namespace perspectief
