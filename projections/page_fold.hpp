#pragma once

#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

#include "eventstore/envelope.hpp"
#include "projections/parsed_envelope.hpp"

namespace perspectief {

// Folds a page of the log in order, `fold(envelope, parsed)`, with `parsed` the page parsed
// once (parse_page) for every read model that folds it, while the cases of the events a
// little further on are prefetched from `cases` (a CaseTable): first their index slot, then,
// once that has arrived, their entry. On a long log the cases an event touches are scattered
// over memory, and this overlaps the misses.
template <class Table, class Fold>
void fold_page(const Table& cases, std::span<const Envelope> page,
               std::span<const ParsedEnvelope> parsed, Fold&& fold) {
  constexpr std::size_t kSlotAhead = 16;
  constexpr std::size_t kEntryAhead = 8;
  assert(parsed.size() == page.size());
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (i + kSlotAhead < page.size() && parsed[i + kSlotAhead].stream.case_hash != 0) {
      cases.prefetch_slot(parsed[i + kSlotAhead].stream.case_hash);
    }
    if (i + kEntryAhead < page.size() && parsed[i + kEntryAhead].stream.case_hash != 0) {
      cases.prefetch_entry(parsed[i + kEntryAhead].stream.case_hash);
    }
    fold(page[i], parsed[i]);
  }
}

// The same for a page no other read model folds: parsed here, a chunk at a time.
template <class Table, class Fold>
void fold_page(const Table& cases, std::span<const Envelope> page, Fold&& fold) {
  std::vector<ParsedEnvelope> parsed;
  fold_parsed_chunks(page, parsed,
                     [&](std::span<const Envelope> chunk, std::span<const ParsedEnvelope> p) {
                       fold_page(cases, chunk, p, fold);
                     });
}

}  // namespace perspectief
