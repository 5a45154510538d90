#include "api/problem.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "domain/json_text.hpp"
#include "domain/time.hpp"

namespace perspectief::api {
namespace {

struct Kind {
  std::string_view slug;
  std::string_view title;
};

Kind kind_of(unsigned status) {
  switch (status) {
    case 400:
      return {"invalid-request", "The request is not valid"};
    case 401:
      return {"unauthorized", "A valid bearer token is required"};
    case 403:
      return {"forbidden", "This role may not do that"};
    case 404:
      return {"not-found", "Not found"};
    case 405:
      return {"method-not-allowed", "Method not allowed on this path"};
    case 408:
      return {"request-timeout", "The request was not received in time"};
    case 409:
      return {"conflict", "The request conflicts with the programme's rules or the log"};
    case 412:
      return {"precondition-failed", "The stream is not at the expected version"};
    case 413:
      return {"payload-too-large", "The request body is over the limit"};
    case 415:
      return {"unsupported-media-type", "The body must be application/json"};
    case 429:
      return {"too-many-requests", "Too many requests: retry later"};
    case 431:
      return {"headers-too-large", "The request headers are over the limit"};
    case 503:
      return {"unavailable", "The service cannot answer now"};
    default:
      return {"internal", "Internal error"};
  }
}

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid:
      return "invalid";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::precondition_failed:
      return "precondition_failed";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::corrupt:
      return "corrupt";
  }
  return "unknown";
}

}  // namespace

unsigned http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::precondition_failed:
      return 412;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::corrupt:
      return 500;
  }
  return 500;
}

Response json_response(unsigned status, const boost::json::value& body) {
  return json_response(status, json_text(body));
}

Response json_response(unsigned status, std::string body) {
  Response res{static_cast<boost::beast::http::status>(status), 11};
  res.set(boost::beast::http::field::content_type, "application/json; charset=utf-8");
  res.set(boost::beast::http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response problem(unsigned status, std::string_view detail, const std::vector<FieldError>& fields,
                 std::string_view rule) {
  const Kind k = kind_of(status);
  boost::json::object body;
  body["type"] = "urn:perspectief:problem:" + std::string{rule.empty() ? k.slug : rule};
  body["title"] = k.title;
  body["status"] = status;
  body["detail"] = detail;
  if (!rule.empty()) body["rule"] = rule;
  if (!fields.empty()) {
    // A request cannot make its answer larger than kMaxProblemErrors entries, however many
    // faults it holds: the rest are counted, not listed.
    const std::size_t listed = std::min(fields.size(), kMaxProblemErrors);
    boost::json::array errors;
    errors.reserve(listed);
    for (std::size_t i = 0; i < listed; ++i) {
      errors.push_back(
          boost::json::object{{"field", fields[i].field}, {"message", fields[i].message}});
    }
    body["errors"] = std::move(errors);
    if (fields.size() > listed) body["moreErrors"] = fields.size() - listed;
  }
  Response res = json_response(status, body);
  res.set(boost::beast::http::field::content_type, "application/problem+json");
  return res;
}

Response problem(const Error& error) {
  // Every server-side failure is logged (its code and texts, never request content); a
  // client's own error is not.
  if (http_status(error.code) >= 500) log_internal_error("request", error);
  return problem(http_status(error.code), error.message, error.fields, error.rule);
}

void log_internal_error(std::string_view where, const Error& error) {
  log_internal_error(where, error_code_name(error.code), error.message, error.internal);
}

void log_internal_error(std::string_view where, std::string_view code, std::string_view message,
                        std::string_view internal) {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string line = R"({"time":")" + format_rfc3339(now) + R"(","level":"error","where":)";
  append_json_string(line, where);
  line += R"(,"code":)";
  append_json_string(line, code);
  line += R"(,"message":)";
  append_json_string(line, message);
  line += R"(,"internal":)";
  append_json_string(line, internal);
  line += "}\n";
  // One write, so the line is not interleaved with the request log's batches.
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace perspectief::api
