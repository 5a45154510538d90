// Fold pages (eventstore/fold_pages.hpp): the log once more, 256 events to a value, written
// with the event that completes a page and read by scans and read_all_for_folds in place of
// the events; a store without them reads the events, and gets them at its next open.
#include "eventstore/fold_pages.hpp"
#include "eventstore/fold_page_fill.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "eventstore/keys.hpp"
#include "eventstore/log_cursor.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/scan.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

using fold_pages::kEvents;

Envelope envelope_at(std::uint64_t position) {
  Envelope e;
  e.position = position;
  e.stream = "case-" + std::to_string(position % 7);
  e.version = position;
  e.event_id = "id-" + std::to_string(position);
  e.type = "PerspectiveChosen";
  e.occurred_at = kT0 + static_cast<Micros>(position);
  e.recorded_at = kT0 + static_cast<Micros>(position) + 1;
  e.actor = Actor{"subject", "org-1", Role::legal};
  e.sealed = "ciphertext";
  return e;
}

// What a fold reads of an envelope.
using Seen = std::tuple<std::uint64_t, std::string, std::uint64_t, std::string, int, Micros, Micros,
                        Role, std::string, std::string, std::string, std::string>;
Seen seen(const Envelope& e) {
  return {e.position,    e.stream,     e.version,   e.type,     e.schema_version, e.occurred_at,
          e.recorded_at, e.actor.role, e.data_text, e.event_id, e.actor.subject,  e.sealed};
}

TEST(FoldPages, APageIsTakenOnlyWhenItsLastEventIsAdded) {
  fold_pages::PageBuilder builder;
  for (std::uint64_t p = 1; p <= kEvents; ++p) {
    EXPECT_FALSE(builder.take_full().has_value()) << p;
    builder.add(envelope_at(p), R"({"track":"return"})");
  }
  const auto page = builder.take_full();
  ASSERT_TRUE(page.has_value());
  EXPECT_FALSE(builder.take_full().has_value());  // taken once

  fold_pages::PageReader reader{*page};
  RecordDecoder decoder{Decoding::for_folds};
  std::string_view record;
  std::uint64_t n = 0;
  while (reader.next(record)) {
    Envelope e;
    ASSERT_TRUE(decoder.decode(record, e).ok());
    ++n;
    EXPECT_EQ(e.position, n);
    EXPECT_EQ(e.stream, "case-" + std::to_string(n % 7));
    EXPECT_EQ(e.data_text, R"({"track":"return"})");
    EXPECT_EQ(e.actor.role, Role::legal);
    // Not in a page: the event id, the actor's names and the sealed fields.
    EXPECT_EQ(e.event_id, "");
    EXPECT_EQ(e.actor.subject, "");
    EXPECT_EQ(e.sealed, "");
  }
  EXPECT_FALSE(reader.damaged());
  EXPECT_EQ(n, kEvents);
}

TEST(FoldPages, AGapLeavesThePageUntaken) {
  fold_pages::PageBuilder builder;
  for (std::uint64_t p = 1; p <= kEvents; ++p) {
    if (p != 100) builder.add(envelope_at(p), "{}");
  }
  EXPECT_FALSE(builder.take_full().has_value());
  // The next page starts over.
  for (std::uint64_t p = kEvents + 1; p <= 2 * kEvents; ++p) builder.add(envelope_at(p), "{}");
  EXPECT_TRUE(builder.take_full().has_value());
  // An abandoned page stays untaken even when its positions go on.
  for (std::uint64_t p = 2 * kEvents + 1; p <= 3 * kEvents; ++p) {
    builder.add(envelope_at(p), "{}");
    if (p == 2 * kEvents + 10) builder.abandon();
  }
  EXPECT_FALSE(builder.take_full().has_value());
}

TEST(FoldPages, AReaderFindsACutShortOrForeignPage) {
  fold_pages::PageBuilder builder;
  for (std::uint64_t p = 1; p <= kEvents; ++p) builder.add(envelope_at(p), "{}");
  const std::string page = *builder.take_full();
  std::string_view record;

  fold_pages::PageReader cut{std::string_view{page}.substr(0, page.size() - 3)};
  std::uint64_t n = 0;
  while (cut.next(record)) ++n;
  EXPECT_EQ(n, kEvents - 1);
  EXPECT_TRUE(cut.damaged());

  fold_pages::PageReader foreign{"{\"not\":\"a page\"}"};
  EXPECT_FALSE(foreign.next(record));
  EXPECT_TRUE(foreign.damaged());
}

TEST(FoldPages, PageStarts) {
  EXPECT_EQ(fold_pages::page_start(1), 1U);
  EXPECT_EQ(fold_pages::page_start(256), 1U);
  EXPECT_EQ(fold_pages::page_start(257), 257U);
  EXPECT_TRUE(fold_pages::starts_page(513));
  EXPECT_FALSE(fold_pages::starts_page(512));
}

class FoldPagesStoreTest : public StoreTest {
 protected:
  // `n` events, some in requests of three, from position `from`.
  void fill(std::uint64_t from, std::uint64_t to) {
    std::uint64_t p = from;
    while (p <= to) {
      std::vector<NewEvent> events;
      const std::uint64_t k = (p % 5 == 0 && p + 2 <= to) ? 3 : 1;
      for (std::uint64_t i = 0; i < k; ++i) {
        events.push_back(event("ParticipationRecorded",
                               R"({"activity":"Taalcafé","organisation":"org-a","hours":2})"));
      }
      const auto r = append("case-" + std::to_string(p % 11), std::move(events));
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_EQ(r->position, p + k - 1);
      p += k;
    }
  }

  // Every event's record decoded for folds, straight from the events column family.
  std::vector<Seen> from_events(ReadOnlyStore& store) {
    std::vector<Seen> out;
    std::unique_ptr<rocksdb::Iterator> it{store.db().NewIterator({}, store.cf(kEventsCf))};
    RecordDecoder decoder{Decoding::for_folds};
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Envelope e;
      EXPECT_TRUE(decoder.decode({it->value().data(), it->value().size()}, e).ok());
      out.push_back(seen(e));
    }
    return out;
  }

  std::vector<Seen> scanned(ReadOnlyStore& store, std::uint64_t after = 0) {
    std::vector<Seen> out;
    const auto s = scan_store_text_pages(store, after, nullptr, [&](std::span<Envelope> page) {
      for (const auto& e : page) out.push_back(seen(e));
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return out;
  }

  std::vector<std::uint64_t> page_keys(ReadOnlyStore& store) {
    std::vector<std::uint64_t> keys;
    if (store.cf(kFoldPagesCf) == nullptr) return keys;
    std::unique_ptr<rocksdb::Iterator> it{store.db().NewIterator({}, store.cf(kFoldPagesCf))};
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      keys.push_back(keys::decode_u64({it->key().data(), it->key().size()}));
    }
    return keys;
  }

  std::unique_ptr<ReadOnlyStore> read_only() {
    if (store_) store_->close();
    auto r = ReadOnlyStore::open(dir_.sub("db"));
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r).value();
  }
};

TEST_F(FoldPagesStoreTest, ThePageIsWrittenInTheBatchOfTheEventThatCompletesIt) {
  fill(1, kEvents - 1);
  EXPECT_EQ(page_keys(*read_only()), std::vector<std::uint64_t>{});
  reopen();
  fill(kEvents, kEvents);
  EXPECT_EQ(page_keys(*read_only()), std::vector<std::uint64_t>{1});
}

TEST_F(FoldPagesStoreTest, AScanReadsThePagesAsTheEvents) {
  fill(1, 300);
  reopen();  // mid-page: the open reads 257-300 back into the page being filled
  fill(301, 600);
  auto store = read_only();
  EXPECT_EQ(page_keys(*store), (std::vector<std::uint64_t>{1, 257}));
  const auto events = from_events(*store);
  ASSERT_EQ(events.size(), 600U);
  EXPECT_EQ(std::get<8>(events[599]),
            R"({"activity":"Taalcafé","hours":2,"organisation":"org-a"})");
  EXPECT_EQ(scanned(*store), events);
  // From inside a page, and from the start of one.
  EXPECT_EQ(scanned(*store, 100), std::vector<Seen>(events.begin() + 100, events.end()));
  EXPECT_EQ(scanned(*store, 256), std::vector<Seen>(events.begin() + 256, events.end()));
}

TEST_F(FoldPagesStoreTest, ReadAllForFoldsReadsThePagesAsTheEvents) {
  fill(1, 600);
  std::vector<Seen> paged;
  for (std::uint64_t after = 0;;) {
    auto page = store_->read_all_for_folds(after, 100);
    ASSERT_TRUE(page.ok()) << page.error().message;
    if (page->empty()) break;
    for (const auto& e : *page) paged.push_back(seen(e));
    after = page->back().position;
  }
  auto store = read_only();
  EXPECT_EQ(paged, from_events(*store));
}

TEST_F(FoldPagesStoreTest, AStoreWrittenBeforePagesIsReadFromItsEventsAndGetsThemAtItsNextOpen) {
  fill(1, 600);
  tamper([](rocksdb::DB& db, std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
    ASSERT_TRUE(db.DropColumnFamily(cfs[kFoldPagesCf]).ok());
  });
  {
    auto store = read_only();
    EXPECT_EQ(store->cf(kFoldPagesCf), nullptr);
    EXPECT_EQ(scanned(*store), from_events(*store));
  }
  reopen();  // makes the column family and the two full pages; 513-600 fills
  EXPECT_EQ(store_->backfilled_fold_pages(), 2U);
  fill(601, 800);
  auto store = read_only();
  EXPECT_EQ(page_keys(*store), (std::vector<std::uint64_t>{1, 257, 513}));
  const auto events = from_events(*store);
  ASSERT_EQ(events.size(), 800U);
  EXPECT_EQ(scanned(*store), events);
}

TEST_F(FoldPagesStoreTest, AnOpenWritesThePagesBelowTheFirstOneInBatchesFromTheTop) {
  // 66 full pages: one batch of 64, then one of 2.
  const std::uint64_t n = (fold_pages::kPagesPerBatch + 2) * kEvents + 10;
  for (std::uint64_t p = 1; p <= n; p += 100) {
    std::vector<NewEvent> events;
    for (std::uint64_t i = p; i < p + 100 && i <= n; ++i) {
      events.push_back(event("PerspectiveChosen", R"({"track":"return"})"));
    }
    ASSERT_TRUE(append("case-" + std::to_string(p % 13), std::move(events)).ok());
  }
  // As if a stop had come after the first batch: only the top 64 pages are there.
  tamper([](rocksdb::DB& db, std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
    ASSERT_TRUE(db.Delete({}, cfs[kFoldPagesCf], keys::encode_u64(1)).ok());
    ASSERT_TRUE(db.Delete({}, cfs[kFoldPagesCf], keys::encode_u64(257)).ok());
  });
  reopen();
  EXPECT_EQ(store_->backfilled_fold_pages(), 2U);
  reopen();
  EXPECT_EQ(store_->backfilled_fold_pages(), 0U);
  auto store = read_only();
  EXPECT_EQ(page_keys(*store).size(), fold_pages::kPagesPerBatch + 2);
  EXPECT_EQ(scanned(*store), from_events(*store));
  // And all of them from nothing.
  tamper([](rocksdb::DB& db, std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
    ASSERT_TRUE(db.DropColumnFamily(cfs[kFoldPagesCf]).ok());
  });
  reopen();
  EXPECT_EQ(store_->backfilled_fold_pages(), fold_pages::kPagesPerBatch + 2);
  store = read_only();
  EXPECT_EQ(scanned(*store), from_events(*store));
}

TEST_F(FoldPagesStoreTest, ACursorStopsAtItsLastPositionOrTheEndAndStaysStopped) {
  fill(1, 300);
  auto store = read_only();
  for (const std::uint64_t last : {std::uint64_t{5}, std::uint64_t{256}, std::uint64_t{300},
                                   std::numeric_limits<std::uint64_t>::max()}) {
    LogCursor cursor{
        store->db(), store->cf(kEventsCf), store->cf(kFoldPagesCf), {}, 0, Decoding::for_folds,
        last};
    Envelope e;
    std::uint64_t n = 0;
    while (cursor.next(e)) EXPECT_EQ(e.position, ++n);
    EXPECT_EQ(n, std::min<std::uint64_t>(last, 300)) << last;
    EXPECT_FALSE(cursor.next(e));  // and again: never past the end of an iterator
    EXPECT_FALSE(cursor.next(e));
    EXPECT_TRUE(cursor.status().ok()) << cursor.status().error().message;
  }
}

TEST_F(FoldPagesStoreTest, ADamagedPageIsReportedByItsPosition) {
  fill(1, 600);
  tamper([](rocksdb::DB& db, std::vector<rocksdb::ColumnFamilyHandle*>& cfs) {
    ASSERT_TRUE(db.Put({}, cfs[kFoldPagesCf], keys::encode_u64(257), "\x01\x05\x00").ok());
  });
  auto store = read_only();
  std::uint64_t visited = 0;
  const auto s = scan_store_text_pages(*store, 0, nullptr,
                                       [&](std::span<Envelope> page) { visited += page.size(); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::corrupt);
  EXPECT_EQ(s.error().message,
            "the fold page at position 257 is damaged: the operator should run `perspectief "
            "verify`");
  EXPECT_EQ(visited, 256U);  // the first page, read before the damaged one
}

}  // namespace
}  // namespace perspectief::testing
