#pragma once

#include <span>
#include <vector>

#include "domain/flat_fields.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/record_codec.hpp"
#include "projections/parsed_envelope.hpp"

namespace perspectief {

// Parses envelopes for the folds whichever way the store decoded them. An envelope decoded
// for folds (Decoding::for_folds: its data as stored text) whose data is a flat object, of
// the current schema version, is read from that text straight into its typed event; any other
// is given its `data` object first (and upcast), then parsed as parse_envelope does. Whole
// envelopes are parsed as parse_envelope does.
class FoldParser {
 public:
  // `out` is resized to the page (its capacity kept). The typed events refer to the page's
  // envelopes, which may have been given their `data` object here.
  void parse(std::span<Envelope> page, std::vector<ParsedEnvelope>& out);

 private:
  RecordDecoder objects_;  // data not read from its text
  std::vector<FlatField> fields_;
};

// fold_in_chunks (parsed_envelope.hpp) with each chunk parsed by `parser` into `parsed`.
template <class Fold>
void fold_parsed_chunks(std::span<Envelope> page, FoldParser& parser,
                        std::vector<ParsedEnvelope>& parsed, Fold&& fold) {
  fold_in_chunks(
      page,
      [&](std::span<Envelope> chunk) {
        parser.parse(chunk, parsed);
        return std::span<const ParsedEnvelope>{parsed};
      },
      fold);
}

}  // namespace perspectief
