#include "api/rendered_events.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/api/api_harness.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

boost::json::object parsed(const std::string* json) {
  return boost::json::parse(*json).as_object();
}

// seed_programme(): l1, l2 at 1-2; c-a, c-b, c-c registered at 3-5 (each with a person);
// c-a and c-b admitted at 6-9; c-a's bed at 10.
TEST(RenderedEvents, EveryEventOnceAndInOrderWhenPositionsOfOneRenderShareASlot) {
  ApiHarness h;
  h.seed_programme();
  RenderedEvents cache{h.store(), h.pseudonymiser(), h.sealer(), 4};  // slot: position mod 4
  const std::vector<std::uint64_t> all{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (int round = 0; round < 2; ++round) {  // the second from the cache
    auto r = cache.render(FeedView::personal, all);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->events.size(), 10U);
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(parsed(r->events[i]).at("position").to_number<std::uint64_t>(), all[i]) << i;
    }
    EXPECT_EQ(parsed(r->events[4]).at("data").at("person").at("name"), "P");
    EXPECT_EQ(r->positions_opened, (std::vector<std::uint64_t>{3, 4, 5}));
  }
  // Another view of the same positions: its own ring, no personal fields.
  auto plain = cache.render(FeedView::without_personal, {3, 4, 5});
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->events.size(), 3U);
  for (const auto* e : plain->events) {
    EXPECT_FALSE(parsed(e).at("data").as_object().contains("person")) << *e;
  }
  EXPECT_TRUE(plain->positions_opened.empty());
}

TEST(RenderedEvents, ACaseErasedAfterItsEventsWereRenderedShowsNoPersonAnyMore) {
  ApiHarness h;
  h.seed_programme();
  RenderedEvents cache{h.store(), h.pseudonymiser(), h.sealer()};
  auto before = cache.render(FeedView::personal, {4, 5});
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(parsed(before->events[1]).at("data").at("person").at("name"), "P");
  EXPECT_EQ(before->positions_opened, (std::vector<std::uint64_t>{4, 5}));
  ASSERT_EQ(h.call(http::verb::delete_, "/v1/cases/c-c/personal-data", "t-intake").status, 200U);
  auto after = cache.render(FeedView::personal, {4, 5});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(parsed(after->events[0]).at("data").at("person").at("name"), "P");  // c-b kept
  EXPECT_FALSE(parsed(after->events[1]).at("data").as_object().contains("person"))
      << *after->events[1];
  EXPECT_EQ(after->positions_opened, (std::vector<std::uint64_t>{4}));
}

}  // namespace
}  // namespace perspectief::api
