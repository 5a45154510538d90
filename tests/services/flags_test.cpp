#include "services/flags.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace perspectief {
namespace {

TEST(Flags, ParsesValuesSwitchesAndEnvironment) {
  setenv("PERSPECTIEF_DATA_DIR", "/from/env", 1);
  setenv("PERSPECTIEF_MAX_BODY", "77", 1);
  auto f = Flags::parse({"--listen", "127.0.0.1:0", "--max-body=99", "--demo", "verify"},
                        {"listen", "max-body", "data-dir", "demo"}, {"demo"});
  unsetenv("PERSPECTIEF_DATA_DIR");
  unsetenv("PERSPECTIEF_MAX_BODY");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->get("listen"), "127.0.0.1:0");
  EXPECT_EQ(*f->get_uint("max-body", 1), 99U);  // the command line wins over the environment
  EXPECT_EQ(f->get("data-dir"), "/from/env");
  EXPECT_TRUE(*f->enabled("demo"));
  EXPECT_FALSE(*f->enabled("nothing"));
  EXPECT_EQ(f->positional().size(), 1U);
}

TEST(Flags, RefusesUnknownFlagsMissingValuesAndBadSwitches) {
  EXPECT_EQ(Flags::parse({"--nope"}, {"listen"}, {}).error().message, "unknown flag --nope");
  EXPECT_EQ(Flags::parse({"--listen"}, {"listen"}, {}).error().message, "--listen needs a value");
  auto f = Flags::parse({"--demo=maybe", "--threads", "x"}, {"demo", "threads"}, {"demo"});
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->enabled("demo").ok());
  EXPECT_FALSE(f->get_uint("threads", 1).ok());
  auto off = Flags::parse({"--demo=false"}, {"demo"}, {"demo"});
  EXPECT_FALSE(*off->enabled("demo"));
}

TEST(Flags, ListenAddresses) {
  EXPECT_EQ(parse_listen("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(parse_listen("[::1]:0")->host, "::1");
  EXPECT_EQ(parse_listen("localhost:9")->host, "127.0.0.1");
  EXPECT_FALSE(parse_listen("8080").ok());
  EXPECT_FALSE(parse_listen("127.0.0.1:99999").ok());
  EXPECT_FALSE(parse_listen(":80").ok());
}

}  // namespace
}  // namespace perspectief
