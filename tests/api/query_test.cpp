#include "api/query.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace perspectief::api
