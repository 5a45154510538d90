#include "domain/domain_event.hpp"

namespace perspectief {

Status check_occurred_at(Micros last_in_stream, Micros occurred_at, Micros now) {
  if (occurred_at < last_in_stream) {
    return refuse("occurred-at-order", "occurredAt lies before the stream's previous event (" +
                                           format_rfc3339(last_in_stream) + ")");
  }
  if (occurred_at > now + kMaxClockSkew) {
    return refuse("occurred-at-future", "occurredAt lies more than 5 minutes in the future");
  }
  return Ok{};
}

std::string text_of(const boost::json::object& data, std::string_view name) {
  const auto* v = data.if_contains(name);
  return v != nullptr && v->is_string() ? std::string{v->as_string()} : std::string{};
}

std::string_view text_view(const boost::json::object& data, std::string_view name) {
  const auto* v = data.if_contains(name);
  if (v == nullptr || !v->is_string()) return {};
  const auto& s = v->get_string();
  return {s.data(), s.size()};
}

std::int64_t int_of(const boost::json::object& data, std::string_view name) {
  const auto* v = data.if_contains(name);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

bool bool_of(const boost::json::object& data, std::string_view name) {
  const auto* v = data.if_contains(name);
  return v != nullptr && v->is_bool() && v->as_bool();
}

}  // namespace perspectief
