// The feed index saved with a snapshot (under kFeedIndexName) and loaded with it: a snapshot
// whose feed index is missing, damaged or of another position is not used, so the read
// models and the index are folded again from the start, together.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "domain/programme.hpp"
#include "eventstore/clock.hpp"
#include "projections/case_files.hpp"
#include "projections/feed_index.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"
#include "projections/snapshot_store.hpp"
#include "tests/projections/append_event.hpp"
#include "tests/support/fake_event_store.hpp"
#include "tests/support/test_times.hpp"

namespace perspectief {
namespace {

using testing::kT0;
const ProgrammeState kDefaults = initial_programme(500, 360, 18);

// The read models and the feed index, as the server keeps them.
struct Models {
  Models() { files.observe(&feed); }
  CaseFiles files{kDefaults};
  History history{kDefaults.places, kDefaults.lvv_places, kDefaults.max_stay_months};
  FeedIndex feed;
  SnapshotModels snapshot() { return {files, history, &feed}; }
};

class FeedSnapshotTest : public ::testing::Test {
 protected:
  FeedSnapshotTest() {
    projector_.add(live_.files);
    projector_.add(live_.history);
    EXPECT_TRUE(projector_.start().ok());
  }

  void add(const std::string& stream, const std::string& type, const std::string& data) {
    testing::append_event(store_, stream, type, data, kT0 + ++appended_ * kMicrosPerSecond);
  }

  // A housing organisation's location and a case housed in it: 5 events.
  void house_a_case() {
    add("location-loc-a", "LocationOpened", R"({"name":"L","operator":"org-a","beds":4})");
    add("case-c1", "CaseRegistered", R"({"person":{"name":"P"}})");
    add("case-c1", "IntakeCompleted", R"({"eligible":true})");
    add("case-c1", "PlacementDecided", R"({"decision":"admitted","funding":"municipal"})");
    add("case-c1", "BedAssigned", R"({"locationId":"loc-a"})");
  }

  std::uint64_t save() {
    auto saved = save_snapshot(store_, projector_, live_.snapshot(), kDefaults);
    EXPECT_TRUE(saved.ok());
    return saved.ok() ? *saved : 0;
  }

  ManualClock clock_{kT0};
  testing::FakeEventStore store_{clock_};
  Models live_;
  Projector projector_{store_};
  std::int64_t appended_ = 0;
};

TEST_F(FeedSnapshotTest, TheFeedIndexLoadsWithTheSnapshot) {
  house_a_case();
  ASSERT_EQ(save(), 5U);
  EXPECT_EQ(*store_.get_checkpoint(kFeedIndexName), live_.feed.encode());

  Models loaded;
  EXPECT_EQ(load_snapshot(store_, kDefaults, loaded.snapshot()), 5U);
  EXPECT_EQ(loaded.feed.size(), 5U);
  EXPECT_EQ(loaded.feed.encode(), live_.feed.encode());
  EXPECT_EQ(loaded.feed.organisation("org-a"), live_.feed.organisation("org-a"));
  EXPECT_TRUE(loaded.files.get("c1").has_value());
}

TEST_F(FeedSnapshotTest, WithoutAFeedIndexTheSnapshotLoadsAsBefore) {
  house_a_case();
  ASSERT_EQ(save(), 5U);
  Models loaded;
  EXPECT_EQ(load_snapshot(store_, kDefaults, {loaded.files, loaded.history, nullptr}), 5U);
  EXPECT_EQ(loaded.feed.size(), 0U);
}

TEST_F(FeedSnapshotTest, ADamagedFeedIndexMeansFoldingFromTheStart) {
  house_a_case();
  ASSERT_EQ(save(), 5U);
  const std::string good = *store_.get_checkpoint(kFeedIndexName);
  for (const std::string& bytes : {std::string{}, good.substr(0, good.size() - 1), good + "x"}) {
    SCOPED_TRACE(bytes.size());
    ASSERT_TRUE(store_.put_checkpoint(kFeedIndexName, bytes).ok());
    Models loaded;
    EXPECT_EQ(load_snapshot(store_, kDefaults, loaded.snapshot()), 0U);
    EXPECT_EQ(loaded.feed.size(), 0U);
    EXPECT_FALSE(loaded.files.get("c1").has_value());
  }
}

TEST_F(FeedSnapshotTest, AFeedIndexOfAnotherPositionMeansFoldingFromTheStart) {
  house_a_case();
  ASSERT_EQ(save(), 5U);
  const std::string at_five = *store_.get_checkpoint(kFeedIndexName);
  add("case-c1", "StayEnded", R"({"outcome":"other"})");
  // The index of a later moment beside the snapshot at 5 (a save cut short between the two).
  ASSERT_TRUE(store_.put_checkpoint(kFeedIndexName, live_.feed.encode()).ok());
  Models loaded;
  EXPECT_EQ(load_snapshot(store_, kDefaults, loaded.snapshot()), 0U);
  EXPECT_EQ(loaded.feed.size(), 0U);

  // Saved again at 6, both agree; the old index beside it is refused again.
  ASSERT_EQ(save(), 6U);
  Models at_six;
  EXPECT_EQ(load_snapshot(store_, kDefaults, at_six.snapshot()), 6U);
  EXPECT_EQ(at_six.feed.size(), 6U);
  ASSERT_TRUE(store_.put_checkpoint(kFeedIndexName, at_five).ok());
  Models stale;
  EXPECT_EQ(load_snapshot(store_, kDefaults, stale.snapshot()), 0U);
  EXPECT_EQ(stale.feed.size(), 0U);
}

}  // namespace
}  // namespace perspectief
