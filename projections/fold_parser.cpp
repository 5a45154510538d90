#include "projections/fold_parser.hpp"

#include "domain/event_catalogue.hpp"
#include "eventstore/json_fast_path.hpp"
#include "projections/start_up.hpp"

namespace perspectief {

void FoldParser::parse(std::span<Envelope> page, std::vector<ParsedEnvelope>& out) {
  out.clear();
  out.reserve(page.size());
  for (auto& e : page) {
    if (e.data_text.empty()) {  // decoded whole (and upcast by the store)
      out.push_back(parse_envelope(e));
      continue;
    }
    if (e.schema_version >= kCurrentSchemaVersion &&
        fast_json::flat_members(e.data_text, fields_)) {
      out.push_back(parse_envelope(e, FlatFields{fields_}));
      continue;
    }
    objects_.read_data_text(e);
    upcast_envelope(e);
    out.push_back(parse_envelope(e));
  }
}

}  // namespace perspectief
