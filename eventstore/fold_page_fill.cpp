#include "eventstore/fold_page_fill.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <memory>

#include "domain/canonical_json.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/log_cursor.hpp"
#include "eventstore/log_reads.hpp"

namespace perspectief::fold_pages {
namespace {

// Reads `first`..`last` into `builder`, handing over each page it completes. false at a
// record that does not decode or a gap (the page is abandoned); unavailable if the store
// cannot be read.
template <class OnPage>
Result<bool> read_into(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events, std::uint64_t first,
                       std::uint64_t last, PageBuilder& builder, OnPage on_page) {
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  LogCursor cursor{db, events, nullptr, read, first - 1, Decoding::for_folds, last};
  Envelope e;
  std::uint64_t expected = first;
  while (cursor.next(e) && e.position == expected) {
    ++expected;
    add_stored(builder, e);
    if (auto page = builder.take_full()) on_page(page_start(e.position), std::move(*page));
  }
  if (expected > last) return true;
  builder.abandon();
  if (!cursor.status() && cursor.status().error().code != ErrorCode::corrupt) {
    return cursor.status().error();
  }
  return false;
}

}  // namespace

void add_stored(PageBuilder& builder, Envelope& e) {
  if (e.data_damaged) {
    builder.abandon();
    return;
  }
  if (e.data_text.empty()) e.data_text = canonical_json(boost::json::value(e.data));
  builder.add(e, e.data_text);
}

bool fill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events, std::uint64_t first,
          std::uint64_t last, PageBuilder& builder) {
  // `last` ends no page, so no page is completed here.
  const auto whole =
      read_into(db, events, first, last, builder, [](std::uint64_t, std::string&&) {});
  return whole && *whole;
}

Result<std::uint64_t> backfill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
                               rocksdb::ColumnFamilyHandle* pages, std::uint64_t last) {
  std::uint64_t below = last / kEvents * kEvents + 1;  // the first page that is not full
  {
    std::unique_ptr<rocksdb::Iterator> it{db.NewIterator({}, pages)};
    it->SeekToFirst();
    if (it->Valid())
      below = std::min(below, keys::decode_u64({it->key().data(), it->key().size()}));
    if (!it->status().ok()) return store_error(it->status());
  }
  std::uint64_t written = 0;
  for (std::uint64_t end = below - 1; end > 0;) {
    const std::uint64_t span = kPagesPerBatch * kEvents;
    const std::uint64_t first = end > span ? end - span + 1 : 1;
    rocksdb::WriteBatch batch;
    std::uint64_t in_batch = 0;
    PageBuilder builder;
    const auto whole =
        read_into(db, events, first, end, builder, [&](std::uint64_t start, std::string&& page) {
          batch.Put(pages, keys::encode_u64(start), page);
          ++in_batch;
        });
    if (!whole) return whole.error();
    if (!*whole) break;  // a damaged record: this batch and the ones below it stay unwritten
    if (const auto s = db.Write({}, &batch); !s.ok()) return store_error(s);
    written += in_batch;
    end = first - 1;
  }
  return written;
}

}  // namespace perspectief::fold_pages
