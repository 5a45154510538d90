#include "eventstore/verify.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <utility>

#include "eventstore/keys.hpp"
#include "eventstore/scan.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

class VerifyTest : public StoreTest {
 protected:
  void fill(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(append("case-" + std::to_string(i % 3),
                         {event("PerspectiveChosen", R"({"track":"return"})")})
                      .ok());
    }
  }

  // The store as a version before record format 2 wrote it: JSON records.
  void reopen_writing_json() {
    store_.reset();
    auto o = options(dir_.sub("db"), &clock_);
    o.json_records = true;
    auto old = RocksEventStore::open(std::move(o));
    ASSERT_TRUE(old.ok());
    store_ = std::move(old).value();
  }

  VerifyReport verify_closed() {
    store_->close();
    return verify_store(dir_.sub("db"));
  }
};

TEST_F(VerifyTest, AHealthyStorePasses) {
  fill(10);
  const auto r = verify_closed();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.events, 10U);
  EXPECT_EQ(r.streams, 3U);
}

// A store that a version before record format 2 wrote (JSON records) and this version went on
// appending to: both kinds of record are read, in order, and the hash chain runs through the
// change of format.
TEST_F(VerifyTest, AStoreWrittenInBothRecordFormatsPasses) {
  reopen_writing_json();
  fill(4);
  reopen();
  fill(3);
  const char* streams[] = {"case-0", "case-1", "case-2", "case-0", "case-0", "case-1", "case-2"};
  auto all = store_->read_all(0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 7U);
  for (std::size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].position, i + 1);
    EXPECT_EQ((*all)[i].stream, streams[i]);
    EXPECT_EQ((*all)[i].data.at("track").as_string(), "return");
    EXPECT_EQ((*all)[i].actor.role, Role::regie);
  }
  tamper([](rocksdb::DB& db, auto& h) {
    for (std::uint64_t p = 1; p <= 7; ++p) {
      std::string value;
      ASSERT_TRUE(db.Get({}, h[1], keys::encode_u64(p), &value).ok());
      EXPECT_EQ(value.front(), p <= 4 ? '{' : '\x02') << p;
    }
  });
  std::vector<std::uint64_t> scanned;
  ASSERT_TRUE(scan_store(dir_.sub("db"), 0, {}, [&](const Envelope& e) {
                scanned.push_back(e.position);
              }).ok());
  EXPECT_EQ(scanned, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7}));
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.events, 7U);
}

TEST_F(VerifyTest, ChecksEveryFoldPageAgainstItsEvents) {
  fill(600);
  const auto r = verify_closed();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.events, 600U);
  EXPECT_EQ(r.fold_pages, 2U);  // 1-256 and 257-512; 513-600 still fills
}

// A page begun over records of format 1 (read back at open) and finished with format 2 ones.
TEST_F(VerifyTest, AFoldPageOverBothRecordFormatsMatchesItsEvents) {
  reopen_writing_json();
  fill(100);
  reopen();
  fill(200);
  const auto r = verify_closed();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.events, 300U);
  EXPECT_EQ(r.fold_pages, 1U);
}

// The first page (whole and well-formed) copied under the key of another: the page at 257
// differs from its events; one at 513 lies past the last full page of 600 events.
TEST_F(VerifyTest, FindsAFoldPageThatDiffersFromItsEventsOrLiesPastThem) {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {257, "fold page at 257 does not match its events"},
      {513, "fold page at 513 without its events"}};
  fill(600);
  for (const auto& [key, problem] : cases) {
    tamper([key = key](rocksdb::DB& db, auto& h) {
      std::string first;
      ASSERT_TRUE(db.Get({}, h[kFoldPagesCf], keys::encode_u64(1), &first).ok());
      ASSERT_TRUE(db.Put({}, h[kFoldPagesCf], keys::encode_u64(key), first).ok());
      if (key == 513) {  // without the page the first case damaged (a missing page is fine)
        ASSERT_TRUE(db.Delete({}, h[kFoldPagesCf], keys::encode_u64(257)).ok());
      }
    });
    const auto r = verify_store(dir_.sub("db"));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_position, key);
    EXPECT_EQ(r.problem, problem);
  }
}

TEST_F(VerifyTest, AnEmptyStorePasses) {
  store_->close();
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.events, 0U);
}

TEST_F(VerifyTest, FindsAnAlteredRecord) {
  fill(5);
  tamper([](rocksdb::DB& db, auto& h) {
    std::string value;
    ASSERT_TRUE(db.Get({}, h[1], keys::encode_u64(3), &value).ok());
    const auto at = value.find("return");
    ASSERT_NE(at, std::string::npos);
    value.replace(at, 6, "rEturn");
    ASSERT_TRUE(db.Put({}, h[1], keys::encode_u64(3), value).ok());
  });
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_position, 3U);
  EXPECT_EQ(r.problem, "hash chain broken: record 3 does not match the hash record 4 holds");
}

// The fixed fields and the stored hash of a format 2 record are bytes, not text: a change to
// either is found.
TEST_F(VerifyTest, FindsAnAlteredBinaryField) {
  fill(5);
  tamper([](rocksdb::DB& db, auto& h) {
    std::string value;
    ASSERT_TRUE(db.Get({}, h[1], keys::encode_u64(3), &value).ok());
    ASSERT_EQ(value.front(), '\x02');
    value[17] = static_cast<char>(value[17] ^ 1);  // occurredAt, lowest byte
    ASSERT_TRUE(db.Put({}, h[1], keys::encode_u64(3), value).ok());
  });
  auto r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_position, 3U);
  EXPECT_EQ(r.problem, "hash chain broken: record 3 does not match the hash record 4 holds");

  tamper([](rocksdb::DB& db, auto& h) {
    std::string value;
    ASSERT_TRUE(db.Get({}, h[1], keys::encode_u64(2), &value).ok());
    value.back() = static_cast<char>(value.back() ^ 0x40);  // the last byte of prev
    ASSERT_TRUE(db.Put({}, h[1], keys::encode_u64(2), value).ok());
  });
  r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_position, 1U);
  EXPECT_EQ(r.problem, "hash chain broken: record 1 does not match the hash record 2 holds");
}

TEST_F(VerifyTest, FindsAnAlteredLastRecord) {
  fill(4);
  tamper([](rocksdb::DB& db, auto& h) {
    std::string value;
    ASSERT_TRUE(db.Get({}, h[1], keys::encode_u64(4), &value).ok());
    value.replace(value.find("return"), 6, "RETURN");
    ASSERT_TRUE(db.Put({}, h[1], keys::encode_u64(4), value).ok());
  });
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_position, 4U);
}

TEST_F(VerifyTest, FindsAGap) {
  fill(5);
  tamper(
      [](rocksdb::DB& db, auto& h) { ASSERT_TRUE(db.Delete({}, h[1], keys::encode_u64(2)).ok()); });
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_position, 2U);
  EXPECT_EQ(r.problem, "position missing: the next record is at 3");
}

TEST_F(VerifyTest, FindsABrokenStreamIndex) {
  fill(3);
  tamper([](rocksdb::DB& db, auto& h) {
    // case-1's only event is at position 2; point its index elsewhere.
    ASSERT_TRUE(db.Put({}, h[2], keys::stream_index("case-1", 1), keys::encode_u64(1)).ok());
  });
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_position, 2U);
  EXPECT_EQ(r.problem, "stream index does not point at the record");
}

TEST_F(VerifyTest, FindsAWrongHead) {
  fill(3);
  tamper([](rocksdb::DB& db, auto& h) {
    ASSERT_TRUE(db.Put({}, h[4], "case-0", keys::encode_u64(7)).ok());
  });
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem, "stream head does not match the last version of its stream");
}

}  // namespace
}  // namespace perspectief::testing

namespace perspectief::testing {
namespace {

// A record whose data is not JSON (an earlier version wrote `"hours":` and 64 NUL bytes for
// 1e300 in its replies; disk damage can do the same to a record): the envelope and the chain
// are whole, so every reader serves the record with dataDamaged and goes on with the rest;
// verify names its position.
TEST_F(VerifyTest, ARecordWithDamagedDataIsServedMarkedAndReported) {
  fill(1);
  NewEvent bad = event("PerspectiveChosen", R"({"track":"return"})");
  bad.data_json = std::string(R"({"hours":)") + std::string(64, '\0') + "}";
  ASSERT_TRUE(append("case-1", {bad}).ok());
  fill(2);
  auto all = store_->read_all(0, 10);
  ASSERT_TRUE(all.ok()) << all.error().internal;
  ASSERT_EQ(all->size(), 4U);
  EXPECT_FALSE((*all)[0].data_damaged);
  EXPECT_TRUE((*all)[1].data_damaged);
  EXPECT_TRUE((*all)[1].data.empty());
  EXPECT_EQ(to_json((*all)[1]).at("dataDamaged"), true);
  EXPECT_EQ(to_json((*all)[2]).if_contains("dataDamaged"), nullptr);
  EXPECT_FALSE((*all)[2].data_damaged);  // the reused decoder forgets the damage
  EXPECT_EQ((*all)[2].data.at("track"), "return");
  auto stream = store_->read_stream("case-1", 1, 10, Direction::forwards);
  ASSERT_TRUE(stream.ok());
  ASSERT_EQ(stream->size(), 2U);
  EXPECT_TRUE((*stream)[0].data_damaged);
  store_->close();
  std::vector<std::uint64_t> scanned;
  std::vector<std::uint64_t> damaged;
  ASSERT_TRUE(scan_store(dir_.sub("db"), 0, {}, [&](const Envelope& e) {
                scanned.push_back(e.position);
                if (e.data_damaged) damaged.push_back(e.position);
              }).ok());
  EXPECT_EQ(scanned, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(damaged, (std::vector<std::uint64_t>{2}));
  const auto r = verify_store(dir_.sub("db"));
  EXPECT_TRUE(r.ok) << r.problem;  // the log itself is whole: it can be backed up
  EXPECT_EQ(r.events, 4U);
  EXPECT_EQ(r.damaged_data, (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(damaged_data_problem(r),
            "1 record(s) hold data that is not valid JSON (served with dataDamaged, folded by no "
            "read model): position 2");
}

TEST_F(VerifyTest, AScanStopsAtAGapWithAnErrorAfterVisitingWhatCameBefore) {
  fill(5);
  tamper(
      [](rocksdb::DB& db, auto& h) { ASSERT_TRUE(db.Delete({}, h[1], keys::encode_u64(3)).ok()); });
  std::vector<std::uint64_t> visited;
  const auto s =
      scan_store(dir_.sub("db"), 0, {}, [&](const Envelope& e) { visited.push_back(e.position); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::corrupt);
  EXPECT_EQ(s.error().message, "position missing: the next record is at 4");
  EXPECT_EQ(visited, (std::vector<std::uint64_t>{1, 2}));
  // From after the gap on, the scan has nothing missing.
  visited.clear();
  ASSERT_TRUE(scan_store(dir_.sub("db"), 3, {}, [&](const Envelope& e) {
                visited.push_back(e.position);
              }).ok());
  EXPECT_EQ(visited, (std::vector<std::uint64_t>{4, 5}));
}

TEST_F(VerifyTest, AScanAfterTheLargestPositionVisitsNothing) {
  fill(3);
  store_->close();
  int visited = 0;
  ASSERT_TRUE(scan_store(dir_.sub("db"), UINT64_MAX, {}, [&](const Envelope&) { ++visited; }).ok());
  EXPECT_EQ(visited, 0);
}

}  // namespace
}  // namespace perspectief::testing
