#include "services/flags.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

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

// --config FILE: INI lines keyed by the flag names; the command line wins over the
// environment, the environment over the file; a key the command does not know is refused.
TEST(Flags, AConfigFileUnderTheEnvironmentAndTheCommandLine) {
  const auto file = std::filesystem::temp_directory_path() / "perspectief-flags-test.conf";
  const std::vector<FlagSpec> specs{{"config", "", "FILE"},
                                    {"data-dir", "", "DIR"},
                                    {"listen", "", "HOST:PORT"},
                                    {"threads", "", "N"},
                                    {"demo", "", "", true}};
  {
    std::ofstream out(file);
    out << "# the service's settings\ndata-dir = /from/file\nlisten = 0.0.0.0:1\n"
           "threads = 3\ndemo = true\n";
  }
  setenv("PERSPECTIEF_LISTEN", "127.0.0.1:2", 1);
  auto f = Flags::parse_options({"--config", file.string(), "--threads=4"}, specs, true);
  unsetenv("PERSPECTIEF_LISTEN");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->get("data-dir"), "/from/file");
  EXPECT_EQ(f->get("listen"), "127.0.0.1:2");  // the environment over the file
  EXPECT_EQ(f->get("threads"), "4");           // the command line over both
  EXPECT_TRUE(*f->enabled("demo"));
  {
    std::ofstream out(file);
    out << "data-dir = /x\ntokenz = /typo\n";
  }
  const auto typo = Flags::parse_options({"--config", file.string()}, specs, true);
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().message, "unknown key tokenz in the config file " + file.string());
  std::filesystem::remove(file);
  EXPECT_EQ(Flags::parse_options({"--config", file.string()}, specs, true).error().message,
            "cannot read the config file " + file.string());
  // Given twice on the command line, the last one wins; names are never abbreviated.
  EXPECT_EQ(Flags::parse_options({"--threads=1", "--threads=2"}, specs, false)->get("threads"),
            "2");
  EXPECT_EQ(Flags::parse_options({"--thread=1"}, specs, false).error().message,
            "unknown flag --thread");
  EXPECT_NE(Flags::help_text(specs).find("--data-dir DIR"), std::string::npos);
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
