// The privacy building blocks: AES-256-GCM sealing and its refusals, base64, the keys
// directory, the key ring with erasure, the sealer's split of personal fields, and the
// pseudonyms.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <future>

#include "eventstore/append.hpp"
#include "eventstore/base64.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/crypto.hpp"
#include "eventstore/key_ring.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/keys_dir.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sealer.hpp"
#include "eventstore/sha256.hpp"
#include "tests/eventstore/side_table_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace perspectief::privacy {
namespace {

namespace fs = std::filesystem;
using namespace std::literals;
using testing::TempDir;

TEST(Crypto, SealOpensOnlyWithTheSameKeyAndAssociatedData) {
  const SecretKey key = random_bytes(kKeyBytes);
  const std::string blob = aes_gcm_seal(key, "case-1\0e1"sv, "secret text");
  EXPECT_EQ(blob.size(), 12U + 11U + 16U);
  EXPECT_EQ(blob.find("secret"), std::string::npos);
  EXPECT_EQ(aes_gcm_open(key, "case-1\0e1"sv, blob), "secret text");
  EXPECT_EQ(aes_gcm_open(key, "case-2\0e1"sv, blob), std::nullopt);
  EXPECT_EQ(aes_gcm_open(random_bytes(kKeyBytes), "case-1\0e1"sv, blob), std::nullopt);
  std::string altered = blob;
  altered[14] = static_cast<char>(altered[14] ^ 1);
  EXPECT_EQ(aes_gcm_open(key, "case-1\0e1"sv, altered), std::nullopt);
  EXPECT_EQ(aes_gcm_open(key, "case-1\0e1"sv, blob.substr(0, 20)), std::nullopt);
  EXPECT_NE(aes_gcm_seal(key, "a", "same"), aes_gcm_seal(key, "a", "same"));  // random IVs
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  const std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(to_hex(reinterpret_cast<const std::uint8_t*>(mac.data()), mac.size()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Base64, RoundTripsEveryLengthAndRefusesGarbage) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << n;
    bytes += static_cast<char>(n * 37);
  }
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_EQ(base64_decode("TWE"), std::nullopt);
  EXPECT_EQ(base64_decode("T!E="), std::nullopt);
}

TEST(KeysDir, CreatedOwnerOnlyAndReopenedTheSame) {
  TempDir tmp;
  const std::string path = tmp.sub("keys");
  EXPECT_EQ(open_keys_dir(path, false).error().code, ErrorCode::not_found);
  auto keys = open_keys_dir(path);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->masters.size(), 1U);
  EXPECT_EQ(keys->research.size(), kKeyBytes);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_all);
  for (const auto& entry : fs::directory_iterator(path)) {
    EXPECT_EQ(entry.status().permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << entry.path();
  }
  auto again = open_keys_dir(path, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->current, keys->current);
  EXPECT_EQ(again->masters, keys->masters);
  EXPECT_EQ(again->research, keys->research);
}

TEST(KeysDir, ReadingCreatesNothing) {
  TempDir tmp;
  const std::string path = tmp.sub("keys");
  auto missing = read_keys_dir(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->complete());
  EXPECT_FALSE(fs::exists(path));
  ASSERT_TRUE(open_keys_dir(path).ok());
  fs::remove(path + "/research.key");
  auto partial = read_keys_dir(path);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->complete());
  EXPECT_FALSE(partial->current.empty());
  EXPECT_TRUE(partial->research.empty());
  EXPECT_FALSE(fs::exists(path + "/research.key"));
  EXPECT_EQ(open_keys_dir(path, false).error().code, ErrorCode::not_found);
  EXPECT_FALSE(fs::exists(path + "/research.key"));
  // Made only on purpose; never over an existing one.
  ASSERT_TRUE(create_research_key(*partial).ok());
  EXPECT_TRUE(read_keys_dir(path)->complete());
  EXPECT_EQ(create_research_key(*partial).error().code, ErrorCode::conflict);
}

TEST(KeysDir, AKeyFileOpenToOtherUsersIsRefused) {
  TempDir tmp;
  const std::string path = tmp.sub("keys");
  auto keys = open_keys_dir(path);
  ASSERT_TRUE(keys.ok());
  const std::string master = path + "/master-" + keys->current + ".key";
  fs::permissions(master, fs::perms::others_read, fs::perm_options::add);
  const auto exposed = read_keys_dir(path);
  ASSERT_FALSE(exposed.ok());
  EXPECT_EQ(exposed.error().code, ErrorCode::invalid);
  EXPECT_EQ(exposed.error().message,
            master +
                " can be read or written by other users (mode 0604): make it the owner's "
                "only (chmod 600), and consider the key exposed");
  EXPECT_EQ(open_keys_dir(path, false).error().code, ErrorCode::invalid);
  fs::permissions(master, fs::perms::others_read, fs::perm_options::remove);
  // The group counts when it is not this process's own group.
  const std::string research = path + "/research.key";
  fs::permissions(research, fs::perms::group_read, fs::perm_options::add);
  EXPECT_TRUE(read_keys_dir(path).ok());  // created with this process's group
  if (::geteuid() == 0) {                 // only root can give a file to another group
    ASSERT_EQ(::chown(research.c_str(), static_cast<uid_t>(-1), ::getegid() + 4242), 0);
    const auto group = read_keys_dir(path);
    ASSERT_FALSE(group.ok());
    EXPECT_EQ(group.error().code, ErrorCode::invalid);
    EXPECT_NE(group.error().message.find("research.key can be read or written by other users "
                                         "(mode 0640)"),
              std::string::npos)
        << group.error().message;
  }
}

// The key ring over each SideTable it runs on: the store's data keys, and memory.
class RingTest : public testing::SideTableTest {
 protected:
  void SetUp() override {
    SideTableTest::SetUp();
    keys_ = std::move(open_keys_dir(tmp_.sub("keys"))).value();
    ring_ = std::make_unique<KeyRing>(table(), keys_);
  }
  SideTable& table() { return pick(store_->data_key_table()); }
  // As the store writes a carried key (or an erasure marker) with the events.
  void store_key(const std::string& stream, const std::string& value) {
    const SideEntry entry{stream, value};
    ASSERT_TRUE(table().write({&entry, 1}, Durability::logged).ok());
  }
  KeysDir keys_;
  std::unique_ptr<KeyRing> ring_;
};

INSTANTIATE_TEST_SUITE_P(Tables, RingTest,
                         ::testing::Values(testing::Table::rocks, testing::Table::memory),
                         testing::table_name);

TEST_P(RingTest, OneKeyPerStreamUntilErased) {
  EXPECT_EQ(ring_->find("case-a")->state, KeyRing::State::none);
  const auto a = ring_->get_or_create("case-a");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->wrapped.empty());                   // new: the append must carry it
  const auto again = ring_->get_or_create("case-a");  // a second request before it is stored
  EXPECT_EQ(again->key, a->key);
  EXPECT_EQ(again->wrapped, a->wrapped);
  EXPECT_NE(ring_->get_or_create("case-b")->key, a->key);
  // A refused append gives its use back; the key stays pending for the other one.
  ring_->release("case-a", false);
  EXPECT_EQ(ring_->get_or_create("case-a")->key, a->key);
  ring_->release("case-a", false);
  // The store writes the carried key with the events; once appended, the key is stored.
  store_key("case-a", a->wrapped);
  ring_->release("case-a", true);
  const auto stored = ring_->get_or_create("case-a");
  EXPECT_EQ(stored->key, a->key);
  EXPECT_TRUE(stored->wrapped.empty());
  // A fresh ring (no cache) unwraps the same key from the store.
  KeyRing fresh{table(), keys_};
  EXPECT_EQ(fresh.find("case-a")->key, a->key);
  // A pending key nobody uses any more is dropped: the next request gets a new one.
  ring_->release("case-b", false);
  const auto b2 = ring_->get_or_create("case-b");
  EXPECT_FALSE(b2->wrapped.empty());
  ring_->release("case-b", false);
  // Erasure: the marker replaces the key (as the store writes it with PersonalDataErased).
  store_key("case-a", std::string{keys::kErasedDataKey});
  ring_->forget("case-a");
  EXPECT_EQ(ring_->find("case-a")->state, KeyRing::State::erased);
  const auto refused = ring_->get_or_create("case-a");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().rule, "personal-data-erased");
}

// A new key costs one store read; once its own append stored it, the reply's find() is
// answered from the cache. Not when the write stored no key (an erasure marker came first),
// nor when a forget() ran after the key was made (the ring does not know which erasure).
TEST_P(RingTest, AKeyItsOwnAppendStoredIsCachedUnlessAForgetCameBetween) {
  int reads = 0;
  ring_->pause_after_store_read_for_testing([&](std::string_view) { ++reads; });
  const auto a = ring_->get_or_create("case-a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(reads, 1);
  store_key("case-a", a->wrapped);
  ring_->release("case-a", true, true);
  const auto found = ring_->find("case-a");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->state, KeyRing::State::present);
  EXPECT_EQ(found->key, a->key);
  EXPECT_EQ(reads, 1);

  const auto b = ring_->get_or_create("case-b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(reads, 2);
  store_key("case-b", std::string{keys::kErasedDataKey});
  ring_->release("case-b", true, false);
  EXPECT_EQ(ring_->find("case-b")->state, KeyRing::State::erased);
  EXPECT_EQ(reads, 3);

  const auto c = ring_->get_or_create("case-c");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(reads, 4);
  store_key("case-c", c->wrapped);
  ring_->forget("case-x");
  ring_->release("case-c", true, true);
  EXPECT_EQ(ring_->find("case-c")->key, c->key);
  EXPECT_EQ(reads, 5);
  ring_->pause_after_store_read_for_testing({});
}

// find() reads a key, then (before caching it) an erasure is written and forget() runs: the
// key read before the erasure must neither be cached nor returned.
TEST_P(RingTest, AForgetDuringAFindLeavesNoKeyBehind) {
  const auto made = ring_->get_or_create("case-f");
  ASSERT_TRUE(made.ok());
  store_key("case-f", made->wrapped);
  ring_->release("case-f", true);

  std::promise<void> read_done;
  std::promise<void> forgotten;
  auto go = forgotten.get_future();
  int pauses = 0;
  ring_->pause_after_store_read_for_testing([&](std::string_view) {
    if (++pauses > 1) return;  // only the first lookup waits
    read_done.set_value();
    go.wait();
  });
  auto found = std::async(std::launch::async, [this] { return ring_->find("case-f"); });
  read_done.get_future().wait();
  // The erasure, as the store writes it with PersonalDataErased, then the ring is told.
  store_key("case-f", std::string{keys::kErasedDataKey});
  ring_->forget("case-f");
  forgotten.set_value();
  const auto result = found.get();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->state, KeyRing::State::erased);
  EXPECT_TRUE(result->key.empty());
  ring_->pause_after_store_read_for_testing({});
  EXPECT_EQ(ring_->find("case-f")->state, KeyRing::State::erased);
  EXPECT_EQ(ring_->get_or_create("case-f").error().rule, "personal-data-erased");
}

// A stored data key that is cut short, or whose ciphertext was altered, is a damaged store
// (corrupt: HTTP 500, logged), not a retryable 503.
TEST_P(RingTest, ADamagedDataKeyIsCorrupt) {
  const auto made = ring_->get_or_create("case-d");
  ASSERT_TRUE(made.ok());
  std::string altered = made->wrapped;
  altered.back() = static_cast<char>(altered.back() ^ 1);
  for (const auto& stored : {made->wrapped.substr(0, 8), altered}) {
    store_key("case-d", stored);
    ring_->forget("case-d");
    const auto found = ring_->find("case-d");
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.error().code, ErrorCode::corrupt) << found.error().message;
  }
}

TEST_P(RingTest, TheSealerMovesOnlyPersonalFieldsAndOpensThemAgain) {
  Sealer sealer{*ring_};
  auto make = [](const char* note) {
    return make_new_event("7d3f0000-0000-4000-8000-000000000001", "IntakeCompleted", std::nullopt,
                          {{"eligible", true}, {"notes", note}, {"vulnerabilities", {"x"}}});
  };
  NewEvent e = make("first note");
  const auto carried = sealer.seal("case-s", e);
  ASSERT_TRUE(carried.ok());
  ASSERT_FALSE(carried->empty());  // the new key, to be written with the event
  store_key("case-s", *carried);
  sealer.ring().release("case-s", true);
  EXPECT_EQ(e.data, (boost::json::object{{"eligible", true}}));
  EXPECT_EQ(e.data_json, R"({"eligible":true})");
  EXPECT_FALSE(e.sealed.empty());
  EXPECT_EQ(e.sealed.find("first note"), std::string::npos);
  // A resend seals to another ciphertext but the same content hash; other notes, another.
  NewEvent resend = make("first note");
  ASSERT_TRUE(sealer.seal("case-s", resend).ok());
  EXPECT_NE(resend.sealed, e.sealed);
  EXPECT_EQ(resend.content_hash, e.content_hash);
  NewEvent other = make("another note");
  ASSERT_TRUE(sealer.seal("case-s", other).ok());
  EXPECT_NE(other.content_hash, e.content_hash);

  Envelope env;
  env.stream = "case-s";
  env.event_id = e.event_id;
  env.type = e.type;
  env.data = e.data;
  env.sealed = e.sealed;
  Envelope moved = env;
  moved.stream = "case-t";  // a ciphertext moved to another stream does not open
  EXPECT_EQ(*sealer.open(env), Sealer::Opened::opened);
  EXPECT_EQ(env.data.at("notes").as_string(), "first note");
  EXPECT_EQ(env.data.at("vulnerabilities"), (boost::json::array{"x"}));
  ASSERT_TRUE(sealer.open(moved).error().code == ErrorCode::unavailable);  // case-t: no key
  const auto t = ring_->get_or_create("case-t");
  store_key("case-t", t->wrapped);
  ring_->release("case-t", true);
  EXPECT_EQ(*sealer.open(moved), Sealer::Opened::erased);  // its key does not open it

  NewEvent plain = make_new_event("7d3f0000-0000-4000-8000-000000000002", "BedAssigned",
                                  std::nullopt, {{"locationId", "loc-1"}});
  const std::string hash = plain.content_hash;
  ASSERT_TRUE(sealer.seal("case-s", plain).ok());
  EXPECT_TRUE(plain.sealed.empty());
  EXPECT_EQ(plain.content_hash, hash);
}

// The store writes a carried data key with the events, only where the stream has no key and
// no erasure marker: a key is never replaced, an erasure never undone.
class StoreRingTest : public RingTest {};
INSTANTIATE_TEST_SUITE_P(Tables, StoreRingTest, ::testing::Values(testing::Table::rocks),
                         testing::table_name);

TEST_P(StoreRingTest, TheStoreWritesANewKeyOnlyWhereThereIsNone) {
  const auto append = [&](const std::string& key, bool shred) {
    AppendRequest r{
        "case-k",
        ExpectedVersion::any(),
        {make_new_event(random_uuid(), "CaseRegistered", std::nullopt, {{"referralSource", "x"}})},
        Actor{"s", "o", Role::intake}};
    r.new_data_key = key;
    r.shred_data_key = shred;
    // Whether the write stored the carried key (nullopt: refused).
    std::promise<std::optional<bool>> done;
    store_->append(std::move(r), [&](Result<AppendResult> res) {
      done.set_value(res.ok() ? std::optional<bool>{res->data_key_stored} : std::nullopt);
    });
    return done.get_future().get();
  };
  const auto stored = [&] {
    const auto v = table().get("case-k");
    return v.ok() && *v ? **v : "-";
  };
  EXPECT_EQ(append("first", false), std::optional<bool>{true});
  EXPECT_EQ(stored(), "first");
  EXPECT_EQ(append("second", false), std::optional<bool>{false});
  EXPECT_EQ(stored(), "first");
  EXPECT_EQ(append("", true), std::optional<bool>{false});
  EXPECT_EQ(stored(), std::string{keys::kErasedDataKey});
  EXPECT_EQ(append("third", false), std::optional<bool>{false});
  EXPECT_EQ(stored(), std::string{keys::kErasedDataKey});
}

TEST(Pseudonymiser, CaseStreamsEventIdsSubjectsAndFreeText) {
  const Pseudonymiser p{"Jefe"};
  Envelope e;
  e.position = 7;
  e.stream = "case-42";
  e.version = 1;
  e.event_id = "7d3f0000-0000-4000-8000-000000000001";
  e.type = "CaseManagerAssigned";
  e.actor = {"jan", "aco", Role::intake};
  e.data = {{"caseManager", "Jan Jansen"}, {"organisation", "aco"}, {"unknown", "x"}};
  const auto o = p.envelope_json(e);
  const std::string mac = hmac_sha256("Jefe", "42");
  EXPECT_EQ(o.at("stream").as_string(),
            "case-" + to_hex(reinterpret_cast<const std::uint8_t*>(mac.data()), 32).substr(0, 32));
  EXPECT_EQ(p.case_pseudonym("42").size(), 32U);
  EXPECT_NE(o.at("eventId").as_string(), e.event_id);
  EXPECT_FALSE(o.at("actor").as_object().contains("subject"));
  const auto& data = o.at("data").as_object();
  EXPECT_EQ(data.size(), 2U);
  EXPECT_EQ(data.at("organisation").as_string(), "aco");
  EXPECT_TRUE(data.at("caseManager").as_string().starts_with("cm-"));
  EXPECT_EQ(data.at("caseManager").as_string().size(), 19U);
  e.stream = "location-loc-1";
  EXPECT_EQ(p.envelope_json(e).at("stream").as_string(), "location-loc-1");
}

TEST(Pseudonymiser, APreviousCaseIdBecomesThatCasesPseudonym) {
  const Pseudonymiser p{"Jefe"};
  Envelope e;
  e.position = 9;
  e.stream = "case-43";
  e.version = 1;
  e.event_id = "7d3f0000-0000-4000-8000-000000000002";
  e.type = "CaseRegistered";
  e.actor = {"jan", "aco", Role::intake};
  e.data = {{"person", {{"name", "Amina Test"}}}, {"previousCaseId", "42"}};
  const auto o = p.envelope_json(e);
  const auto& data = o.at("data").as_object();
  ASSERT_EQ(data.size(), 1U);  // the person is removed
  EXPECT_EQ(data.at("previousCaseId").as_string(), p.case_pseudonym("42"));
  e.stream = "case-42";  // the earlier case's own stream carries the same pseudonym
  EXPECT_EQ(p.envelope_json(e).at("stream").as_string(), "case-" + p.case_pseudonym("42"));
}

}  // namespace
}  // namespace perspectief::privacy
