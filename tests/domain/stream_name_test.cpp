#include "domain/stream_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace perspectief {
namespace {

TEST(StreamName, ParsesEveryKind) {
  EXPECT_EQ(parse_stream_name("programme")->kind, StreamKind::programme);
  const auto c = parse_stream_name("case-42");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, StreamKind::case_file);
  EXPECT_EQ(c->id, "42");
  EXPECT_EQ(parse_stream_name("location-loc_1")->kind, StreamKind::location);
  EXPECT_EQ(parse_stream_name("activity-a-1")->id, "a-1");
}

TEST(StreamName, RejectsBadIds) {
  EXPECT_FALSE(parse_stream_name("case-"));
  EXPECT_FALSE(parse_stream_name("case-a b"));
  EXPECT_FALSE(parse_stream_name("case-" + std::string(65, 'a')));
  EXPECT_TRUE(parse_stream_name("case-" + std::string(64, 'a')));
  EXPECT_FALSE(parse_stream_name("person-1"));
  EXPECT_FALSE(is_valid_id("é"));
  EXPECT_EQ(stream_name(StreamKind::case_file, "7"), "case-7");
  EXPECT_EQ(stream_name(StreamKind::programme, ""), "programme");
}

}  // namespace
}  // namespace perspectief
