#include "projections/programme_model.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "domain/case_file.hpp"
#include "domain/location.hpp"
#include "domain/programme.hpp"
#include "domain/role.hpp"
#include "eventstore/envelope.hpp"
#include "tests/support/test_times.hpp"

// The write model: rule 12 (capacity across streams, all-or-nothing appends), the housing
// scope, and replay (apply) agreeing with admit.

namespace perspectief {
namespace {

using testing::kMinute;
using testing::kT0;

using Events = std::vector<std::pair<std::string, std::string>>;  // (type, data json)

Actor regie() {
  return Actor{"anna", "regiegroep", Role::regie};
}
Actor housing(const std::string& organisation) {
  return Actor{"jan", organisation, Role::housing};
}

// Drives a ProgrammeModel as the write path does, and keeps the log of what it admitted.
class Driver {
 public:
  explicit Driver(ProgrammeState defaults) : defaults_(defaults), model_(defaults) {}

  Status append(const Actor& actor, const std::string& stream, const Events& events) {
    std::vector<DomainEvent> batch;
    Micros t = clock_;
    for (const auto& [type, data] : events) {
      t += kMinute;
      batch.push_back(DomainEvent{type, boost::json::parse(data).as_object(), t});
    }
    Status s = model_.admit(actor, stream, batch, t);
    if (s.ok()) {
      clock_ = t;
      for (auto& e : batch) {
        Envelope env;
        env.position = log_.size() + 1;
        env.stream = stream;
        env.version = ++versions_[stream];
        env.event_id = "ev-" + std::to_string(env.position);
        env.type = e.type;
        env.occurred_at = e.occurred_at;
        env.recorded_at = e.occurred_at;
        env.actor = actor;
        env.data = std::move(e.data);
        log_.push_back(std::move(env));
      }
    }
    return s;
  }

  Status append(const std::string& stream, const Events& events) {
    return append(regie(), stream, events);
  }

  void open_location(const std::string& id, std::int64_t beds,
                     const std::string& op = "hvo-querido") {
    const Status s = append(
        "location-" + id, {{"LocationOpened", R"({"name":"L","operator":")" + op + R"(","beds":)" +
                                                  std::to_string(beds) + "}"}});
    ASSERT_TRUE(s.ok()) << s.error().rule;
  }

  // Registered, eligible intake, admitted with `funding`: waiting for a bed.
  void admit_case(const std::string& id, const std::string& funding = "municipal") {
    const Status s = append("case-" + id, admission(funding));
    ASSERT_TRUE(s.ok()) << s.error().rule;
  }

  static Events admission(const std::string& funding) {
    return {{"CaseRegistered", R"({"person":{"name":"P"}})"},
            {"IntakeCompleted", R"({"eligible":true})"},
            {"PlacementDecided", R"({"decision":"admitted","funding":")" + funding + R"("})"}};
  }

  Status assign_bed(const std::string& case_id, const std::string& location,
                    const Actor& actor = regie()) {
    return append(actor, "case-" + case_id,
                  {{"BedAssigned", R"({"locationId":")" + location + R"("})"}});
  }

  const ProgrammeModel& model() const { return model_; }
  const std::vector<Envelope>& log() const { return log_; }
  const ProgrammeState& defaults() const { return defaults_; }

 private:
  ProgrammeState defaults_;
  ProgrammeModel model_;
  std::vector<Envelope> log_;
  std::map<std::string, std::uint64_t> versions_;
  Micros clock_ = kT0;
};

// Everything the capacity rules depend on, as text (readable in a failure).
std::string snapshot(const ProgrammeModel& m) {
  std::ostringstream out;
  out << "places=" << m.programme().places << " lvv=" << m.programme().lvv_places
      << " housed_lvv=" << m.housed_lvv() << " housed_municipal=" << m.housed_municipal() << "\n";
  for (const auto& [id, l] : m.locations()) {
    out << "location " << id << " exists=" << l.exists << " open=" << l.open << " beds=" << l.beds
        << " occupied=" << l.occupied << " v=" << l.version << "\n";
  }
  for (const auto& [id, c] : m.cases()) {
    out << "case " << id << " " << to_string(c.status)
        << " funding=" << (c.funding ? to_string(*c.funding) : "") << " at=" << c.location_id
        << " v=" << c.version << " last=" << c.last_occurred << "\n";
  }
  return out.str();
}

void expect_refused(const Status& s, const std::string& rule) {
  ASSERT_FALSE(s.ok()) << "accepted, expected " << rule;
  EXPECT_EQ(s.error().code, ErrorCode::conflict);
  EXPECT_EQ(s.error().rule, rule);
}

void expect_forbidden(const Status& s) {
  ASSERT_FALSE(s.ok()) << "accepted, expected forbidden";
  EXPECT_EQ(s.error().code, ErrorCode::forbidden);
  EXPECT_EQ(s.error().rule, "");
}

std::int64_t occupied(const ProgrammeModel& m, const std::string& location) {
  const LocationState* l = m.location(location);
  return l == nullptr ? -1 : l->occupied;
}

TEST(ProgrammeModelAdmit, ThirdBedOnATwoBedLocationIsRefused) {
  Driver d{initial_programme(500, 360, 18)};
  d.open_location("loc-a", 2);
  for (const char* c : {"c1", "c2", "c3"}) d.admit_case(c);
  ASSERT_TRUE(d.assign_bed("c1", "loc-a").ok());
  ASSERT_TRUE(d.assign_bed("c2", "loc-a").ok());
  const std::string before = snapshot(d.model());
  expect_refused(d.assign_bed("c3", "loc-a"), "bed-capacity");
  EXPECT_EQ(snapshot(d.model()), before);
  EXPECT_EQ(occupied(d.model(), "loc-a"), 2);
  EXPECT_EQ(d.model().housed_municipal(), 2);
  EXPECT_EQ(d.model().housed_lvv(), 0);
  EXPECT_EQ(d.model().find_case("c1")->status, CaseStatus::housed);
  EXPECT_EQ(d.model().find_case("c3")->status, CaseStatus::admitted);
}

TEST(ProgrammeModelAdmit, ARefusedArrayChangesNothing) {
  Driver d{initial_programme(500, 360, 18)};
  d.open_location("loc-a", 2);
  d.open_location("loc-b", 1);
  d.admit_case("c1");
  d.admit_case("c2");
  ASSERT_TRUE(d.assign_bed("c1", "loc-a").ok());
  ASSERT_TRUE(d.assign_bed("c2", "loc-a").ok());
  const std::string before = snapshot(d.model());
  const std::size_t logged = d.log().size();

  struct Row {
    std::string name;
    std::string stream;
    Events events;
    std::string rule;
  };
  Events new_case_with_bed = Driver::admission("lvv");
  new_case_with_bed.emplace_back("BedAssigned", R"({"locationId":"loc-a"})");
  const std::vector<Row> rows{
      {"a new case admitted and housed in a full location", "case-c3", new_case_with_bed,
       "bed-capacity"},
      {"transfer, then the allowance twice",
       "case-c1",
       {{"Transferred", R"({"toLocationId":"loc-b"})"},
        {"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})"},
        {"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})"}},
       "allowance-once-per-period"},
      {"stay ended, then a legal step",
       "case-c2",
       {{"StayEnded", R"({"outcome":"other"})"}, {"LegalStepRecorded", R"({"step":"appeal"})"}},
       "stay-ended"},
      {"transfer, then again to where the first one went",
       "case-c1",
       {{"Transferred", R"({"toLocationId":"loc-b"})"},
        {"Transferred", R"({"toLocationId":"loc-b"})"}},
       "transfer-same-location"},
      {"capacity down, then closed with residents",
       "location-loc-a",
       {{"LocationCapacityChanged", R"({"beds":5})"}, {"LocationClosed", "{}"}},
       "location-occupied"},
      {"capacity below the two residents",
       "location-loc-a",
       {{"LocationCapacityChanged", R"({"beds":1})"}},
       "capacity-below-occupancy"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    expect_refused(d.append(row.stream, row.events), row.rule);
    EXPECT_EQ(snapshot(d.model()), before);
    EXPECT_EQ(d.log().size(), logged);
  }
  EXPECT_EQ(d.model().find_case("c3"), nullptr);
  EXPECT_EQ(d.model().find_case("c1")->location_id, "loc-a");
  EXPECT_TRUE(d.model().find_case("c1")->allowance_periods.empty());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 2);
  EXPECT_EQ(occupied(d.model(), "loc-b"), 0);
  EXPECT_EQ(d.model().housed_municipal(), 2);
  EXPECT_EQ(d.model().housed_lvv(), 0);
}

TEST(ProgrammeModelAdmit, TransferredMovesOccupancy) {
  Driver d{initial_programme(500, 360, 18)};
  d.open_location("loc-a", 2);
  d.open_location("loc-b", 1);
  d.admit_case("c1", "lvv");
  d.admit_case("c2", "municipal");
  ASSERT_TRUE(d.assign_bed("c1", "loc-a").ok());
  ASSERT_TRUE(d.assign_bed("c2", "loc-a").ok());

  ASSERT_TRUE(d.append("case-c1", {{"Transferred", R"({"toLocationId":"loc-b"})"}}).ok());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 1);
  EXPECT_EQ(occupied(d.model(), "loc-b"), 1);
  EXPECT_EQ(d.model().find_case("c1")->location_id, "loc-b");
  EXPECT_EQ(d.model().housed_lvv(), 1);  // a transfer keeps the place
  EXPECT_EQ(d.model().housed_municipal(), 1);

  expect_refused(d.append("case-c2", {{"Transferred", R"({"toLocationId":"loc-b"})"}}),
                 "bed-capacity");
  EXPECT_EQ(occupied(d.model(), "loc-a"), 1);

  // The freed bed at loc-a can be taken again; a transfer and back in one array nets out.
  ASSERT_TRUE(d.append("case-c1", {{"Transferred", R"({"toLocationId":"loc-a"})"},
                                   {"Transferred", R"({"toLocationId":"loc-b"})"}})
                  .ok());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 1);
  EXPECT_EQ(occupied(d.model(), "loc-b"), 1);

  // loc-a closes once its last resident, c2, has left.
  expect_refused(d.append("location-loc-a", {{"LocationClosed", "{}"}}), "location-occupied");
  ASSERT_TRUE(d.append("case-c2", {{"StayEnded", R"({"outcome":"other"})"}}).ok());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 0);
  EXPECT_TRUE(d.append("location-loc-a", {{"LocationClosed", "{}"}}).ok());
}

TEST(ProgrammeModelAdmit, StayEndedFreesTheBedAndTheFundingPlace) {
  Driver d{initial_programme(1, 0, 18)};  // one place, municipal
  d.open_location("loc-a", 5);
  d.admit_case("c1");
  d.admit_case("c2");
  d.admit_case("c3");
  ASSERT_TRUE(d.assign_bed("c1", "loc-a").ok());
  EXPECT_EQ(d.model().housed_municipal(), 1);
  expect_refused(d.assign_bed("c2", "loc-a"), "programme-capacity");

  // An admitted case that never had a bed frees nothing when its stay ends.
  ASSERT_TRUE(d.append("case-c3", {{"StayEnded", R"({"outcome":"left_unknown"})"}}).ok());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 1);
  EXPECT_EQ(d.model().housed_municipal(), 1);

  ASSERT_TRUE(d.append("case-c1", {{"StayEnded", R"({"outcome":"residence_permit"})"}}).ok());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 0);
  EXPECT_EQ(d.model().housed_municipal(), 0);
  EXPECT_EQ(d.model().housed_lvv(), 0);
  EXPECT_EQ(d.model().find_case("c1")->status, CaseStatus::ended);

  ASSERT_TRUE(d.assign_bed("c2", "loc-a").ok());
  EXPECT_EQ(occupied(d.model(), "loc-a"), 1);
  EXPECT_EQ(d.model().housed_municipal(), 1);
}

TEST(ProgrammeModelAdmit, LvvAndMunicipalPlacesAreCountedApart) {
  ProgrammeState p{};
  p.places = 3;
  p.lvv_places = 1;  // municipal places: 2
  Driver d{p};
  d.open_location("loc-a", 10);
  d.admit_case("lvv-1", "lvv");
  d.admit_case("lvv-2", "lvv");
  d.admit_case("mun-1", "municipal");
  d.admit_case("mun-2", "municipal");
  d.admit_case("mun-3", "municipal");

  struct Row {
    std::string case_id;
    std::string rule;  // empty: housed
    std::int64_t housed_lvv;
    std::int64_t housed_municipal;
  };
  const std::vector<Row> rows{
      {"mun-1", "", 0, 1},
      {"mun-2", "", 0, 2},
      {"mun-3", "funding-capacity", 0, 2},  // municipal full, programme not
      {"lvv-1", "", 1, 2},
      {"lvv-2", "programme-capacity", 1, 2},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.case_id);
    const Status s = d.assign_bed(row.case_id, "loc-a");
    if (row.rule.empty()) {
      EXPECT_TRUE(s.ok()) << s.error().rule;
    } else {
      expect_refused(s, row.rule);
    }
    EXPECT_EQ(d.model().housed_lvv(), row.housed_lvv);
    EXPECT_EQ(d.model().housed_municipal(), row.housed_municipal);
  }
  EXPECT_EQ(occupied(d.model(), "loc-a"), 3);

  // lvv full while the programme has room: end a municipal stay, the lvv case still waits.
  ASSERT_TRUE(d.append("case-mun-1", {{"StayEnded", R"({"outcome":"other"})"}}).ok());
  expect_refused(d.assign_bed("lvv-2", "loc-a"), "funding-capacity");
  ASSERT_TRUE(d.assign_bed("mun-3", "loc-a").ok());
  EXPECT_EQ(d.model().housed_lvv(), 1);
  EXPECT_EQ(d.model().housed_municipal(), 2);
}

TEST(ProgrammeModelAdmit, HousingOutOfScopeIsForbidden) {
  Driver d{initial_programme(500, 360, 18)};
  d.open_location("hvo-1", 5, "hvo-querido");
  d.open_location("leger-1", 5, "leger-des-heils");
  d.admit_case("c1");
  const Actor hvo = housing("hvo-querido");
  const Actor leger = housing("leger-des-heils");
  const std::string before = snapshot(d.model());

  expect_forbidden(d.assign_bed("c1", "leger-1", hvo));
  EXPECT_EQ(snapshot(d.model()), before);
  expect_forbidden(
      d.append(hvo, "location-leger-1", {{"LocationCapacityChanged", R"({"beds":9})"}}));
  expect_forbidden(
      d.append(hvo, "location-new",
               {{"LocationOpened", R"({"name":"n","operator":"leger-des-heils","beds":3})"}}));
  EXPECT_EQ(snapshot(d.model()), before);

  ASSERT_TRUE(d.assign_bed("c1", "hvo-1", hvo).ok());
  EXPECT_EQ(occupied(d.model(), "hvo-1"), 1);
  const std::string housed = snapshot(d.model());
  expect_forbidden(d.append(
      leger, "case-c1", {{"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})"}}));
  expect_forbidden(d.append(leger, "case-c1", {{"StayEnded", R"({"outcome":"other"})"}}));
  expect_forbidden(d.append(hvo, "case-c1", {{"Transferred", R"({"toLocationId":"leger-1"})"}}));
  // An array that starts in scope and leaves it is refused as a whole.
  expect_forbidden(d.append(hvo, "case-c1",
                            {{"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})"},
                             {"Transferred", R"({"toLocationId":"leger-1"})"}}));
  EXPECT_EQ(snapshot(d.model()), housed);
  EXPECT_TRUE(d.append(hvo, "case-c1",
                       {{"LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})"}})
                  .ok());
}

TEST(ProgrammeModelAdmit, ReplayGivesTheSameStateAsAdmit) {
  ProgrammeState p{};
  p.places = 4;
  p.lvv_places = 2;
  Driver d{p};
  d.open_location("loc-a", 2);
  d.open_location("loc-b", 2, "leger-des-heils");
  ASSERT_TRUE(d.append("programme", {{"ProgrammeCapacitySet",
                                      R"({"places":5,"lvvPlaces":2,"maxStayMonths":12})"}})
                  .ok());
  d.admit_case("c1", "lvv");
  d.admit_case("c2", "municipal");
  d.admit_case("c3", "municipal");
  d.admit_case("c4", "lvv");
  ASSERT_TRUE(d.assign_bed("c1", "loc-a").ok());
  ASSERT_TRUE(d.assign_bed("c2", "loc-a").ok());
  ASSERT_FALSE(d.assign_bed("c3", "loc-a").ok());
  ASSERT_TRUE(d.assign_bed("c3", "loc-b").ok());
  ASSERT_TRUE(d.append("case-c1", {{"Transferred", R"({"toLocationId":"loc-b"})"}}).ok());
  ASSERT_TRUE(d.append("case-c2", {{"StayEnded", R"({"outcome":"independent_return"})"}}).ok());
  ASSERT_TRUE(d.assign_bed("c4", "loc-a").ok());
  ASSERT_TRUE(d.append("location-loc-b", {{"LocationCapacityChanged", R"({"beds":3})"}}).ok());
  ASSERT_TRUE(
      d.append(
           "activity-a1",
           {{"ActivityScheduled",
             R"({"title":"t","organisation":"boost","category":"sport","startsAt":"2021-03-05T10:00:00Z"})"}})
          .ok());

  EXPECT_EQ(occupied(d.model(), "loc-a"), 1);
  EXPECT_EQ(occupied(d.model(), "loc-b"), 2);
  EXPECT_EQ(d.model().housed_lvv(), 2);
  EXPECT_EQ(d.model().housed_municipal(), 1);

  ProgrammeModel replayed{d.defaults()};
  for (const auto& e : d.log()) replayed.apply(e);
  EXPECT_EQ(snapshot(replayed), snapshot(d.model()));
  EXPECT_EQ(replayed.housed_lvv(), 2);
  EXPECT_EQ(replayed.housed_municipal(), 1);
  EXPECT_EQ(replayed.programme().places, 5);
  EXPECT_EQ(replayed.position(), d.log().size());
  ASSERT_NE(replayed.activities().find("a1"), replayed.activities().end());
  EXPECT_TRUE(replayed.activities().at("a1").scheduled);
}

}  // namespace
}  // namespace perspectief
