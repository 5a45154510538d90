#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace perspectief {

// JSON text as the API sends it: keys in insertion order, no whitespace, and numbers in their
// shortest plain form ("0.6667", "101", never "1.01E2" as Boost.JSON 1.81 writes doubles).
std::string json_text(const boost::json::value& v);

// Appends `s` as a JSON string: quoted, with the escapes JSON needs.
void append_json_string(std::string& out, std::string_view s);

}  // namespace perspectief
