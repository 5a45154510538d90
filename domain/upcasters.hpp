#pragma once

#include <boost/json/object.hpp>

#include <string_view>

namespace perspectief {

// Schema evolution: events are immutable, so older shapes stay in the log and are turned into
// the current shape when read. Each upcaster takes one type from version N to N+1; upcast()
// applies them in turn until kCurrentSchemaVersion. Returns the version reached (the current
// one, or the stored one if no upcaster covers it).
int upcast(std::string_view type, int schema_version, boost::json::object& data);

}  // namespace perspectief
