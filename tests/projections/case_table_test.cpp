#include "projections/case_table.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>

#include "projections/page_fold.hpp"

namespace perspectief {
namespace {

using Ordered = CaseTable<std::map<std::string, int>>;
using Unordered = CaseTable<std::deque<std::pair<std::string, int>>>;

template <class Table>
void fill(Table& t, int n) {
  for (int i = 0; i < n; ++i) t["c-" + std::to_string(i)] = i;
}

TEST(CaseTable, FindsWhatWasAddedAndNothingElse) {
  Unordered t;
  EXPECT_EQ(t.find("c-0"), nullptr);  // empty: no index yet
  fill(t, 10000);                     // grows the index many times
  ASSERT_EQ(t.size(), 10000u);
  for (int i = 0; i < 10000; ++i) {
    const int* v = t.find("c-" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(*v, i);
  }
  EXPECT_EQ(t.find("c-10000"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(t.find("c-1 "), nullptr);
}

TEST(CaseTable, OperatorBracketMakesOnceThenReturnsTheSameEntry) {
  Ordered t;
  t["b"] = 2;
  t["a"] = 1;
  int& b = t["b"];
  b = 20;
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(*t.find("b"), 20);
  EXPECT_EQ(&t["b"], &b);  // the entry did not move
}

TEST(CaseTable, MapStorageListsInIdOrderDequeInOrderOfFirstSight) {
  Ordered o;
  Unordered u;
  for (const char* id : {"m", "c", "x", "a"}) {
    o[id] = 1;
    u[id] = 1;
  }
  std::string order;
  for (const auto& [id, v] : o.entries()) order += id;
  EXPECT_EQ(order, "acmx");
  order.clear();
  for (const auto& [id, v] : u.entries()) order += id;
  EXPECT_EQ(order, "mcxa");
}

TEST(CaseTable, CopyHasItsOwnIndexAndMoveKeepsTheEntries) {
  Ordered a;
  fill(a, 1000);
  Ordered copy = a;
  copy["c-1"] = -1;
  EXPECT_EQ(*a.find("c-1"), 1);  // the copy's index points into the copy
  EXPECT_EQ(*copy.find("c-1"), -1);

  Ordered assigned;
  assigned["other"] = 5;
  assigned = copy;
  EXPECT_EQ(assigned.find("other"), nullptr);
  EXPECT_EQ(*assigned.find("c-1"), -1);
  EXPECT_EQ(assigned.size(), 1000u);

  const int* before = copy.find("c-999");
  Ordered moved = std::move(copy);
  EXPECT_EQ(moved.find("c-999"), before);  // same node
  EXPECT_EQ(moved.size(), 1000u);
}

TEST(CaseTable, ARepeatedIdKeepsItsFirstValueOnce) {
  Unordered u;
  u.add("a", 1);
  u.add("b", 2);
  u.add("a", 3);  // a damaged snapshot
  EXPECT_EQ(u.size(), 2u);
  EXPECT_EQ(*u.find("a"), 1);
  Ordered o;
  o.add("a", 1);
  o.add("a", 3);
  EXPECT_EQ(o.size(), 1u);
  EXPECT_EQ(*o.find("a"), 1);
}

TEST(CaseTable, AMovedFromTableCanBeFilledAgainAndADequeTableCopied) {
  Unordered a;
  fill(a, 300);
  Unordered b = std::move(a);
  a = Unordered{};  // a moved-from table, assigned and used again
  a["x"] = 7;
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(*a.find("x"), 7);
  EXPECT_EQ(a.find("c-1"), nullptr);
  Unordered copy = b;
  copy["c-5"] = -5;
  EXPECT_EQ(*b.find("c-5"), 5);
  EXPECT_EQ(*copy.find("c-5"), -5);
  EXPECT_EQ(copy.size(), 300u);
}

TEST(CaseTable, AddAfterReserveAsSnapshotsLoad) {
  Unordered t;
  t.reserve(500);
  for (int i = 0; i < 500; ++i) t.add("s-" + std::to_string(i), i * 2);
  EXPECT_EQ(*t.find("s-499"), 998);
  EXPECT_EQ(t.find("s-500"), nullptr);
}

// Every id 0..n-1 is found with its value, and the next few ids are not.
template <class Table>
void expect_exactly(const Table& t, int n) {
  for (int i = 0; i < n; ++i) {
    const int* v = t.find("c-" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i << " of " << n;
    EXPECT_EQ(*v, i);
  }
  for (int i = n; i < n + 5; ++i) EXPECT_EQ(t.find("c-" + std::to_string(i)), nullptr) << i;
}

// Adds c-0.. one at a time through a growth of the index, checking every entry at each step.
template <class Table>
void grows_a_few_slots_per_add() {
  Table t;
  const auto add = [&t](int i) { t["c-" + std::to_string(i)] = i; };
  for (int i = 0; i < 16; ++i) add(i);  // 32 slots since the 9th, all moved by the 12th
  EXPECT_FALSE(t.growing());
  add(16);  // the 17th: 64 slots, the 32 before move 4 per add
  EXPECT_TRUE(t.growing());
  expect_exactly(t, 17);
  for (int i = 17; i < 23; ++i) {
    add(i);
    EXPECT_TRUE(t.growing()) << i;
    expect_exactly(t, i + 1);
  }
  add(23);  // the 8th add since the growth moves the last 4 of the 32
  EXPECT_FALSE(t.growing());
  expect_exactly(t, 24);
}

TEST(CaseTable, TheIndexGrowsAFewSlotsPerAddAndFindsEveryEntryMeanwhile) {
  {
    SCOPED_TRACE("deque");
    grows_a_few_slots_per_add<Unordered>();
  }
  {
    SCOPED_TRACE("map");
    grows_a_few_slots_per_add<Ordered>();
  }
}

TEST(CaseTable, ACopyOrSwapWhileTheIndexGrowsFindsEveryEntry) {
  Unordered t;
  fill(t, 17);
  ASSERT_TRUE(t.growing());
  const Unordered copy(t);
  EXPECT_FALSE(copy.growing());  // a copy indexes its own entries at once
  expect_exactly(copy, 17);
  Unordered other;
  other.swap(t);
  EXPECT_TRUE(other.growing());
  expect_exactly(other, 17);
  EXPECT_EQ(t.find("c-0"), nullptr);
  EXPECT_FALSE(t.growing());
  Unordered moved(std::move(other));
  expect_exactly(moved, 17);
  fill(moved, 100000);  // 12 more growths (64 to 262,144 slots), each moved before the next
  EXPECT_EQ(moved.size(), 100000U);
  expect_exactly(moved, 100000);
}

TEST(PageFold, FoldsEveryEventInOrderWithItsParsedStream) {
  Unordered cases;
  fill(cases, 100);
  std::vector<Envelope> page(600);  // more than one chunk of 256
  for (std::size_t i = 0; i < page.size(); ++i) {
    page[i].position = i + 1;
    page[i].stream = i % 3 == 0 ? "location-l1"
                     : i == 301 ? "case-not valid"
                                : "case-c-" + std::to_string(i % 150);
  }
  std::uint64_t expected_position = 1;
  int missing = 0;
  fold_page(cases, page, [&](const Envelope& e, const ParsedEnvelope& p) {
    const ParsedStream& s = p.stream;
    EXPECT_EQ(e.position, expected_position++);
    if (e.position == 302) {  // not a stream name: skipped by the folds
      EXPECT_FALSE(s.name.has_value());
      EXPECT_EQ(s.case_hash, 0u);
    } else if (e.stream.starts_with("case-")) {
      ASSERT_TRUE(s.name.has_value());
      EXPECT_EQ(s.name->kind, StreamKind::case_file);
      EXPECT_EQ(s.name->id, e.stream.substr(5));
      EXPECT_EQ(s.case_hash, Unordered::hash(e.stream.substr(5)));
      if (cases.find(s.name->id, s.case_hash) == nullptr) ++missing;
    } else {
      ASSERT_TRUE(s.name.has_value());
      EXPECT_EQ(s.name->kind, StreamKind::location);
      EXPECT_EQ(s.case_hash, 0u);
    }
  });
  EXPECT_EQ(expected_position, 601u);
  // case ids c-100..c-149 are not in the table: i % 150 in [100, 150) and i % 3 != 0.
  int expected_missing = 0;
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (i % 3 != 0 && i != 301 && i % 150 >= 100) ++expected_missing;
  }
  EXPECT_EQ(missing, expected_missing);
}

}  // namespace
}  // namespace perspectief
