#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/events.hpp"
#include "domain/flat_fields.hpp"
#include "domain/stream_name.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief {

// An event's stream as a fold needs it: its name (nullopt: not a stream of the programme,
// the event is skipped), and for a case stream the hash of its id in a CaseTable (0 for
// other streams).
struct ParsedStream {
  std::optional<StreamNameView> name;
  std::uint64_t case_hash = 0;
};

// An envelope as the folds read it, parsed once for all of them (Projector folds a page
// into every read model): its stream, and its data as a typed event of that stream's kind.
// No event (monostate) when the stream is not one of the programme, the data is damaged
// (Envelope::data_damaged), or the data does not parse as an event of the stream's kind.
// The typed event refers to the envelope's data: it lives no longer than the envelope.
struct ParsedEnvelope {
  ParsedStream stream;
  std::variant<std::monostate, ProgrammeEvent, LocationEvent, ActivityEvent, CaseEvent> event;
};

ParsedEnvelope parse_envelope(const Envelope& envelope);
// The same with the envelope's data given as the members of its stored text (fold_scan.hpp):
// the typed event refers to that text.
ParsedEnvelope parse_envelope(const Envelope& envelope, FlatFields data);

// Parses a page of envelopes into `out` (resized to the page; its capacity is kept for the
// next page).
void parse_page(std::span<const Envelope> page, std::vector<ParsedEnvelope>& out);

// Calls fold(chunk, parse(chunk)) for each 256 envelopes of `page`, where parse returns the
// chunk's ParsedEnvelopes: what the folds read of an envelope is still in the cache when they
// fold it.
template <class Envelopes, class Parse, class Fold>
void fold_in_chunks(std::span<Envelopes> page, Parse&& parse, Fold&& fold) {
  constexpr std::size_t kChunk = 256;
  for (std::size_t start = 0; start < page.size(); start += kChunk) {
    const auto chunk = page.subspan(start, std::min(kChunk, page.size() - start));
    const std::span<const ParsedEnvelope> parsed = parse(chunk);
    fold(chunk, parsed);
  }
}

// The same with each chunk parsed by parse_page into `parsed`.
template <class Fold>
void fold_parsed_chunks(std::span<const Envelope> page, std::vector<ParsedEnvelope>& parsed,
                        Fold&& fold) {
  fold_in_chunks(
      page,
      [&](std::span<const Envelope> chunk) {
        parse_page(chunk, parsed);
        return std::span<const ParsedEnvelope>{parsed};
      },
      fold);
}

}  // namespace perspectief
