#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "eventstore/envelope.hpp"

namespace perspectief {

// The hash (CaseTable::hash) of the case id of a `case-{id}` stream; 0 for other streams.
template <class Table>
std::uint64_t case_hash(std::string_view stream) {
  constexpr std::string_view kPrefix = "case-";
  return stream.starts_with(kPrefix) ? Table::hash(stream.substr(kPrefix.size())) : 0;
}

// Folds a page of the log in order, `fold(envelope, h)` with h = case_hash of its stream,
// while the cases of the events a little further on are prefetched from `cases` (a
// CaseTable): first their index slot, then, once that has arrived, their entry. On a long
// log the cases an event touches are scattered over memory, and this overlaps the misses.
template <class Table, class Fold>
void fold_page(const Table& cases, std::span<const Envelope> page, Fold&& fold) {
  constexpr std::size_t kChunk = 256;
  constexpr std::size_t kSlotAhead = 16;
  constexpr std::size_t kEntryAhead = 8;
  std::array<std::uint64_t, kChunk> hashes;
  for (std::size_t start = 0; start < page.size(); start += kChunk) {
    const auto chunk = page.subspan(start, std::min(kChunk, page.size() - start));
    for (std::size_t i = 0; i < chunk.size(); ++i) hashes[i] = case_hash<Table>(chunk[i].stream);
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (i + kSlotAhead < chunk.size() && hashes[i + kSlotAhead] != 0) {
        cases.prefetch_slot(hashes[i + kSlotAhead]);
      }
      if (i + kEntryAhead < chunk.size() && hashes[i + kEntryAhead] != 0) {
        cases.prefetch_entry(hashes[i + kEntryAhead]);
      }
      fold(chunk[i], hashes[i]);
    }
  }
}

}  // namespace perspectief
