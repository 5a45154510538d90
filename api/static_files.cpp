#include "api/static_files.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/problem.hpp"

namespace perspectief::api {
namespace {

namespace http = boost::beast::http;

std::string_view content_type(std::string_view name) {
  const auto dot = name.rfind('.');
  const auto ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "yaml") return "application/yaml";
  return "application/octet-stream";
}

Response file_reply(std::string_view name, std::string bytes) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, content_type(name));
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
          "frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set(http::field::cache_control, "no-cache");
  res.body() = std::move(bytes);
  res.prepare_payload();
  return res;
}

bool plain_file_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

}  // namespace

Response static_file_response(std::string_view name, const std::string& override_dir) {
  if (!override_dir.empty() && plain_file_name(name)) {
    std::ifstream in{std::filesystem::path{override_dir} / std::string{name}, std::ios::binary};
    if (in) {
      return file_reply(name,
                        {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()});
    }
  }
  for (const auto& f : embedded_files()) {
    if (f.name == name) return file_reply(name, std::string{f.bytes});
  }
  return problem(404, "no such file");
}

Response static_route_response(RouteId route, const std::string& file,
                               const std::string& dashboard_dir) {
  switch (route) {
    case RouteId::openapi:
      return static_file_response("openapi.json");
    case RouteId::dashboard_index:
      return static_file_response("index.html", dashboard_dir);
    default:
      // The index and the contract have their own paths: not served a second time here.
      return file == "index.html" || file == "openapi.json"
                 ? problem(404, "no such file")
                 : static_file_response(file, dashboard_dir);
  }
}

}  // namespace perspectief::api
