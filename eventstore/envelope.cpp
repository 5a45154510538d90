#include "eventstore/envelope.hpp"

namespace perspectief {

boost::json::object to_json(const Envelope& e) {
  boost::json::object o;
  o.reserve(10);
  o["position"] = e.position;
  o["stream"] = e.stream;
  o["version"] = e.version;
  o["eventId"] = e.event_id;
  o["type"] = e.type;
  o["schemaVersion"] = e.schema_version;
  o["occurredAt"] = format_rfc3339(e.occurred_at);
  o["recordedAt"] = format_rfc3339(e.recorded_at);
  o["actor"] = boost::json::object{{"subject", e.actor.subject},
                                   {"organisation", e.actor.organisation},
                                   {"role", to_string(e.actor.role)}};
  o["data"] = e.data;
  if (e.data_damaged) o["dataDamaged"] = true;
  return o;
}

}  // namespace perspectief
