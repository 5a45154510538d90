#pragma once

#include <span>
#include <string_view>

#include "api/http_types.hpp"
#include "api/router.hpp"

namespace perspectief::api {

// A file built into the server (the dashboard's files and the OpenAPI document).
struct StaticFile {
  std::string_view name;  // e.g. "app.js", "openapi.json"
  std::string_view bytes;
};

// Generated at build time by cmake/embed_files.cmake.
std::span<const StaticFile> embedded_files();

// The reply for a built-in file: its bytes with a content type from the extension, a strict
// Content-Security-Policy (nothing from outside the server, no inline code), no-sniff, no
// referrer, no framing. 404 for a name that is not built in. With `override_dir` (the
// server's --dashboard-dir, for working on the dashboard without rebuilding), a file of that
// name in that directory is served instead.
Response static_file_response(std::string_view name, const std::string& override_dir = {});

// The reply of a static route: the OpenAPI document, the dashboard's index, or (for
// dashboard_file) the dashboard file named `file`.
Response static_route_response(RouteId route, const std::string& file,
                               const std::string& dashboard_dir);

}  // namespace perspectief::api
