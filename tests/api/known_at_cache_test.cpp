// The known-at machinery over a store in memory: recorded_by finds the last position recorded
// by a time; catch_up settles a cut only once an event after it is folded and folds the
// shorter side of it; KnownAtCache keeps the last few entries and none over its budget.
#include "api/known_at_cache.hpp"

#include <gtest/gtest.h>

#include "projections/known_at.hpp"
#include "tests/support/fake_event_store.hpp"

namespace perspectief::api {
namespace {

using perspectief::testing::FakeEventStore;

constexpr CapacityFacts kDefaults{0, 500, 360, 18};

// One event of programme capacity at the clock's time; the clock then moves 1,000 us on.
void append_at(FakeEventStore& store, ManualClock& clock, int places) {
  AppendRequest r;
  r.stream = "programme";
  NewEvent e;
  e.event_id = "00000000-0000-4000-8000-00000000000" + std::to_string(places % 10);
  e.type = "ProgrammeCapacitySet";
  e.data = {{"places", places}, {"lvvPlaces", 1}, {"maxStayMonths", 18}};
  r.events.push_back(std::move(e));
  ASSERT_TRUE(store.append_sync(std::move(r)).ok());
  clock.advance(1000);
}

TEST(KnownAtCut, RecordedByIsTheLastPositionRecordedByThen) {
  ManualClock clock{1000};
  FakeEventStore store{clock};
  for (int i = 1; i <= 3; ++i) append_at(store, clock, i);  // recorded at 1000, 2000, 3000
  EXPECT_EQ(recorded_by(store, 999, 3).value(), 0U);
  EXPECT_EQ(recorded_by(store, 1000, 3).value(), 1U);
  EXPECT_EQ(recorded_by(store, 2999, 3).value(), 2U);
  EXPECT_EQ(recorded_by(store, 9000, 3).value(), 3U);
  EXPECT_EQ(recorded_by(store, 9000, 2).value(), 2U);  // only up to `upto`
}

TEST(KnownAtCut, ACutSettlesOnceAnEventAfterItIsFoldedAndTheShorterSideIsKept) {
  ManualClock clock{1000};
  FakeEventStore store{clock};
  for (int i = 1; i <= 3; ++i) append_at(store, clock, i);

  LateEvents recent;  // knownAt after every event so far
  ASSERT_TRUE(catch_up(recent, store, 5000, 3, kDefaults).ok());
  EXPECT_FALSE(recent.settled);
  EXPECT_EQ(recent.cut, 3U);
  append_at(store, clock, 4);  // recorded at 4000: still by 5000
  ASSERT_TRUE(catch_up(recent, store, 5000, 4, kDefaults).ok());
  EXPECT_FALSE(recent.settled);
  EXPECT_EQ(recent.cut, 4U);
  clock.set(6000);
  append_at(store, clock, 5);  // recorded at 6000: after 5000, so the cut is final
  ASSERT_TRUE(catch_up(recent, store, 5000, 5, kDefaults).ok());
  EXPECT_TRUE(recent.settled);
  EXPECT_FALSE(recent.forward);  // 4 events up to the cut, 1 after it: the one after
  EXPECT_EQ(recent.cut, 4U);
  EXPECT_EQ(recent.events.position(), 5U);
  EXPECT_EQ(recent.size(), 1U);
  append_at(store, clock, 6);
  ASSERT_TRUE(catch_up(recent, store, 5000, 6, kDefaults).ok());
  EXPECT_EQ(recent.cut, 4U);
  EXPECT_EQ(recent.size(), 2U);

  LateEvents early;  // knownAt after the first event only
  ASSERT_TRUE(catch_up(early, store, 1500, 6, kDefaults).ok());
  EXPECT_TRUE(early.settled);
  EXPECT_TRUE(early.forward);  // 1 event up to the cut, 5 after it: the one up to it
  EXPECT_EQ(early.cut, 1U);
  EXPECT_EQ(early.events.position(), 1U);
  EXPECT_EQ(early.size(), 1U);
  // The History of the events up to the cut starts from the configured capacity.
  EXPECT_EQ(early.events.capacity().front().places, 500);
  EXPECT_EQ(early.events.capacity().back().places, 1);
}

TEST(KnownAtCut, KeepForwardHoldsTheEventsUpToTheCutFromThenOn) {
  ManualClock clock{1000};
  FakeEventStore store{clock};
  for (int i = 1; i <= 5; ++i) append_at(store, clock, i);  // recorded at 1000 ... 5000

  LateEvents unsettled;  // nothing after the cut yet: left as it is
  ASSERT_TRUE(catch_up(unsettled, store, 9000, 5, kDefaults).ok());
  ASSERT_TRUE(keep_forward(unsettled, store, kDefaults).ok());
  EXPECT_FALSE(unsettled.settled);
  EXPECT_FALSE(unsettled.forward);

  LateEvents late;  // knownAt 4500: 4 events up to the cut, 1 after it
  ASSERT_TRUE(catch_up(late, store, 4500, 5, kDefaults).ok());
  ASSERT_TRUE(late.settled);
  ASSERT_FALSE(late.forward);
  ASSERT_TRUE(keep_forward(late, store, kDefaults).ok());
  EXPECT_TRUE(late.forward);
  EXPECT_EQ(late.cut, 4U);
  EXPECT_EQ(late.events.position(), 4U);
  EXPECT_EQ(late.size(), 4U);
  EXPECT_EQ(late.events.capacity().front().places, 500);  // from the configured defaults
  EXPECT_EQ(late.events.capacity().back().places, 4);     // the last event up to the cut
  // Later events change nothing any more.
  append_at(store, clock, 6);
  ASSERT_TRUE(catch_up(late, store, 4500, 6, kDefaults).ok());
  EXPECT_EQ(late.events.position(), 4U);
  EXPECT_EQ(late.size(), 4U);
}

TEST(KnownAtCache, KeepsTheLastFewAndNoneOverItsBudget) {
  KnownAtCache cache{2, 3};
  const auto a = cache.entry(1);
  const auto b = cache.entry(2);
  EXPECT_EQ(cache.entry(1), a);  // kept; now the most recently used
  EXPECT_NE(cache.entry(3), a);  // a third one drops the least recently used, 2
  EXPECT_NE(cache.entry(2), b);
  const auto big = cache.entry(7);
  big->settled = true;
  big->forward = true;
  big->cut = 4;  // 4 events: over the budget of 3
  cache.trim(7, *big);
  EXPECT_NE(cache.entry(7), big);
  const auto small = cache.entry(8);
  small->settled = true;
  small->forward = true;
  small->cut = 3;
  cache.trim(8, *small);
  EXPECT_EQ(cache.entry(8), small);
}

}  // namespace
}  // namespace perspectief::api
