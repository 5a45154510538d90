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
  e.content_hash = content_hash(e.type, schema_version, e.data_json);
  return e;
}

std::string content_hash(std::string_view type, int schema_version, std::string_view data_json,
                         std::string_view sealed_digest) {
  std::string material{type};
  material += '\n';
  material += std::to_string(schema_version);
  material += '\n';
  material += data_json;
  if (!sealed_digest.empty()) {
    material += '\n';
    material += sealed_digest;
  }
  const Sha256 h = sha256(material);
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

void hash_events(std::vector<NewEvent>& events) {
  for (auto& e : events) {
    if (!e.content_hash.empty()) continue;
    e.data_json = canonical_json(e.data);
    e.content_hash = content_hash(e.type, e.schema_version, e.data_json);
  }
}

}  // namespace perspectief
