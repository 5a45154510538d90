#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/envelope.hpp"

namespace perspectief::fold_pages {

// Fold pages (column family `fold_pages`, docs/architecture.md "Fold pages"): the log once
// more, kEvents events to a value, in the form folds read it. A rebuild reads one RocksDB
// value per page instead of one per event. A page is derived data: it is written in the same
// WriteBatch as the event that completes it (so a page exists only beside all its events),
// never changed after, and a reader that finds no page for a stretch of the log reads the
// events themselves (a store written before pages, the last page still filling).
//
// Key: the page's first position (keys::encode_u64). Value: kTag, then for each event in
// position order its length (u32, little-endian) and its record as
// binary_record::append_for_folds writes it.
inline constexpr std::uint64_t kEvents = 256;
inline constexpr char kTag = '\x01';

// The first position of the page that holds `position` (positions start at 1).
constexpr std::uint64_t page_start(std::uint64_t position) {
  return (position - 1) / kEvents * kEvents + 1;
}
constexpr bool starts_page(std::uint64_t position) {
  return position % kEvents == 1;
}

// The writer's page being filled, one event after another in position order.
class PageBuilder {
 public:
  // `data_json`: the canonical JSON of the event's data. An event that does not follow the
  // last one added (nor starts a page) leaves the page unfinished: it is never taken.
  void add(const Envelope& e, std::string_view data_json);
  // The page, when the last add() completed it; the builder then starts on the next page.
  std::optional<std::string> take_full();
  // Drops the page being filled (a batch that was not written).
  void abandon();

 private:
  std::string bytes_;
  std::uint64_t next_ = 0;  // the position the next add() must have; 0: no page being filled
  std::uint64_t count_ = 0;
};

// The records of one page, one after another.
class PageReader {
 public:
  explicit PageReader(std::string_view page);
  // The next record, false at the end of the page or at damage (damaged()).
  bool next(std::string_view& record);
  bool damaged() const { return damaged_; }
  // Nothing left to read (or damaged).
  bool done() const { return damaged_ || rest_.empty(); }

 private:
  std::string_view rest_;
  bool damaged_ = false;
};

}  // namespace perspectief::fold_pages
