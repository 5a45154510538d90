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

}  // namespace perspectief::api
