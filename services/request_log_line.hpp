#pragma once

#include <string>

#include "api/http_server.hpp"
#include "domain/time.hpp"

namespace perspectief {

// One line of the server's request log (JSON): time, request id, method, route template,
// status, duration, role. Route templates only: no ids, no bodies, nothing personal.
std::string request_log_line(const api::RequestLog& r, Micros now);

}  // namespace perspectief
