#include "projections/feed_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/programme.hpp"
#include "domain/role.hpp"
#include "eventstore/clock.hpp"
#include "projections/case_files.hpp"
#include "projections/feed_scope.hpp"
#include "tests/projections/append_event.hpp"
#include "tests/support/fake_event_store.hpp"
#include "tests/support/test_times.hpp"

// The feed index (spec/integrations.md, "Scoped feed"): what the read side's fold records of
// each event, who may see it, its snapshot bytes, and the pages read through it. Every test
// runs over real envelopes: appended to a FakeEventStore, read back and folded by CaseFiles
// with the index observing.

namespace perspectief {
namespace {

using Positions = std::vector<std::uint64_t>;

using testing::kT0;

// The log of every test: two housing organisations, one case through its whole stay, an
// activity, the programme, and a stream of no kind of the programme.
//   1 location-loc-a LocationOpened (org-a)    7 case-c1 Transferred to loc-b (org-a -> org-b)
//   2 location-loc-b LocationOpened (org-b)    8 case-c1 StayEnded (org-b -> none)
//   3 case-c1 CaseRegistered                   9 activity-a1 ActivityScheduled
//   4 case-c1 IntakeCompleted                 10 programme ProgrammeCapacitySet
//   5 case-c1 PlacementDecided (waiting)      11 misc-x Noted (no stream of the programme)
//   6 case-c1 BedAssigned loc-a (org-a)
class FeedIndexTest : public ::testing::Test {
 protected:
  FeedIndexTest() { files_.observe(&index_); }

  void add(const std::string& stream, const std::string& type, const std::string& data) {
    files_.apply(
        testing::append_event(store_, stream, type, data, kT0 + ++appended_ * kMicrosPerSecond));
  }

  void open_location(const std::string& id, const std::string& op) {
    add("location-" + id, "LocationOpened", R"({"name":"L","operator":")" + op + R"(","beds":4})");
  }

  void fold_the_stay() {
    open_location("loc-a", "org-a");
    open_location("loc-b", "org-b");
    add("case-c1", "CaseRegistered", R"({"person":{"name":"P"}})");
    add("case-c1", "IntakeCompleted", R"({"eligible":true})");
    add("case-c1", "PlacementDecided", R"({"decision":"admitted","funding":"municipal"})");
    add("case-c1", "BedAssigned", R"({"locationId":"loc-a"})");
    add("case-c1", "Transferred", R"({"toLocationId":"loc-b"})");
    add("case-c1", "StayEnded", R"({"outcome":"other"})");
    add("activity-a1", "ActivityScheduled",
        R"({"title":"t","organisation":"boost","category":"sport","startsAt":"2021-03-05T10:00:00Z"})");
    add("programme", "ProgrammeCapacitySet", R"({"places":5,"lvvPlaces":2,"maxStayMonths":12})");
    add("misc-x", "Noted", "{}");
  }

  // The positions `scope` sees, by the index alone.
  Positions visible(const FeedScope& scope) const {
    Positions out;
    for (std::uint64_t p = 1; p <= index_.size(); ++p) {
      if (scope.visible(index_.at(p))) out.push_back(p);
    }
    return out;
  }

  FeedScope scope(Role role, const std::string& organisation = "", FeedFilter filter = {}) const {
    return FeedScope{index_, role, organisation, filter};
  }

  static FeedFilter filter(const std::vector<std::string_view>& categories,
                           const std::vector<std::string_view>& types) {
    auto f = feed_filter(categories, types);
    EXPECT_TRUE(f.ok());
    return f.ok() ? *f : FeedFilter{};
  }

  std::uint16_t org(std::string_view id) const {
    const auto o = index_.organisation(id);
    EXPECT_TRUE(o.has_value()) << id;
    return o.value_or(0);
  }

  ManualClock clock_{kT0};
  testing::FakeEventStore store_{clock_};
  FeedIndex index_;
  CaseFiles files_{initial_programme(500, 360, 18)};
  std::int64_t appended_ = 0;
};

struct Expected {
  std::uint64_t position;
  std::optional<StreamKind> kind;
  std::string_view type;
  std::string_view after;  // "" none, "*" every housing organisation, else its id
  std::string_view before;
};

TEST_F(FeedIndexTest, RecordsKindTypeAndHousingOfEveryFoldedEvent) {
  fold_the_stay();
  ASSERT_EQ(index_.size(), 11U);
  const std::vector<Expected> rows{
      {1, StreamKind::location, "LocationOpened", "org-a", ""},
      {2, StreamKind::location, "LocationOpened", "org-b", ""},
      {3, StreamKind::case_file, "CaseRegistered", "", ""},
      {4, StreamKind::case_file, "IntakeCompleted", "", ""},
      {5, StreamKind::case_file, "PlacementDecided", "*", ""},
      {6, StreamKind::case_file, "BedAssigned", "org-a", ""},
      {7, StreamKind::case_file, "Transferred", "org-b", "org-a"},
      {8, StreamKind::case_file, "StayEnded", "", "org-b"},
      {9, StreamKind::activity, "ActivityScheduled", "", ""},
      {10, StreamKind::programme, "ProgrammeCapacitySet", "", ""},
      {11, std::nullopt, "", "", ""},
  };
  const auto id = [this](std::string_view o) -> std::uint16_t {
    if (o.empty()) return FeedIndex::kNoHousing;
    return o == "*" ? FeedIndex::kEveryHousing : org(o);
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.position);
    const FeedEntry e = index_.at(row.position);
    EXPECT_EQ(e.stream_kind(), row.kind);
    EXPECT_EQ(e.type, feed_type_code(row.type));
    if (!row.type.empty()) {
      EXPECT_EQ(feed_event_types().at(e.type - 1), row.type);
    }
    EXPECT_EQ(e.housing_after, id(row.after));
    EXPECT_EQ(e.housing_before, id(row.before));
  }
  EXPECT_NE(org("org-a"), org("org-b"));
  EXPECT_FALSE(index_.organisation("org-c").has_value());
}

TEST(FeedEventTypes, EveryCatalogueTypeOnceWithItsCode) {
  const auto& types = feed_event_types();
  ASSERT_EQ(types.size(), 25U);
  EXPECT_EQ(std::set<std::string_view>(types.begin(), types.end()).size(), types.size());
  for (std::size_t i = 0; i < types.size(); ++i) EXPECT_EQ(feed_type_code(types[i]), i + 1);
  EXPECT_EQ(feed_type_code("Noted"), 0);
  EXPECT_EQ(feed_type_code(""), 0);
  EXPECT_EQ(feed_type_code("bedassigned"), 0);
}

TEST_F(FeedIndexTest, EachRoleSeesItsStreamsAndHousingItsOwnCases) {
  fold_the_stay();
  struct Row {
    Role role;
    std::string organisation;
    Positions seen;
  };
  const std::vector<Row> rows{
      {Role::intake, "gemeente", {1, 2, 3, 4, 5, 6, 7, 8, 10}},
      {Role::housing, "org-a", {1, 5, 6, 7, 10}},
      {Role::housing, "org-b", {2, 5, 7, 8, 10}},
      // An organisation with no location sees only the waiting case (and the programme).
      {Role::housing, "org-c", {5, 10}},
      {Role::legal, "legal-aid", {3, 4, 5, 6, 7, 8, 10}},
      {Role::return_support, "return-aid", {3, 4, 5, 6, 7, 8, 10}},
      {Role::participation, "boost", {3, 4, 5, 6, 7, 8, 9, 10}},
      {Role::regie, "regiegroep", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      {Role::researcher, "uni", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      {Role::ops, "beheer", {}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(std::string{to_string(row.role)} + " " + row.organisation);
    EXPECT_EQ(visible(scope(row.role, row.organisation)), row.seen);
  }
}

TEST_F(FeedIndexTest, FiltersNarrowTheRoleAndCombineWithAnd) {
  fold_the_stay();
  struct Row {
    std::string name;
    Role role;
    std::string organisation;
    FeedFilter filter;
    Positions seen;
  };
  const std::vector<Row> rows{
      {"regie, cases", Role::regie, "", filter({"case"}, {}), {3, 4, 5, 6, 7, 8}},
      {"regie, two types", Role::regie, "", filter({}, {"BedAssigned", "StayEnded"}), {6, 8}},
      {"regie, location and case types",
       Role::regie,
       "",
       filter({"case", "location"}, {"LocationOpened", "StayEnded"}),
       {1, 2, 8}},
      {"regie, categories and types that never meet",
       Role::regie,
       "",
       filter({"location"}, {"BedAssigned"}),
       {}},
      {"regie, activity and programme",
       Role::regie,
       "",
       filter({"activity", "programme"}, {}),
       {9, 10}},
      {"legal, a category its role lacks",
       Role::legal,
       "",
       filter({"location", "activity"}, {}),
       {}},
      {"housing org-a, StayEnded elsewhere", Role::housing, "org-a", filter({}, {"StayEnded"}), {}},
      {"housing org-b, its StayEnded", Role::housing, "org-b", filter({}, {"StayEnded"}), {8}},
      {"housing org-c, locations", Role::housing, "org-c", filter({"location"}, {}), {}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(visible(scope(row.role, row.organisation, row.filter)), row.seen);
  }
}

TEST(FeedFilterNames, ParsesAndNamesBack) {
  auto f = feed_filter({"programme", "case"}, {"StayEnded", "BedAssigned"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(filter_categories(*f), (std::vector<std::string_view>{"case", "programme"}));
  EXPECT_EQ(filter_types(*f), (std::vector<std::string_view>{"BedAssigned", "StayEnded"}));
  EXPECT_TRUE(filter_categories(FeedFilter{}).empty());
  EXPECT_TRUE(filter_types(FeedFilter{}).empty());
  EXPECT_EQ(*feed_filter({}, {}), FeedFilter{});
}

TEST(FeedFilterNames, RefusesUnknownNamesNamingTheField) {
  struct Row {
    std::vector<std::string_view> categories;
    std::vector<std::string_view> types;
    FieldError field;
  };
  const std::vector<Row> rows{
      {{"case", "cases"}, {}, {"categories", "unknown category cases"}},
      {{""}, {}, {"categories", "unknown category"}},
      {{"case_file"}, {}, {"categories", "unknown category case_file"}},
      {{}, {"BedAssigned", "Bed Assigned"}, {"types", "unknown event type"}},
      {{}, {"bedassigned"}, {"types", "unknown event type bedassigned"}},
      {{"nope"}, {"nope"}, {"categories", "unknown category nope"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.field.message);
    auto f = feed_filter(row.categories, row.types);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, ErrorCode::invalid);
    EXPECT_EQ(f.error().fields, std::vector<FieldError>{row.field});
  }
}

// --- snapshot bytes

void expect_same_entries(const FeedIndex& a, const FeedIndex& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::uint64_t p = 1; p <= a.size(); ++p) {
    SCOPED_TRACE(p);
    EXPECT_EQ(a.at(p).kind, b.at(p).kind);
    EXPECT_EQ(a.at(p).type, b.at(p).type);
    EXPECT_EQ(a.at(p).housing_after, b.at(p).housing_after);
    EXPECT_EQ(a.at(p).housing_before, b.at(p).housing_before);
  }
}

TEST_F(FeedIndexTest, EncodeDecodeRoundTrip) {
  fold_the_stay();
  FeedIndex copy;
  ASSERT_TRUE(copy.decode(index_.encode(), index_.size()));
  expect_same_entries(index_, copy);
  EXPECT_EQ(copy.organisation("org-a"), index_.organisation("org-a"));
  EXPECT_EQ(copy.organisation("org-b"), index_.organisation("org-b"));
  EXPECT_FALSE(copy.organisation("org-c").has_value());
  EXPECT_FALSE(copy.organisation("*").has_value());
  EXPECT_EQ(visible(FeedScope{copy, Role::housing, "org-a", {}}),
            visible(scope(Role::housing, "org-a")));
  EXPECT_EQ(copy.encode(), index_.encode());

  FeedIndex empty;
  FeedIndex empty_copy;
  ASSERT_TRUE(empty_copy.decode(empty.encode(), 0));
  EXPECT_EQ(empty_copy.size(), 0U);
}

TEST_F(FeedIndexTest, DecodeRefusesDamagedOrForeignBytesAndLeavesTheIndexEmpty) {
  fold_the_stay();
  const std::string bytes = index_.encode();
  constexpr std::size_t kEntry = sizeof(FeedEntry);
  ASSERT_EQ(kEntry, 6U);
  std::string other_format = bytes;
  other_format[0] = 2;
  std::string out_of_range_after = bytes;  // the last entry's housing_after
  out_of_range_after[bytes.size() - 4] = '\x40';
  std::string out_of_range_before = bytes;  // the last entry's housing_before
  out_of_range_before[bytes.size() - 1] = '\x01';
  struct Row {
    std::string name;
    std::string bytes;
    std::uint64_t positions;
  };
  const std::vector<Row> rows{
      {"one position more", bytes, 12},
      {"one position fewer", bytes, 10},
      {"empty", "", 11},
      {"cut short by a byte", bytes.substr(0, bytes.size() - 1), 11},
      {"cut short by an entry", bytes.substr(0, bytes.size() - kEntry), 11},
      {"a byte too many", bytes + "x", 11},
      {"another format", other_format, 11},
      {"an organisation id out of range after", out_of_range_after, 11},
      {"an organisation id out of range before", out_of_range_before, 11},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    FeedIndex copy;
    EXPECT_FALSE(copy.decode(row.bytes, row.positions));
    EXPECT_EQ(copy.size(), 0U);
    EXPECT_FALSE(copy.organisation("org-a").has_value());
  }
}

TEST_F(FeedIndexTest, DecodeRefusesAnIndexThatHoldsEntries) {
  fold_the_stay();
  const std::string before = index_.encode();
  EXPECT_FALSE(index_.decode(before, index_.size()));
  EXPECT_EQ(index_.size(), 11U);
  EXPECT_EQ(index_.encode(), before);
}

// A stream kind byte beyond StreamKind would make FeedScope::visible shift by it.
TEST_F(FeedIndexTest, DecodeRefusesAStreamKindOutOfRange) {
  fold_the_stay();
  std::string bytes = index_.encode();
  bytes[bytes.size() - sizeof(FeedEntry)] = '\x63';  // the last entry's kind
  FeedIndex copy;
  EXPECT_FALSE(copy.decode(bytes, index_.size()));
}

// --- pages

class ReadFeedTest : public FeedIndexTest {
 protected:
  // org-a's location opened; then `n` events, one in every `stride` an org-a event (a
  // location event of loc-a), the rest org-b's (loc-b). Returns org-a's positions.
  Positions sparse(int n, int stride) {
    open_location("loc-a", "org-a");
    open_location("loc-b", "org-b");
    Positions mine{1};
    for (int i = 1; i <= n; ++i) {
      const bool a = i % stride == 0;
      add(a ? "location-loc-a" : "location-loc-b", "LocationCapacityChanged",
          R"({"beds":)" + std::to_string(4 + i) + "}");
      if (a) mine.push_back(index_.size());
    }
    return mine;
  }

  static Positions positions(const FeedPage& page) {
    Positions out;
    for (const auto& e : page.events) out.push_back(e.position);
    return out;
  }
};

TEST_F(ReadFeedTest, ReadsSparsePositionsWithTheirOwnEvents) {
  // org-a's gaps: 6, then 5s, then 1, 3 and 4 (at most kSpanPerEvent: read as one span).
  const Positions mine = sparse(40, 5);  // 1, 7, 12, ..., 42
  for (const bool a : {true, false, false, true, false, false, false, true}) {
    add(a ? "location-loc-a" : "location-loc-b", "LocationCapacityChanged",
        R"({"beds":)" + std::to_string(index_.size()) + "}");
  }
  Positions expected = mine;
  expected.insert(expected.end(), {43, 46, 50});
  const auto page = read_feed(store_, index_, scope(Role::housing, "org-a"), 0, 1000);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(positions(*page), expected);
  EXPECT_EQ(page->next, 50U);
  for (const auto& e : page->events) EXPECT_EQ(e.stream, "location-loc-a") << e.position;
  EXPECT_EQ(page->events.back().data.at("beds").as_int64(), 49);
}

TEST_F(ReadFeedTest, LimitEndsThePageAtTheLastEventReturned) {
  const Positions mine = sparse(30, 3);  // org-a: 1, 5, 8, 11, ...
  const auto page = read_feed(store_, index_, scope(Role::housing, "org-a"), 0, 3);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(positions(*page), (Positions{mine[0], mine[1], mine[2]}));
  EXPECT_EQ(page->next, mine[2]);

  const auto rest = read_feed(store_, index_, scope(Role::housing, "org-a"), page->next, 1000);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(positions(*rest), Positions(mine.begin() + 3, mine.end()));
  EXPECT_EQ(rest->next, index_.size());  // every position examined
}

TEST_F(ReadFeedTest, NextIsTheLastPositionExaminedPastInvisibleOnes) {
  sparse(10, 100);  // org-a: only position 1
  const auto page = read_feed(store_, index_, scope(Role::housing, "org-a"), 1, 1000);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->events.empty());
  EXPECT_EQ(page->next, 12U);
  const auto at_end = read_feed(store_, index_, scope(Role::housing, "org-a"), 12, 1000);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->events.empty());
  EXPECT_EQ(at_end->next, 12U);
}

TEST_F(ReadFeedTest, ScanLimitCutsTheExaminedPositions) {
  const Positions mine = sparse(30, 10);  // org-a: 1, 12, 22, 32
  FeedBounds bounds;
  bounds.scan_limit = 15;
  const auto first = read_feed(store_, index_, scope(Role::housing, "org-a"), 1, bounds);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(positions(*first), (Positions{12}));
  EXPECT_EQ(first->next, 16U);
  const auto second = read_feed(store_, index_, scope(Role::housing, "org-a"), 16, bounds);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(positions(*second), (Positions{22}));
  EXPECT_EQ(second->next, 31U);
  ASSERT_EQ(mine, (Positions{1, 12, 22, 32}));
}

TEST_F(ReadFeedTest, UntilBoundsTheExaminedPositions) {
  sparse(30, 10);  // org-a: 1, 12, 22, 32
  FeedBounds bounds;
  bounds.until = 22;
  const auto page = read_feed(store_, index_, scope(Role::housing, "org-a"), 0, bounds);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(positions(*page), (Positions{1, 12, 22}));
  EXPECT_EQ(page->next, 22U);
  bounds.until = 21;
  const auto before = read_feed(store_, index_, scope(Role::housing, "org-a"), 12, bounds);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->events.empty());
  EXPECT_EQ(before->next, 21U);
  // `until` before `after`: nothing examined.
  bounds.until = 5;
  const auto behind = read_feed(store_, index_, scope(Role::housing, "org-a"), 12, bounds);
  ASSERT_TRUE(behind.ok());
  EXPECT_TRUE(behind->events.empty());
  EXPECT_EQ(behind->next, 12U);
}

// A page read with a scope made just before the housing organisation's first location was
// folded (a request racing the projector): the scope knows no such organisation, yet the
// index it reads already holds the location. Disabled until FeedScope bounds what it
// examines by the index size it saw before resolving the organisation: today the event is
// skipped and `next` passes it, so this reader never sees it.
TEST_F(ReadFeedTest, AScopeMadeBeforeTheFirstLocationOfItsOrganisationSkipsNothing) {
  open_location("loc-b", "org-b");
  const FeedScope early = scope(Role::housing, "org-a");
  open_location("loc-a", "org-a");  // position 2, folded meanwhile
  const auto page = read_feed(store_, index_, early, 0, 1000);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(positions(*page) == Positions{2} || page->next < 2)
      << "next " << page->next << ", " << page->events.size() << " events";
}

TEST_F(ReadFeedTest, ALogBehindTheIndexIsUnavailable) {
  fold_the_stay();
  testing::FakeEventStore shorter{clock_};
  const auto page = read_feed(shorter, index_, scope(Role::regie), 0, 1000);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::unavailable);
  EXPECT_EQ(page.error().message, "the log is behind the feed index");
}

TEST_F(FeedIndexTest, CountVisibleCountsAfterAPosition) {
  fold_the_stay();
  EXPECT_EQ(count_visible(index_, scope(Role::regie), 0), 11U);
  EXPECT_EQ(count_visible(index_, scope(Role::housing, "org-a"), 0), 5U);
  EXPECT_EQ(count_visible(index_, scope(Role::housing, "org-a"), 6), 2U);  // 7, 10
  EXPECT_EQ(count_visible(index_, scope(Role::housing, "org-c"), 5), 1U);  // 10
  EXPECT_EQ(count_visible(index_, scope(Role::ops), 0), 0U);
  EXPECT_EQ(count_visible(index_, scope(Role::regie, "", filter({"case"}, {})), 4), 4U);
  EXPECT_EQ(count_visible(index_, scope(Role::regie), 11), 0U);
}

}  // namespace
}  // namespace perspectief
