#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

#include "api/http_types.hpp"

namespace perspectief::api {

// 400 for a path whose {…Id} is not an id.
Response bad_path_id();

// ETag: "<version>" (a stream's or a case's version).
void set_etag(Response& res, std::uint64_t version);

// A page's `next` cursor: null when nothing follows.
boost::json::value next_cursor(const std::string& next);

}  // namespace perspectief::api
