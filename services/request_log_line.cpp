#include "services/request_log_line.hpp"

#include <array>
#include <cstdio>

#include "domain/json_text.hpp"

namespace perspectief {

// Written directly, not through a JSON value: this runs for every request.
std::string request_log_line(const api::RequestLog& r, Micros now) {
  std::string line;
  line.reserve(192);
  line += R"({"time":")";
  line += format_rfc3339(now);
  line += R"(","requestId":)";
  append_json_string(line, r.request_id);
  line += R"(,"method":)";
  append_json_string(line, r.method);
  line += R"(,"route":)";
  append_json_string(line, r.route);
  line += R"(,"status":)";
  line += std::to_string(r.status);
  std::array<char, 32> ms{};
  std::snprintf(ms.data(), ms.size(), "%.3f", r.seconds * 1000.0);
  line += R"(,"durationMs":)";
  line += ms.data();
  line += R"(,"role":)";
  append_json_string(line, r.role);
  line += '}';
  return line;
}

}  // namespace perspectief
