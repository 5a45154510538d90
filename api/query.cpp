#include "api/query.hpp"

#include "domain/stream_name.hpp"

#include <algorithm>
#include <charconv>

namespace perspectief::api {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one key or value.
bool decode_component(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return true;
}

}  // namespace

Result<std::unordered_map<std::string, std::string>> parse_query(std::string_view query) {
  std::unordered_map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    const auto amp = query.find('&', start);
    const auto part =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      const auto eq = part.find('=');
      std::string key;
      std::string value;
      if (!decode_component(part.substr(0, eq), key) ||
          (eq != std::string_view::npos && !decode_component(part.substr(eq + 1), value))) {
        return make_error(ErrorCode::invalid, "the query string is malformed");
      }
      if (out.contains(key)) {
        Error e = make_error(ErrorCode::invalid, "a query parameter is repeated");
        if (is_valid_id(key)) e.fields.push_back({key, "may appear once"});
        return e;
      }
      out.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

Result<std::uint64_t> uint_param(const std::unordered_map<std::string, std::string>& params,
                                 std::string_view name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) {
  const auto it = params.find(std::string{name});
  if (it == params.end()) return fallback;
  const std::string& s = it->second;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || v < min || v > max) {
    Error e = make_error(ErrorCode::invalid, "bad query parameter " + std::string{name});
    e.fields.push_back({std::string{name}, "must be a whole number from " + std::to_string(min) +
                                               " to " + std::to_string(max)});
    return e;
  }
  return v;
}

Result<QueryParams> target_query(std::string_view target) {
  const auto qpos = target.find('?');
  return parse_query(qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1));
}

namespace {

FieldError not_a_parameter(const std::string& key) {
  return {is_valid_id(key) ? key : "query", "is not a parameter of this route"};
}

// The comma-separated items of a parameter (none when absent); an empty item stays, so that
// the filter refuses it.
std::vector<std::string_view> comma_list(const QueryParams& params, std::string_view name) {
  std::vector<std::string_view> items;
  const auto it = params.find(std::string{name});
  if (it == params.end()) return items;
  std::string_view rest = it->second;
  for (;;) {
    const auto comma = rest.find(',');
    items.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

Error unknown(FieldError field) {
  Error e = make_error(ErrorCode::invalid, "unknown query parameter");
  e.fields.push_back(std::move(field));
  return e;
}

Error bad_param(const std::string& name, std::string message) {
  Error e = make_error(ErrorCode::invalid, "bad query parameter " + name);
  e.fields.push_back({name, std::move(message)});
  return e;
}

// uint_param into `into`, whose value is the default.
Status read_uint(const QueryParams& params, std::string_view name, std::uint64_t min,
                 std::uint64_t max, std::uint64_t& into) {
  auto value = uint_param(params, name, into, min, max);
  if (!value) return value.take_error();
  into = *value;
  return Ok{};
}

// One parameter of GET /v1/cases into `f`; the loop's order decides which fault is named.
Status case_filter_param(const std::string& key, const std::string& value, CaseFilter& f) {
  if (key == "status") {
    f.status = parse_case_status(value);
    if (!f.status) {
      return bad_param("status",
                       "must be one of: registered intake_completed admitted rejected "
                       "referred waitlisted housed ended");
    }
  } else if (key == "locationId" || key == "after") {
    if (!is_valid_id(value)) return bad_param(key, "must be 1-64 characters of [A-Za-z0-9_-]");
    (key == "after" ? f.after : f.location_id) = value;
  } else if (key != "limit") {
    return unknown(not_a_parameter(key));
  }
  return Ok{};
}

}  // namespace

std::optional<FieldError> unknown_param(const QueryParams& params,
                                        std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : params) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return not_a_parameter(key);
    }
  }
  return std::nullopt;
}

Result<FeedQuery> parse_feed_query(std::string_view target) {
  auto params = target_query(target);
  if (!params) return params.take_error();
  if (auto field = unknown_param(*params, {"after", "limit", "wait", "categories", "types"}))
    return unknown(*field);
  FeedQuery q;
  auto filter = feed_filter(comma_list(*params, "categories"), comma_list(*params, "types"));
  if (!filter) return filter.take_error();
  q.filter = *filter;
  if (auto s = read_uint(*params, "after", 0, UINT64_MAX, q.after); !s) return s.take_error();
  if (auto s = read_uint(*params, "limit", 1, 10'000, q.limit); !s) return s.take_error();
  if (auto s = read_uint(*params, "wait", 0, 60, q.wait_seconds); !s) return s.take_error();
  return q;
}

Result<CaseFilter> parse_case_filter(std::string_view target) {
  auto params = target_query(target);
  if (!params) return params.take_error();
  CaseFilter f;
  for (const auto& [key, value] : *params) {
    if (auto s = case_filter_param(key, value, f); !s) return s.take_error();
  }
  if (auto s = read_uint(*params, "limit", 1, 1000, f.limit); !s) return s.take_error();
  return f;
}

Result<AccessLogQuery> parse_access_log_query(std::string_view target) {
  auto params = target_query(target);
  if (!params) return params.take_error();
  if (auto field = unknown_param(*params, {"caseId", "after", "limit"})) return unknown(*field);
  AccessLogQuery q;
  if (const auto it = params->find("caseId"); it != params->end()) q.case_id = it->second;
  if (const auto it = params->find("after"); it != params->end()) q.after = it->second;
  if (!is_valid_id(q.case_id)) {
    Error e = make_error(ErrorCode::invalid, "caseId is required");
    e.fields.push_back({"caseId", "must be 1-64 characters of [A-Za-z0-9_-]"});
    return e;
  }
  if (auto s = read_uint(*params, "limit", 1, 10'000, q.limit); !s) return s.take_error();
  return q;
}

}  // namespace perspectief::api
