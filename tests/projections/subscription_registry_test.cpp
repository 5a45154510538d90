#include "projections/subscription_registry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/memory_side_table.hpp"

// The subscription registry over a SideTable in memory: creation per organisation, changes
// with their parked batches, and what a fresh registry reads back (spec/integrations.md,
// "Durability").

namespace perspectief {
namespace {

Subscription pull(const std::string& organisation, const std::string& id) {
  Subscription s;
  s.spec.id = id;
  s.spec.organisation = organisation;
  s.spec.role = Role::housing;
  s.spec.subject = "jan";
  s.spec.start_at = "beginning";
  return s;
}

Subscription webhook(const std::string& organisation, const std::string& id) {
  Subscription s = pull(organisation, id);
  s.spec.delivery = DeliveryKind::webhook;
  s.spec.url = "https://hooks.example.org/in";
  s.spec.max_batch = 50;
  s.spec.secret = "whsec_c2VjcmV0";
  s.spec.filter = FeedFilter{0b101, 0b1100};
  return s;
}

ParkedBatch parked_batch(std::uint64_t from, std::uint64_t to) {
  return ParkedBatch{"msg_" + std::to_string(to), from, to, 8, 1'700'000'000'000'000, "HTTP 503"};
}

std::vector<std::string> ids(const std::vector<Subscription>& subscriptions) {
  std::vector<std::string> out;
  out.reserve(subscriptions.size());
  for (const auto& s : subscriptions) out.push_back(s.spec.organisation + "/" + s.spec.id);
  return out;
}

std::vector<std::uint64_t> ends(const std::vector<ParkedBatch>& batches) {
  std::vector<std::uint64_t> out;
  out.reserve(batches.size());
  for (const auto& b : batches) out.push_back(b.to);
  return out;
}

// Every field of two subscriptions, named in a failure.
void expect_same(const Subscription& a, const Subscription& b) {
  EXPECT_EQ(a.spec.id, b.spec.id);
  EXPECT_EQ(a.spec.organisation, b.spec.organisation);
  EXPECT_EQ(a.spec.role, b.spec.role);
  EXPECT_EQ(a.spec.subject, b.spec.subject);
  EXPECT_EQ(a.spec.filter, b.spec.filter);
  EXPECT_EQ(a.spec.start_at, b.spec.start_at);
  EXPECT_EQ(a.spec.delivery, b.spec.delivery);
  EXPECT_EQ(a.spec.url, b.spec.url);
  EXPECT_EQ(a.spec.max_batch, b.spec.max_batch);
  EXPECT_EQ(a.spec.secret, b.spec.secret);
  EXPECT_EQ(a.spec.log_id, b.spec.log_id);
  EXPECT_EQ(a.checkpoint, b.checkpoint);
  EXPECT_EQ(a.delivered, b.delivered);
  EXPECT_EQ(a.paused, b.paused);
  EXPECT_EQ(a.last_error, b.last_error);
  ASSERT_EQ(a.batch.has_value(), b.batch.has_value());
  if (a.batch) {
    EXPECT_EQ(a.batch->webhook_id, b.batch->webhook_id);
    EXPECT_EQ(a.batch->from, b.batch->from);
    EXPECT_EQ(a.batch->to, b.batch->to);
    EXPECT_EQ(a.batch->attempts, b.batch->attempts);
    EXPECT_EQ(a.batch->first_attempt, b.batch->first_attempt);
    EXPECT_EQ(a.batch->next_attempt, b.batch->next_attempt);
  }
  EXPECT_EQ(a.parked, b.parked);
  EXPECT_EQ(a.replay_after, b.replay_after);
}

void expect_same(const ParkedBatch& a, const ParkedBatch& b) {
  EXPECT_EQ(a.webhook_id, b.webhook_id);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.parked_at, b.parked_at);
  EXPECT_EQ(a.last_error, b.last_error);
}

// A subscription with every field away from its default.
Subscription busy() {
  Subscription s = webhook("org-a", "hook");
  s.spec.role = Role::regie;
  s.spec.start_at = "42";
  s.checkpoint = 17;
  s.delivered = 23;
  s.paused = true;
  s.last_error = "connection refused";
  s.batch = InFlightBatch{"msg_abc", 17, 23, 3, 1'700'000'000'000'000, 1'700'000'004'000'000};
  s.parked = 2;
  s.replay_after = 5;
  return s;
}

class SubscriptionRegistryTest : public ::testing::Test {
 protected:
  Status set_checkpoint(const std::string& org, const std::string& id, std::uint64_t p,
                        const std::optional<ParkedBatch>& parked = {}) {
    auto r = registry_.modify(
        org, id,
        [p, &parked](Subscription& s) {
          s.checkpoint = p;
          if (parked) ++s.parked;
          return Status{Ok{}};
        },
        Durability::logged, parked);
    if (!r) return r.take_error();
    return Ok{};
  }

  testing::MemorySideTable table_;
  SubscriptionRegistry registry_{table_};
};

TEST_F(SubscriptionRegistryTest, CreateNewThenSameRequestThenAnotherDefinition) {
  auto created = registry_.create(webhook("org-a", "hook"));
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->second);
  EXPECT_EQ(table_.synced_writes(), 1);

  // The same request (another secret is the server's, not the request's): the stored one.
  Subscription again = webhook("org-a", "hook");
  again.spec.secret = "whsec_b3RoZXI=";
  again.spec.subject = "piet";
  auto same = registry_.create(again);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->second);
  EXPECT_EQ(same->first.spec.secret, "whsec_c2VjcmV0");
  EXPECT_EQ(same->first.spec.subject, "jan");

  Subscription other = webhook("org-a", "hook");
  other.spec.max_batch = 51;
  auto conflict = registry_.create(other);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::conflict);
  EXPECT_EQ(conflict.error().message, "a subscription with this id exists with another definition");
  EXPECT_EQ(registry_.find("org-a", "hook")->spec.max_batch, 50U);
  EXPECT_EQ(table_.synced_writes(), 1);
}

TEST_F(SubscriptionRegistryTest, IdsArePerOrganisationAndListedInIdOrder) {
  ASSERT_TRUE(registry_.create(pull("org-b", "feed")).ok());
  ASSERT_TRUE(registry_.create(webhook("org-a", "feed")).ok());
  ASSERT_TRUE(registry_.create(pull("org-a", "alpha")).ok());
  ASSERT_TRUE(registry_.create(pull("org-ab", "zeta")).ok());

  EXPECT_EQ(registry_.find("org-a", "feed")->spec.delivery, DeliveryKind::webhook);
  EXPECT_EQ(registry_.find("org-b", "feed")->spec.delivery, DeliveryKind::pull);
  EXPECT_FALSE(registry_.find("org-c", "feed").has_value());
  EXPECT_FALSE(registry_.find("org-b", "alpha").has_value());
  EXPECT_EQ(ids(registry_.list("org-a")), (std::vector<std::string>{"org-a/alpha", "org-a/feed"}));
  EXPECT_EQ(ids(registry_.list("org-b")), (std::vector<std::string>{"org-b/feed"}));
  EXPECT_TRUE(registry_.list("org-c").empty());
  EXPECT_EQ(ids(registry_.all()),
            (std::vector<std::string>{"org-a/alpha", "org-a/feed", "org-ab/zeta", "org-b/feed"}));

  ASSERT_TRUE(set_checkpoint("org-b", "feed", 9).ok());
  EXPECT_EQ(registry_.find("org-b", "feed")->checkpoint, 9U);
  EXPECT_EQ(registry_.find("org-a", "feed")->checkpoint, 0U);
  ASSERT_TRUE(registry_.remove("org-a", "feed").ok());
  EXPECT_TRUE(registry_.find("org-b", "feed").has_value());
}

TEST_F(SubscriptionRegistryTest, ModifyStoresTheChangeOrLeavesItUnchanged) {
  ASSERT_TRUE(registry_.create(pull("org-a", "feed")).ok());
  std::vector<std::string> notified;
  registry_.on_change([&notified](const std::string& org, const std::string& id) {
    notified.push_back(org + "/" + id);
  });

  auto moved = registry_.modify(
      "org-a", "feed",
      [](Subscription& s) {
        s.delivered = 12;
        return Status{Ok{}};
      },
      Durability::logged);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->delivered, 12U);
  EXPECT_EQ(notified, std::vector<std::string>{"org-a/feed"});

  auto refused = registry_.modify(
      "org-a", "feed",
      [](Subscription& s) -> Status {
        s.delivered = 99;
        return make_error(ErrorCode::conflict, "beyond the last delivered position");
      },
      Durability::logged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().message, "beyond the last delivered position");
  EXPECT_EQ(registry_.find("org-a", "feed")->delivered, 12U);
  EXPECT_EQ(notified.size(), 1U);

  auto missing = registry_.modify(
      "org-b", "feed", [](Subscription&) { return Status{Ok{}}; }, Durability::logged);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(missing.error().message, "no such subscription");

  table_.fail_next("disk full");
  auto failed = set_checkpoint("org-a", "feed", 5);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_EQ(registry_.find("org-a", "feed")->checkpoint, 0U);
}

TEST_F(SubscriptionRegistryTest, ParkedBatchesListInPositionOrderUntilUnparked) {
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook")).ok());
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook2")).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook", 120, parked_batch(100, 120)).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook", 130, parked_batch(3, 9)).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook", 140, parked_batch(9, 99)).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook2", 7, parked_batch(6, 7)).ok());
  EXPECT_EQ(registry_.find("org-a", "hook")->parked, 3U);

  auto listed = registry_.parked("org-a", "hook");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(ends(*listed), (std::vector<std::uint64_t>{9, 99, 120}));
  expect_same(listed->front(), parked_batch(3, 9));
  EXPECT_EQ(ends(*registry_.parked("org-a", "hook2")), std::vector<std::uint64_t>{7});
  EXPECT_TRUE(registry_.parked("org-b", "hook")->empty());

  ASSERT_TRUE(registry_.unpark("org-a", "hook", parked_batch(9, 99)).ok());
  EXPECT_EQ(ends(*registry_.parked("org-a", "hook")), (std::vector<std::uint64_t>{9, 120}));
  EXPECT_EQ(registry_.find("org-a", "hook")->parked, 2U);
  const Status gone = registry_.unpark("org-b", "hook", parked_batch(3, 9));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::not_found);
}

TEST_F(SubscriptionRegistryTest, RemoveTakesItsParkedBatchesAlong) {
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook")).ok());
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook2")).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook", 10, parked_batch(1, 10)).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook2", 10, parked_batch(1, 10)).ok());
  const int synced = table_.synced_writes();

  ASSERT_TRUE(registry_.remove("org-a", "hook").ok());
  EXPECT_EQ(table_.synced_writes(), synced + 1);
  EXPECT_FALSE(registry_.find("org-a", "hook").has_value());
  EXPECT_TRUE(registry_.parked("org-a", "hook")->empty());
  EXPECT_EQ(ends(*registry_.parked("org-a", "hook2")), std::vector<std::uint64_t>{10});
  const Status again = registry_.remove("org-a", "hook");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::not_found);

  // Created again under the same id: a fresh subscription, nothing parked.
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook")).ok());
  EXPECT_EQ(registry_.find("org-a", "hook")->parked, 0U);
  EXPECT_TRUE(registry_.parked("org-a", "hook")->empty());

  SubscriptionRegistry reloaded{table_};
  ASSERT_TRUE(reloaded.load().ok());
  EXPECT_EQ(ids(reloaded.all()), (std::vector<std::string>{"org-a/hook", "org-a/hook2"}));
}

TEST_F(SubscriptionRegistryTest, AFreshRegistryLoadsEverything) {
  const Subscription stored = busy();
  ASSERT_TRUE(registry_.create(pull("org-a", "feed")).ok());
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook")).ok());
  ASSERT_TRUE(registry_.create(pull("org-b", "feed")).ok());
  ASSERT_TRUE(set_checkpoint("org-a", "hook", 17, parked_batch(1, 5)).ok());
  ASSERT_TRUE(registry_
                  .modify(
                      "org-a", "hook",
                      [&stored](Subscription& s) {
                        s = stored;
                        return Status{Ok{}};
                      },
                      Durability::logged, parked_batch(5, 9))
                  .ok());
  ASSERT_TRUE(registry_.remove("org-b", "feed").ok());

  SubscriptionRegistry reloaded{table_};
  ASSERT_TRUE(reloaded.load().ok());
  EXPECT_EQ(ids(reloaded.all()), (std::vector<std::string>{"org-a/feed", "org-a/hook"}));
  const auto hook = reloaded.find("org-a", "hook");
  ASSERT_TRUE(hook.has_value());
  expect_same(*hook, stored);
  expect_same(*reloaded.find("org-a", "feed"), pull("org-a", "feed"));
  EXPECT_EQ(ends(*reloaded.parked("org-a", "hook")), (std::vector<std::uint64_t>{5, 9}));
}

TEST_F(SubscriptionRegistryTest, LoadRefusesADamagedRecord) {
  ASSERT_TRUE(registry_.create(pull("org-a", "feed")).ok());
  const SideEntry damaged{std::string{"s\x1forg-a\x1f"} + "other", "{\"id\":"};
  ASSERT_TRUE(table_.write({&damaged, 1}, Durability::logged).ok());
  SubscriptionRegistry reloaded{table_};
  const Status loaded = reloaded.load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::corrupt);
  EXPECT_EQ(loaded.error().message, "a stored subscription is damaged");

  table_.fail_next("io error");
  const Status unreadable = registry_.load();
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().code, ErrorCode::unavailable);
}

TEST_F(SubscriptionRegistryTest, ADamagedParkedBatchIsCorrupt) {
  ASSERT_TRUE(registry_.create(webhook("org-a", "hook")).ok());
  const SideEntry damaged{std::string{"p\x1forg-a\x1fhook\x1f"} + "00000000000000000009", "[1"};
  ASSERT_TRUE(table_.write({&damaged, 1}, Durability::logged).ok());
  auto listed = registry_.parked("org-a", "hook");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::corrupt);
  EXPECT_EQ(listed.error().message, "a parked batch is damaged");
}

TEST(SubscriptionCodec, RoundTripsEveryField) {
  for (const Subscription& s : {busy(), pull("org-a", "feed"), webhook("org-b", "w")}) {
    SCOPED_TRACE(s.spec.id);
    const auto decoded = decode_subscription(encode(s));
    ASSERT_TRUE(decoded.has_value());
    expect_same(*decoded, s);
  }
  const ParkedBatch b = parked_batch(18'446'744'073'709'551'000ULL, 18'446'744'073'709'551'615ULL);
  const auto decoded = decode_parked(encode(b));
  ASSERT_TRUE(decoded.has_value());
  expect_same(*decoded, b);
}

TEST(SubscriptionCodec, ARecordWithoutALogIdGetsOneFromItsOrganisationAndId) {
  Subscription s = pull("org-a", "feed");
  s.spec.log_id = 18'446'744'073'709'551'615ULL;  // above INT64_MAX: kept exactly
  EXPECT_EQ(decode_subscription(encode(s))->spec.log_id, s.spec.log_id);
  std::string old = encode(s);
  old.erase(old.find(R"("logId":)"), std::string{R"("logId":18446744073709551615,)"}.size());
  ASSERT_EQ(old.find("logId"), std::string::npos) << old;
  const auto a = decode_subscription(old);
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->spec.log_id, 0U);
  EXPECT_EQ(decode_subscription(old)->spec.log_id, a->spec.log_id);  // the same every time
  std::string other = old;
  other.replace(other.find(R"("id":"feed")"), 11, R"("id":"fees")");
  EXPECT_NE(decode_subscription(other)->spec.log_id, a->spec.log_id);
}

TEST(SubscriptionCodec, RefusesDamagedRecords) {
  std::string no_id = encode(pull("org-a", "feed"));
  no_id.replace(no_id.find("\"feed\""), 6, "\"\"");
  for (const std::string& bytes :
       {std::string{""}, std::string{"[]"}, std::string{R"({"id":"x"})"}, no_id,
        std::string{R"({"id":"x","role":"nobody","paused":false})"},
        std::string{R"({"id":"x","role":"housing","paused":"no"})"}}) {
    SCOPED_TRACE(bytes);
    EXPECT_FALSE(decode_subscription(bytes).has_value());
  }
  EXPECT_FALSE(decode_parked("").has_value());
  EXPECT_FALSE(decode_parked("{\"from\":-1}").has_value());
}

}  // namespace
}  // namespace perspectief
