#include "projections/fold_scan.hpp"

#include <vector>

#include "eventstore/scan.hpp"
#include "projections/fold_parser.hpp"
#include "projections/start_up.hpp"

namespace perspectief {

Status scan_for_folds(
    ReadOnlyStore& store, std::uint64_t after,
    const std::function<void(std::span<const Envelope>, std::span<const ParsedEnvelope>)>& visit) {
  FoldParser parser;
  std::vector<ParsedEnvelope> parsed;
  return scan_store_text_pages(store, after, upcast_envelope, [&](std::span<Envelope> page) {
    parser.parse(page, parsed);
    visit(page, parsed);
  });
}

}  // namespace perspectief
