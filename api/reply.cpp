#include "api/reply.hpp"

#include <boost/beast/http/field.hpp>

#include "api/problem.hpp"

namespace perspectief::api {

Response bad_path_id() {
  return problem(400, "the id in the path must be 1-64 characters of [A-Za-z0-9_-]",
                 {{"path", "bad id"}});
}

void set_etag(Response& res, std::uint64_t version) {
  res.set(boost::beast::http::field::etag, "\"" + std::to_string(version) + "\"");
}

boost::json::value next_cursor(const std::string& next) {
  return next.empty() ? boost::json::value(nullptr) : boost::json::value(next);
}

bool is_json_content_type(std::string_view ct) {
  const auto semi = ct.find(';');
  auto media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media.size() != 16) return false;
  for (std::size_t i = 0; i < media.size(); ++i) {
    const char c =
        media[i] >= 'A' && media[i] <= 'Z' ? static_cast<char>(media[i] - 'A' + 'a') : media[i];
    if (c != "application/json"[i]) return false;
  }
  return true;
}

Response not_json(std::string_view what) {
  return problem(415, "send the " + std::string{what} + " as application/json");
}

}  // namespace perspectief::api
