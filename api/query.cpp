#include "api/query.hpp"

#include "domain/stream_name.hpp"

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

}  // namespace perspectief::api
