#include "api/query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perspectief::api {
namespace {

TEST(Query, DecodesParameters) {
  auto q = parse_query("after=10&limit=5&name=a%20b+c&flag");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->at("after"), "10");
  EXPECT_EQ(q->at("name"), "a b c");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_TRUE(parse_query("")->empty());
  EXPECT_EQ(parse_query("&&a=1&")->size(), 1U);
}

TEST(Query, RefusesMalformedAndRepeated) {
  EXPECT_FALSE(parse_query("a=%zz").ok());
  EXPECT_FALSE(parse_query("a=%2").ok());
  auto rep = parse_query("a=1&a=2");
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.error().fields.at(0).field, "a");
}

TEST(Query, UintParamBounds) {
  auto q = parse_query("limit=0&wait=61&after=12&x=1e3");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*uint_param(*q, "after", 0, 0, 100), 12U);
  EXPECT_EQ(*uint_param(*q, "missing", 7, 0, 100), 7U);
  auto limit = uint_param(*q, "limit", 1000, 1, 10000);
  ASSERT_FALSE(limit.ok());
  EXPECT_EQ(limit.error().fields.at(0).message, "must be a whole number from 1 to 10000");
  EXPECT_FALSE(uint_param(*q, "wait", 0, 0, 60).ok());
  EXPECT_FALSE(uint_param(*q, "x", 0, 0, 100000).ok());
}

TEST(FeedQueryFilters, ParsesCategoriesAndTypes) {
  auto q = parse_feed_query("/v1/events?after=3&categories=case,programme&types=StayEnded");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->after, 3U);
  EXPECT_EQ(q->filter, *feed_filter({"case", "programme"}, {"StayEnded"}));
  auto encoded = parse_feed_query("/v1/events?types=BedAssigned%2CTransferred");
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded->filter, *feed_filter({}, {"BedAssigned", "Transferred"}));
  auto none = parse_feed_query("/v1/events");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->filter, FeedFilter{});
  EXPECT_EQ(none->limit, 1000U);
}

TEST(FeedQueryFilters, RefusesUnknownAndEmptyItems) {
  struct Row {
    std::string target;
    FieldError field;
  };
  const std::vector<Row> rows{
      {"/v1/events?categories=", {"categories", "unknown category"}},
      {"/v1/events?categories=case,", {"categories", "unknown category"}},
      {"/v1/events?categories=,case", {"categories", "unknown category"}},
      {"/v1/events?categories=case,,location", {"categories", "unknown category"}},
      {"/v1/events?categories=cases", {"categories", "unknown category cases"}},
      {"/v1/events?categories=Case", {"categories", "unknown category Case"}},
      {"/v1/events?types=", {"types", "unknown event type"}},
      {"/v1/events?types=StayEnded,", {"types", "unknown event type"}},
      {"/v1/events?types=stayended", {"types", "unknown event type stayended"}},
      {"/v1/events?types=Stay+Ended", {"types", "unknown event type"}},
      {"/v1/events?category=case", {"category", "is not a parameter of this route"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.target);
    auto q = parse_feed_query(row.target);
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.error().code, ErrorCode::invalid);
    EXPECT_EQ(q.error().fields, std::vector<FieldError>{row.field});
  }
}

}  // namespace
}  // namespace perspectief::api
