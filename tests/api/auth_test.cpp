#include "api/auth.hpp"

#include <gtest/gtest.h>

#include "eventstore/sha256.hpp"

namespace perspectief::api {
namespace {

TEST(TokenRegistry, PlainAndHashedTokens) {
  const std::string hashed = to_hex(sha256("secret-two"));
  auto reg = TokenRegistry::parse(
      R"([{"token":"secret-one","subject":"aco-1","organisation":"aco","role":"intake"},
    {"sha256":")" +
      hashed + R"(","subject":"hvo-1","organisation":"hvo-querido","role":"housing"}])");
  ASSERT_TRUE(reg.ok()) << reg.error().message;
  EXPECT_EQ(reg->size(), 2U);
  auto a = reg->authenticate("Bearer secret-one");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->subject, "aco-1");
  EXPECT_EQ(a->role, Role::intake);
  auto b = reg->authenticate("Bearer secret-two");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->organisation, "hvo-querido");
  EXPECT_FALSE(reg->authenticate("Bearer secret-three"));
  EXPECT_FALSE(reg->authenticate("secret-one"));
  EXPECT_FALSE(reg->authenticate("Bearer "));
  EXPECT_FALSE(reg->authenticate(""));
  EXPECT_TRUE(reg->authenticate("bearer secret-one"));  // RFC 9110: schemes are case-insensitive
  EXPECT_FALSE(reg->authenticate("Basic secret-one"));
}

TEST(TokenRegistry, RefusesBadFiles) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (
      const Case c : {
          Case{"{}", "tokens file is not a JSON array"},
          Case{"[1]", "tokens file entry 0: not an object"},
          Case{R"([{"token":"a","subject":"s","organisation":"o"}])",
               "tokens file entry 0: subject, organisation and role are required"},
          Case{R"([{"token":"a","subject":"s","organisation":"o","role":"king"}])",
               "tokens file entry 0: unknown role"},
          Case{R"([{"sha256":"abc","subject":"s","organisation":"o","role":"ops"}])",
               "tokens file entry 0: needs a token or a 64-digit hex sha256"},
          Case{
              R"([{"token":"a","subject":"s","organisation":"o","role":"ops"},{"token":"a","subject":"t","organisation":"o","role":"ops"}])",
              "tokens file entry 1: duplicate token"},
      }) {
    auto r = TokenRegistry::parse(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.error().message, c.message);
  }
}

}  // namespace
}  // namespace perspectief::api
