#include "api/router.hpp"

#include <gtest/gtest.h>

namespace perspectief::api {
namespace {

using boost::beast::http::verb;

TEST(Router, MatchesTemplatesAndCapturesTheId) {
  auto m = match_route(verb::post, "/v1/cases/c-42/events");
  ASSERT_TRUE(m);
  ASSERT_NE(m->route, nullptr);
  EXPECT_EQ(m->route->id, RouteId::append_case);
  EXPECT_EQ(m->route->path_template, "/v1/cases/{caseId}/events");
  EXPECT_EQ(m->id, "c-42");
  EXPECT_EQ(match_route(verb::get, "/v1/events")->route->id, RouteId::read_feed);
  EXPECT_EQ(match_route(verb::get, "/healthz")->route->id, RouteId::healthz);
  EXPECT_EQ(match_route(verb::post, "/v1/programme/events")->route->id, RouteId::append_programme);
}

TEST(Router, UnknownPathsAndWrongMethods) {
  EXPECT_FALSE(match_route(verb::get, "/v1/nothing"));
  EXPECT_FALSE(match_route(verb::get, "/v1/cases//events"));
  EXPECT_FALSE(match_route(verb::get, "/v1/cases/a/events/x"));
  EXPECT_FALSE(match_route(verb::get, ""));
  auto m = match_route(verb::delete_, "/v1/cases/c/events");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route, nullptr);
  EXPECT_EQ(m->allow, "POST, GET, HEAD");
  auto h = match_route(verb::post, "/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->allow, "GET, HEAD");
}

TEST(Router, HeadMatchesTheGetRouteOfAPath) {
  auto m = match_route(verb::head, "/v1/cases/c-7/events");
  ASSERT_TRUE(m);
  ASSERT_NE(m->route, nullptr);
  EXPECT_EQ(m->route->id, RouteId::read_case_events);
  EXPECT_EQ(m->id, "c-7");
  EXPECT_EQ(match_route(verb::head, "/healthz")->route->id, RouteId::healthz);
  // A path without GET has no HEAD either.
  auto erase = match_route(verb::head, "/v1/cases/c-7/personal-data");
  ASSERT_TRUE(erase);
  EXPECT_EQ(erase->route, nullptr);
  EXPECT_EQ(erase->allow, "DELETE");
}

}  // namespace
}  // namespace perspectief::api
