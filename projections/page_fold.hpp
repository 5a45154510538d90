#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "domain/stream_name.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief {

// An event's stream as a fold needs it, parsed once: its name (nullopt: not a stream of the
// programme, the event is skipped), and for a case stream the hash of its id in a CaseTable
// (0 for other streams).
struct ParsedStream {
  std::optional<StreamNameView> name;
  std::uint64_t case_hash = 0;
};

template <class Table>
ParsedStream parse_for_fold(std::string_view stream) {
  ParsedStream s{parse_stream_view(stream)};
  if (s.name && s.name->kind == StreamKind::case_file) s.case_hash = Table::hash(s.name->id);
  return s;
}

// Folds a page of the log in order, `fold(envelope, parsed stream)`, while the cases of the
// events a little further on are prefetched from `cases` (a CaseTable): first their index
// slot, then, once that has arrived, their entry. On a long log the cases an event touches
// are scattered over memory, and this overlaps the misses.
template <class Table, class Fold>
void fold_page(const Table& cases, std::span<const Envelope> page, Fold&& fold) {
  constexpr std::size_t kChunk = 256;
  constexpr std::size_t kSlotAhead = 16;
  constexpr std::size_t kEntryAhead = 8;
  std::array<ParsedStream, kChunk> streams;
  for (std::size_t start = 0; start < page.size(); start += kChunk) {
    const auto chunk = page.subspan(start, std::min(kChunk, page.size() - start));
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      streams[i] = parse_for_fold<Table>(chunk[i].stream);
    }
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (i + kSlotAhead < chunk.size() && streams[i + kSlotAhead].case_hash != 0) {
        cases.prefetch_slot(streams[i + kSlotAhead].case_hash);
      }
      if (i + kEntryAhead < chunk.size() && streams[i + kEntryAhead].case_hash != 0) {
        cases.prefetch_entry(streams[i + kEntryAhead].case_hash);
      }
      fold(chunk[i], streams[i]);
    }
  }
}

}  // namespace perspectief
