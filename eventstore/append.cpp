#include "eventstore/append.hpp"

#include "domain/canonical_json.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {

NewEvent make_new_event(std::string event_id, std::string type, std::optional<Micros> occurred_at,
                        boost::json::object data, int schema_version) {
  NewEvent e;
  e.event_id = std::move(event_id);
  e.type = std::move(type);
  e.schema_version = schema_version;
  e.occurred_at = occurred_at;
  e.data_json = canonical_json(data);
  e.data = std::move(data);
  std::string material = e.type;
  material += '\n';
  material += std::to_string(schema_version);
  material += '\n';
  material += e.data_json;
  const Sha256 h = sha256(material);
  e.content_hash.assign(reinterpret_cast<const char*>(h.data()), h.size());
  return e;
}

}  // namespace perspectief
