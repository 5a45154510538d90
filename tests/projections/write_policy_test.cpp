// The write model inside the store's writer: a request the store refuses after the policy
// admitted it must not leave the policy counting what was never written.
#include "projections/write_policy.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <optional>
#include <string>

#include "domain/programme.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sha256.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_times.hpp"

namespace perspectief {
namespace {

using testing::kT0;

AppendRequest request(const std::string& stream,
                      const std::vector<std::pair<std::string, std::string>>& events) {
  AppendRequest r;
  r.stream = stream;
  r.actor = Actor{"anna", "regiegroep", Role::regie};
  for (const auto& [type, data] : events) {
    r.events.push_back(
        make_new_event(random_uuid(), type, std::nullopt, boost::json::parse(data).as_object()));
  }
  return r;
}

TEST(WritePolicyInTheStore, ARequestRefusedAfterThePolicyLeavesNoBedCounted) {
  testing::TempDir dir;
  ManualClock clock{kT0};
  WritePolicy policy{initial_programme(500, 360, 18), clock};
  bool fail_data_key = false;
  RocksStoreOptions o;
  o.path = dir.sub("db");
  o.clock = &clock;
  o.policy = &policy;
  o.fail_lookup = [&fail_data_key](StoreLookup kind,
                                   std::string_view) -> std::optional<std::string> {
    if (kind == StoreLookup::data_key && fail_data_key) return "injected I/O error";
    return std::nullopt;
  };
  auto store = std::move(RocksEventStore::open(std::move(o))).value();
  ASSERT_TRUE(policy.load(*store).ok());
  const auto append = [&](AppendRequest r) { return store->append_sync(std::move(r)); };
  ASSERT_TRUE(append(request("location-loc-a",
                             {{"LocationOpened", R"({"name":"L","operator":"hvo","beds":1})"}}))
                  .ok());
  for (const char* c : {"case-c1", "case-c2"}) {
    ASSERT_TRUE(append(request(c, {{"CaseRegistered", R"({"person":{"name":"P"}})"},
                                   {"IntakeCompleted", R"({"eligible":true})"},
                                   {"PlacementDecided",
                                    R"({"decision":"admitted","funding":"municipal"})"}}))
                    .ok());
  }
  // Read between appends (append_sync has returned): the writer is idle.
  const auto occupied = [&] { return policy.model().location("loc-a")->occupied; };
  const auto housed = [&] { return policy.model().housed_municipal(); };
  ASSERT_EQ(occupied(), 0);

  // The last free bed, for a request that carries a new data key whose lookup fails.
  auto first = request("case-c1", {{"BedAssigned", R"({"locationId":"loc-a"})"}});
  first.new_data_key = "wrapped-key-bytes";
  fail_data_key = true;
  const auto refused = append(first);
  fail_data_key = false;
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_TRUE(store->writable());
  EXPECT_EQ(occupied(), 0);
  EXPECT_EQ(housed(), 0);

  // The bed is still free: another case gets it, and then it is full.
  const auto second = append(request("case-c2", {{"BedAssigned", R"({"locationId":"loc-a"})"}}));
  ASSERT_TRUE(second.ok()) << second.error().rule << ": " << second.error().message;
  EXPECT_EQ(occupied(), 1);
  EXPECT_EQ(housed(), 1);
  const auto third = append(request("case-c1", {{"BedAssigned", R"({"locationId":"loc-a"})"}}));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().rule, "bed-capacity");
}

}  // namespace
}  // namespace perspectief
