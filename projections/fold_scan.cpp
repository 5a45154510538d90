#include "projections/fold_scan.hpp"

#include <vector>

#include "domain/event_catalogue.hpp"
#include "domain/flat_fields.hpp"
#include "eventstore/json_fast_path.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/scan.hpp"
#include "projections/start_up.hpp"

namespace perspectief {

Status scan_for_folds(
    ReadOnlyStore& store, std::uint64_t after,
    const std::function<void(std::span<const Envelope>, std::span<const ParsedEnvelope>)>& visit) {
  RecordDecoder objects;  // data not read from its text
  std::vector<FlatField> fields;
  std::vector<ParsedEnvelope> parsed;
  return scan_store_text_pages(store, after, [&](std::span<Envelope> page) {
    parsed.clear();
    parsed.reserve(page.size());
    for (auto& e : page) {
      if (!e.data_text.empty() && e.schema_version >= kCurrentSchemaVersion &&
          fast_json::flat_members(e.data_text, fields)) {
        parsed.push_back(parse_envelope(e, FlatFields{fields}));
        continue;
      }
      objects.read_data_text(e);
      upcast_envelope(e);
      parsed.push_back(parse_envelope(e));
    }
    visit(page, parsed);
  });
}

}  // namespace perspectief
