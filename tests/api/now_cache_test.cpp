#include "api/read_model_routes.hpp"

#include <gtest/gtest.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string_view.hpp>

#include <optional>
#include <string>

#include "domain/json_text.hpp"
#include "domain/time.hpp"

namespace perspectief::api {
namespace {

Micros at(const char* rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

// The text the cache must give: `body` with its asOf and knownAt set to `now`, serialised as
// the API does.
std::string with_as_of(boost::json::object body, Micros now) {
  const std::string time = format_rfc3339(now);
  body["asOf"] = boost::json::string_view(time);
  body["knownAt"] = boost::json::string_view(time);
  return json_text(body);
}

boost::json::object occupancy_body() {
  return boost::json::parse(R"({"asOf":"2026-01-01T00:00:00Z","places":{"total":500},)"
                            R"("locations":[{"id":"loc-1","name":"A \"quoted\" name"}]})")
      .as_object();
}

TEST(NowCache, GivesTheKeptBodyWithTheNewAsOfAndKnownAt) {
  const Micros kept_at = at("2026-01-01T00:00:00Z");
  const Micros now = at("2026-03-04T05:06:07.123456Z");
  const auto body = occupancy_body();
  NowCache cache;
  cache.keep(7, kept_at, body);
  const auto found = cache.find(7, kept_at - 1, now);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, with_as_of(body, now));
  EXPECT_EQ(*found, R"({"asOf":"2026-03-04T05:06:07.123456Z","places":{"total":500},)"
                    R"("locations":[{"id":"loc-1","name":"A \"quoted\" name"}],)"
                    R"("knownAt":"2026-03-04T05:06:07.123456Z"})");
  // an event at exactly the kept asOf is in the kept answer
  EXPECT_EQ(cache.find(7, kept_at, now), with_as_of(body, now));
  // the same now as kept: the body as it was
  EXPECT_EQ(cache.find(7, kept_at - 1, kept_at), with_as_of(body, kept_at));
}

TEST(NowCache, MissesOnAnotherPositionALaterEventOrNothingKept) {
  const Micros kept_at = at("2026-01-01T00:00:00Z");
  const Micros now = at("2026-01-01T00:00:05Z");
  NowCache cache;
  EXPECT_FALSE(cache.find(0, 0, now).has_value());
  EXPECT_FALSE(cache.find(7, kept_at - 1, now).has_value());
  cache.keep(7, kept_at, occupancy_body());
  EXPECT_FALSE(cache.find(8, kept_at - 1, now).has_value());
  EXPECT_FALSE(cache.find(6, kept_at - 1, now).has_value());
  EXPECT_FALSE(cache.find(7, kept_at + 1, now).has_value());
  EXPECT_TRUE(cache.find(7, kept_at - 1, now).has_value());
}

TEST(NowCache, KeepReplacesTheEarlierAnswer) {
  const Micros first = at("2026-01-01T00:00:00Z");
  const Micros second = at("2026-01-02T00:00:00Z");
  const Micros now = at("2026-01-03T00:00:00Z");
  auto body = occupancy_body();
  NowCache cache;
  cache.keep(7, first, body);
  body["places"].as_object()["total"] = 501;
  cache.keep(8, second, body);
  EXPECT_FALSE(cache.find(7, first - 1, now).has_value());
  EXPECT_EQ(cache.find(8, first + 1, now), with_as_of(body, now));
  EXPECT_FALSE(cache.find(8, second + 1, now).has_value());
}

TEST(NowCache, SplicesTheAsOfAndKnownAtWhenOtherStringsHoldControlCharacters) {
  const Micros kept_at = at("2026-01-01T00:00:00Z");
  const Micros now = at("2026-01-01T12:30:00.5Z");
  boost::json::object body;
  body["note"] = "\x01";  // before asOf, serialised as the marker's value would be
  // the marker's text inside a string, before asOf: escaped, so not the marker
  body["trick"] = "\"asOf\":\"\x01\"";
  body["trick2"] = "\"knownAt\":\"\x01\"";
  body["asOf"] = "2026-01-01T00:00:00Z";
  body["label"] =
      "a\x01"
      "b";  // not "\x01b", which is one escape
  boost::json::object place;
  place["id"] = "loc-\x01";
  body["locations"] = boost::json::array{place};
  NowCache cache;
  cache.keep(3, kept_at, body);
  const auto found = cache.find(3, kept_at, now);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, with_as_of(body, now));
  EXPECT_EQ(
      *found,
      R"({"note":"\u0001","trick":"\"asOf\":\"\u0001\"","trick2":"\"knownAt\":\"\u0001\"",)"
      R"("asOf":"2026-01-01T12:30:00.500Z","label":"a\u0001b","locations":[{"id":"loc-\u0001"}],)"
      R"("knownAt":"2026-01-01T12:30:00.500Z"})");
}

}  // namespace
}  // namespace perspectief::api
