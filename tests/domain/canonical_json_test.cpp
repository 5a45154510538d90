#include "domain/canonical_json.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace perspectief {
namespace {

TEST(CanonicalJson, SortsKeysAtEveryLevel) {
  const auto a = boost::json::parse(R"({"b":1,"a":{"y":[2,{"d":1,"c":2}],"x":null}})");
  const auto b = boost::json::parse(R"({"a":{"x":null,"y":[2,{"c":2,"d":1}]},"b":1})");
  EXPECT_EQ(canonical_json(a), R"({"a":{"x":null,"y":[2,{"c":2,"d":1}]},"b":1})");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
}

TEST(CanonicalJson, KeepsArrayOrderAndEscapes) {
  const auto a = boost::json::parse(R"({"k":["b","a"],"q":"\"\n"})");
  EXPECT_EQ(canonical_json(a), R"({"k":["b","a"],"q":"\"\n"})");
}

}  // namespace
}  // namespace perspectief
