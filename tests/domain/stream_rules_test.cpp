#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <climits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/activity.hpp"
#include "domain/authorization.hpp"
#include "domain/case_file.hpp"
#include "domain/domain_event.hpp"
#include "domain/location.hpp"
#include "domain/programme.hpp"
#include "domain/role.hpp"
#include "domain/time.hpp"
#include "domain/upcasters.hpp"
#include "tests/support/test_times.hpp"

// The rules of the location, activity and programme streams, the housing organisations'
// scope (authorization.hpp) and the upcasters.

namespace perspectief {
namespace {

using testing::kMinute;
using testing::kT0;

struct Step {
  std::string type;
  std::string data = "{}";
};

using History = std::vector<Step>;

DomainEvent make_event(const std::string& type, const std::string& data, Micros at) {
  return DomainEvent{type, boost::json::parse(data).as_object(), at};
}

// Folds a history with evolve(), one minute apart from kT0.
template <class State>
State fold(const History& steps) {
  State s{};
  Micros t = kT0;
  for (const auto& step : steps) {
    s = evolve(std::move(s), make_event(step.type, step.data, t));
    t += kMinute;
  }
  return s;
}

template <class State>
Micros next_time(const State& s) {
  return (s.last_occurred == INT64_MIN ? kT0 : s.last_occurred) + kMinute;
}

struct Row {
  std::string name;
  History history;
  std::string type;
  std::string data;
  std::string rule;  // empty: accepted
};

template <class State>
void expect_decision(const State& state, const Row& row) {
  const Micros at = next_time(state);
  const DomainEvent event = make_event(row.type, row.data, at);
  const auto result = decide(state, event, at);
  if (row.rule.empty()) {
    ASSERT_TRUE(result.ok()) << "refused: " << result.error().rule;
    ASSERT_EQ(result->size(), 1U);
    EXPECT_EQ((*result)[0].type, row.type);
    EXPECT_EQ((*result)[0].data, event.data);
  } else {
    ASSERT_FALSE(result.ok()) << "accepted, expected " << row.rule;
    EXPECT_EQ(result.error().code, ErrorCode::conflict);
    EXPECT_EQ(result.error().rule, row.rule);
  }
}

// --- location ----------------------------------------------------------------------------

const char* const kOpened = R"({"name":"Hoofdlocatie","operator":"hvo-querido","beds":10})";

History opened() {
  return {{"LocationOpened", kOpened}};
}
History closed() {
  return {{"LocationOpened", kOpened}, {"LocationClosed"}};
}

struct LocationRow {
  Row row;
  std::int64_t occupied = 0;  // kept by the programme model; set on the folded state
};

TEST(LocationRules, OpenedFirstCapacityNotBelowOccupancyCloseWhenEmpty) {
  const std::vector<LocationRow> rows{
      {{"LocationOpened first", {}, "LocationOpened", kOpened, ""}},
      {{"LocationOpened with no beds",
        {},
        "LocationOpened",
        R"({"name":"n","operator":"o","beds":0})",
        ""}},
      {{"LocationOpened twice", opened(), "LocationOpened", kOpened, "location-opened-first"}},
      {{"LocationOpened after closing", closed(), "LocationOpened", kOpened,
        "location-opened-first"}},
      {{"LocationCapacityChanged first",
        {},
        "LocationCapacityChanged",
        R"({"beds":5})",
        "location-opened-first"}},
      {{"LocationClosed first", {}, "LocationClosed", "{}", "location-opened-first"}},
      {{"NeighbourhoodContactRecorded first",
        {},
        "NeighbourhoodContactRecorded",
        R"({"kind":"visit"})",
        "location-opened-first"}},
      {{"capacity up", opened(), "LocationCapacityChanged", R"({"beds":20})", ""}, 4},
      {{"capacity down to occupancy", opened(), "LocationCapacityChanged", R"({"beds":4})", ""}, 4},
      {{"capacity below occupancy", opened(), "LocationCapacityChanged", R"({"beds":3})",
        "capacity-below-occupancy"},
       4},
      {{"capacity 0 when empty", opened(), "LocationCapacityChanged", R"({"beds":0})", ""}, 0},
      {{"capacity 0 with one resident", opened(), "LocationCapacityChanged", R"({"beds":0})",
        "capacity-below-occupancy"},
       1},
      {{"capacity of a closed location", closed(), "LocationCapacityChanged", R"({"beds":5})",
        "location-not-open"}},
      {{"close when empty", opened(), "LocationClosed", "{}", ""}, 0},
      {{"close with one resident", opened(), "LocationClosed", "{}", "location-occupied"}, 1},
      {{"close with a full house", opened(), "LocationClosed", "{}", "location-occupied"}, 10},
      {{"close twice", closed(), "LocationClosed", "{}", "location-not-open"}},
      {{"neighbourhood contact", opened(), "NeighbourhoodContactRecorded",
        R"({"kind":"compliment"})", ""},
       3},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.row.name);
    LocationState state = fold<LocationState>(r.row.history);
    state.occupied = r.occupied;
    expect_decision(state, r.row);
  }
}

TEST(LocationRules, OccurredAtRules) {
  const LocationState state = fold<LocationState>(opened());  // opened at kT0
  const auto before = decide(state, make_event("LocationClosed", "{}", kT0 - 1), kT0);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().rule, "occurred-at-order");
  const auto ahead =
      decide(state, make_event("LocationClosed", "{}", kT0 + kMaxClockSkew + 1), kT0);
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.error().rule, "occurred-at-future");
  EXPECT_TRUE(decide(state, make_event("LocationClosed", "{}", kT0 + kMaxClockSkew), kT0).ok());
}

TEST(LocationEvolve, FoldsOpeningCapacityAndClosing) {
  LocationState s = fold<LocationState>(opened());
  EXPECT_TRUE(s.exists);
  EXPECT_TRUE(s.open);
  EXPECT_EQ(s.name, "Hoofdlocatie");
  EXPECT_EQ(s.operator_id, "hvo-querido");
  EXPECT_EQ(s.beds, 10);
  EXPECT_EQ(s.free_beds(), 10);
  s.occupied = 3;
  s = evolve(std::move(s), make_event("LocationCapacityChanged", R"({"beds":4})", kT0 + kMinute));
  EXPECT_EQ(s.beds, 4);
  EXPECT_EQ(s.occupied, 3);  // occupancy is the programme model's, evolve keeps it
  EXPECT_EQ(s.free_beds(), 1);
  s.occupied = 0;
  s = evolve(std::move(s), make_event("LocationClosed", "{}", kT0 + 2 * kMinute));
  EXPECT_TRUE(s.exists);
  EXPECT_FALSE(s.open);
  EXPECT_EQ(s.free_beds(), 0);
  EXPECT_EQ(s.version, 3U);
  EXPECT_EQ(s.last_occurred, kT0 + 2 * kMinute);
}

// --- activity ----------------------------------------------------------------------------

const char* const kScheduled =
    R"({"title":"Taalcafe","organisation":"boost","category":"language","startsAt":"2021-03-05T14:00:00Z","coDesigned":true})";
const char* const kHeld = R"({"residents":12,"volunteers":3,"neighbours":2})";

History scheduled() {
  return {{"ActivityScheduled", kScheduled}};
}
History held() {
  return {{"ActivityScheduled", kScheduled}, {"ActivityHeld", kHeld}};
}
History cancelled() {
  return {{"ActivityScheduled", kScheduled}, {"ActivityCancelled", "{}"}};
}

TEST(ActivityRules, ScheduledFirstHeldOnceCancelledOnlyBeforeHeld) {
  const std::vector<Row> rows{
      {"ActivityScheduled first", {}, "ActivityScheduled", kScheduled, ""},
      {"ActivityHeld first", {}, "ActivityHeld", kHeld, "activity-scheduled-first"},
      {"ActivityCancelled first", {}, "ActivityCancelled", "{}", "activity-scheduled-first"},
      {"ActivityScheduled twice", scheduled(), "ActivityScheduled", kScheduled,
       "activity-scheduled-first"},
      {"held after scheduled", scheduled(), "ActivityHeld", kHeld, ""},
      {"cancelled before held", scheduled(), "ActivityCancelled", R"({"reason":"rain"})", ""},
      {"held twice", held(), "ActivityHeld", kHeld, "activity-held-once"},
      {"cancelled after held", held(), "ActivityCancelled", "{}", "activity-held-once"},
      {"held after cancelled", cancelled(), "ActivityHeld", kHeld, "activity-cancelled"},
      {"cancelled twice", cancelled(), "ActivityCancelled", "{}", "activity-cancelled"},
      {"scheduled again after cancelled", cancelled(), "ActivityScheduled", kScheduled,
       "activity-scheduled-first"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    expect_decision(fold<ActivityState>(row.history), row);
  }
}

TEST(ActivityEvolve, FoldsScheduleHeldAndCancelled) {
  const ActivityState h = fold<ActivityState>(held());
  EXPECT_TRUE(h.scheduled);
  EXPECT_TRUE(h.held);
  EXPECT_FALSE(h.cancelled);
  EXPECT_EQ(h.category, ActivityCategory::language);
  EXPECT_EQ(h.organisation, "boost");
  EXPECT_TRUE(h.co_designed);
  EXPECT_EQ(h.version, 2U);
  const ActivityState c = fold<ActivityState>(cancelled());
  EXPECT_TRUE(c.cancelled);
  EXPECT_FALSE(c.held);
}

// --- programme ---------------------------------------------------------------------------

TEST(ProgrammeEvolve, CapacitySetReplacesTheDefaults) {
  const ProgrammeState defaults{};
  EXPECT_EQ(defaults.places, 500);
  EXPECT_EQ(defaults.lvv_places, 360);
  EXPECT_EQ(defaults.municipal_places(), 140);
  EXPECT_EQ(defaults.max_stay_months, 18);

  ProgrammeState s = initial_programme(100, 60, 12);
  EXPECT_EQ(s.places, 100);
  EXPECT_EQ(s.lvv_places, 60);
  EXPECT_EQ(s.municipal_places(), 40);
  EXPECT_EQ(s.max_stay_months, 12);
  EXPECT_EQ(s.version, 0U);

  const DomainEvent set =
      make_event("ProgrammeCapacitySet", R"({"places":3,"lvvPlaces":1,"maxStayMonths":24})", kT0);
  ASSERT_TRUE(decide(s, set, kT0).ok());
  s = evolve(std::move(s), set);
  EXPECT_EQ(s.places, 3);
  EXPECT_EQ(s.lvv_places, 1);
  EXPECT_EQ(s.municipal_places(), 2);
  EXPECT_EQ(s.max_stay_months, 24);
  EXPECT_EQ(s.version, 1U);
  EXPECT_EQ(s.last_occurred, kT0);

  const DomainEvent second =
      make_event("ProgrammeCapacitySet", R"({"places":500,"lvvPlaces":500,"maxStayMonths":18})",
                 kT0 + kMinute);
  s = evolve(std::move(s), second);
  EXPECT_EQ(s.municipal_places(), 0);
  EXPECT_EQ(s.version, 2U);

  const auto back = decide(
      s, make_event("ProgrammeCapacitySet", R"({"places":1,"lvvPlaces":0,"maxStayMonths":1})", kT0),
      kT0 + kMinute);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, ErrorCode::conflict);
  EXPECT_EQ(back.error().rule, "occurred-at-order");
}

// --- housing scope (authorization.hpp) ---------------------------------------------------

Actor housing(const std::string& organisation) {
  return Actor{"jan", organisation, Role::housing};
}
Actor regie() {
  return Actor{"anna", "regiegroep", Role::regie};
}

LocationState location_run_by(const std::string& organisation) {
  return fold<LocationState>(
      {{"LocationOpened", R"({"name":"L","operator":")" + organisation + R"(","beds":10})"}});
}

struct Scope {
  std::map<std::string, LocationState> locations{{"hvo-1", location_run_by("hvo-querido")},
                                                 {"hvo-2", location_run_by("hvo-querido")},
                                                 {"leger-1", location_run_by("leger-des-heils")}};
  LocationLookup lookup() const {
    return [this](const std::string& id) -> const LocationState* {
      const auto it = locations.find(id);
      return it == locations.end() ? nullptr : &it->second;
    };
  }
};

CaseState case_state(CaseStatus status, const std::string& location_id = "") {
  CaseState s;
  s.status = status;
  s.location_id = location_id;
  return s;
}

void expect_scope(const Status& s, bool allowed) {
  if (allowed) {
    EXPECT_TRUE(s.ok()) << s.error().message;
  } else {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::forbidden);
    EXPECT_EQ(s.error().rule, "");
  }
}

TEST(HousingScope, LocationEventsOnlyForItsOwnLocations) {
  const Scope scope;
  struct ScopeRow {
    std::string name;
    Actor actor;
    LocationState location;
    std::string type;
    std::string data;
    bool allowed;
  };
  const std::vector<ScopeRow> rows{
      {"opens a location it operates",
       housing("hvo-querido"),
       {},
       "LocationOpened",
       R"({"name":"n","operator":"hvo-querido","beds":4})",
       true},
      {"opens a location for another operator",
       housing("hvo-querido"),
       {},
       "LocationOpened",
       R"({"name":"n","operator":"leger-des-heils","beds":4})",
       false},
      {"changes capacity of its own location", housing("hvo-querido"), scope.locations.at("hvo-1"),
       "LocationCapacityChanged", R"({"beds":12})", true},
      {"changes capacity of another's location", housing("hvo-querido"),
       scope.locations.at("leger-1"), "LocationCapacityChanged", R"({"beds":12})", false},
      {"closes its own location", housing("leger-des-heils"), scope.locations.at("leger-1"),
       "LocationClosed", "{}", true},
      {"closes another's location", housing("leger-des-heils"), scope.locations.at("hvo-1"),
       "LocationClosed", "{}", false},
      {"records contact at another's location", housing("leger-des-heils"),
       scope.locations.at("hvo-2"), "NeighbourhoodContactRecorded", R"({"kind":"visit"})", false},
      {"regie on any location", regie(), scope.locations.at("leger-1"), "LocationCapacityChanged",
       R"({"beds":12})", true},
      {"regie opens for any operator",
       regie(),
       {},
       "LocationOpened",
       R"({"name":"n","operator":"leger-des-heils","beds":4})",
       true},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    expect_scope(
        authorize_location_event(row.actor, row.location, make_event(row.type, row.data, kT0)),
        row.allowed);
  }
}

TEST(HousingScope, CaseEventsOnlyForItsOwnLocationsAndResidents) {
  const Scope scope;
  const auto lookup = scope.lookup();
  struct ScopeRow {
    std::string name;
    Actor actor;
    CaseState state;
    std::string type;
    std::string data;
    bool allowed;
  };
  const Actor hvo = housing("hvo-querido");
  const std::string allowance = R"({"amountCents":5000,"period":"2021-03"})";
  const std::string end = R"({"outcome":"left_unknown"})";
  const std::vector<ScopeRow> rows{
      {"bed in its own location", hvo, case_state(CaseStatus::admitted), "BedAssigned",
       R"({"locationId":"hvo-1"})", true},
      {"bed in another's location", hvo, case_state(CaseStatus::admitted), "BedAssigned",
       R"({"locationId":"leger-1"})", false},
      {"bed in an unknown location", hvo, case_state(CaseStatus::admitted), "BedAssigned",
       R"({"locationId":"nowhere"})", false},
      {"transfer between its own locations", hvo, case_state(CaseStatus::housed, "hvo-1"),
       "Transferred", R"({"toLocationId":"hvo-2"})", true},
      {"transfer of its resident to another's location", hvo,
       case_state(CaseStatus::housed, "hvo-1"), "Transferred", R"({"toLocationId":"leger-1"})",
       false},
      {"transfer of another's resident to its location", hvo,
       case_state(CaseStatus::housed, "leger-1"), "Transferred", R"({"toLocationId":"hvo-1"})",
       false},
      {"allowance for its resident", hvo, case_state(CaseStatus::housed, "hvo-2"),
       "LivingAllowancePaid", allowance, true},
      {"allowance for another's resident", hvo, case_state(CaseStatus::housed, "leger-1"),
       "LivingAllowancePaid", allowance, false},
      {"allowance for a case waiting for a bed", hvo, case_state(CaseStatus::admitted),
       "LivingAllowancePaid", allowance, false},
      {"escalation for its resident", hvo, case_state(CaseStatus::housed, "hvo-1"),
       "EscalationRaised", R"({"escalationId":"e1","reason":"house_rules","level":"warning"})",
       true},
      {"escalation for another's resident", hvo, case_state(CaseStatus::housed, "leger-1"),
       "EscalationRaised", R"({"escalationId":"e1","reason":"house_rules","level":"warning"})",
       false},
      {"ends the stay of its resident", hvo, case_state(CaseStatus::housed, "hvo-1"), "StayEnded",
       end, true},
      {"ends the stay of another's resident", hvo, case_state(CaseStatus::housed, "leger-1"),
       "StayEnded", end, false},
      {"ends a stay that ended in its location", hvo, case_state(CaseStatus::ended, "hvo-1"),
       "StayEnded", end, false},
      {"regie anywhere", regie(), case_state(CaseStatus::housed, "leger-1"), "Transferred",
       R"({"toLocationId":"hvo-1"})", true},
      {"regie bed anywhere", regie(), case_state(CaseStatus::admitted), "BedAssigned",
       R"({"locationId":"leger-1"})", true},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    expect_scope(
        authorize_case_event(row.actor, row.state, make_event(row.type, row.data, kT0), lookup),
        row.allowed);
  }
}

TEST(HousingScope, ReadsCasesWaitingForABedOrHousedInItsLocations) {
  const Scope scope;
  const auto lookup = scope.lookup();
  struct ReadRow {
    std::string name;
    CaseState state;
    bool allowed;
  };
  const std::vector<ReadRow> rows{
      {"waiting for a bed (admitted)", case_state(CaseStatus::admitted), true},
      {"housed in its location", case_state(CaseStatus::housed, "hvo-2"), true},
      {"housed in another's location", case_state(CaseStatus::housed, "leger-1"), false},
      {"housed in an unknown location", case_state(CaseStatus::housed, "nowhere"), false},
      {"registered", case_state(CaseStatus::registered), false},
      {"intake completed", case_state(CaseStatus::intake_completed), false},
      {"waitlisted", case_state(CaseStatus::waitlisted), false},
      {"ended in its location", case_state(CaseStatus::ended, "hvo-1"), false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(housing_may_read_case("hvo-querido", row.state, lookup), row.allowed);
  }
}

// --- upcasters ---------------------------------------------------------------------------

TEST(Upcasters, TurnOlderShapesIntoTheCurrentOne) {
  struct UpcastRow {
    std::string type;
    int from;
    std::string data;
    int reached;
    std::string expected;
  };
  const std::vector<UpcastRow> rows{
      {"CaseRegistered", 0, R"({"name":"A B","birthDate":"1990-02-03"})", 1,
       R"({"person":{"name":"A B","dateOfBirth":"1990-02-03"}})"},
      {"CaseRegistered", 0, R"({"name":"A B"})", 1, R"({"person":{"name":"A B"}})"},
      {"CaseRegistered", 0,
       R"({"name":"A B","birthDate":"1990-02-03","nationality":"GH","referralSource":"church"})", 1,
       R"({"person":{"name":"A B","dateOfBirth":"1990-02-03","nationality":"GH"},"referralSource":"church"})"},
      {"StayEnded", 0, R"({"reason":"returned"})", 1, R"({"outcome":"independent_return"})"},
      {"StayEnded", 0, R"({"reason":"detention","notes":"n"})", 1,
       R"({"outcome":"detention","notes":"n"})"},
      {"IntakeCompleted", 0, R"({"eligible":true})", 1, R"({"eligible":true})"},  // unchanged type
      {"CaseRegistered", 1, R"({"person":{"name":"A B"}})", 1, R"({"person":{"name":"A B"}})"},
      {"StayEnded", 1, R"({"outcome":"other"})", 1, R"({"outcome":"other"})"},
      {"NoSuchType", 0, R"({"x":1})", 0, R"({"x":1})"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.type + " v" + std::to_string(row.from) + " " + row.data);
    boost::json::object data = boost::json::parse(row.data).as_object();
    EXPECT_EQ(upcast(row.type, row.from, data), row.reached);
    EXPECT_EQ(boost::json::value(data), boost::json::parse(row.expected))
        << boost::json::serialize(data);
  }
}

}  // namespace
}  // namespace perspectief
