#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/result.hpp"
#include "projections/case_files.hpp"
#include "projections/feed_scope.hpp"

namespace perspectief::api {

// The decoded query parameters of a target; invalid for bad percent-encoding or a repeated key.
Result<std::unordered_map<std::string, std::string>> parse_query(std::string_view query);

// A whole number in [min, max]; `fallback` when absent; invalid naming the parameter otherwise.
Result<std::uint64_t> uint_param(const std::unordered_map<std::string, std::string>& params,
                                 std::string_view name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max);

using QueryParams = std::unordered_map<std::string, std::string>;

// The decoded query of a request target (empty when it has none); errors as parse_query.
Result<QueryParams> target_query(std::string_view target);

// The first parameter not among `allowed`, as a field error ("is not a parameter of this
// route"), naming the key only when it looks like a parameter name (query keys are client
// text); nullopt when every key is allowed.
std::optional<FieldError> unknown_param(const QueryParams& params,
                                        std::initializer_list<std::string_view> allowed);

// GET /v1/events: after, limit (1-10000, default 1000), wait (0-60 seconds), categories and
// types (comma-separated names, spec/integrations.md).
struct FeedQuery {
  std::uint64_t after = 0;
  std::uint64_t limit = 1000;
  std::uint64_t wait_seconds = 0;
  FeedFilter filter;
};
Result<FeedQuery> parse_feed_query(std::string_view target);

// GET /v1/cases: status, locationId, after, limit (1-1000, default 100). `visible` is left
// empty (the reader's scope is the handler's).
Result<CaseFilter> parse_case_filter(std::string_view target);

// GET /v1/access-log: caseId (required), after (a cursor, checked by AccessLog::list),
// limit (1-10000, default 1000).
struct AccessLogQuery {
  std::string case_id;
  std::string after;
  std::uint64_t limit = 1000;
};
Result<AccessLogQuery> parse_access_log_query(std::string_view target);

}  // namespace perspectief::api
