#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace perspectief::api {

// Whether a Content-Type header names application/json (parameters such as charset aside).
bool is_json_content_type(std::string_view content_type);

// 415 for a POST whose body (`what`: "events", "subscription") is not sent as
// application/json.
Response not_json(std::string_view what);

// 400 for a path whose {…Id} is not an id.
Response bad_path_id();

// ETag: "<version>" (a stream's or a case's version).
void set_etag(Response& res, std::uint64_t version);

// A page's `next` cursor: null when nothing follows.
boost::json::value next_cursor(const std::string& next);

}  // namespace perspectief::api
