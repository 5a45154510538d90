#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace perspectief {

// JSON text with object keys sorted, no whitespace: equal values give equal text, whatever the
// order a client sent the keys in. Used to compare a resent event with the stored one.
std::string canonical_json(const boost::json::value& v);

}  // namespace perspectief
