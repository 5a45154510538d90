#include "domain/field_reader.hpp"

namespace perspectief {

const boost::json::value* FieldReader::find(std::string_view name) {
  if (names_ != nullptr) names_->push_back(name);
  // An event's data has a few members: a scan that compares lengths first, inlined, costs
  // less than Boost.JSON's out-of-line lookup (callgrind: the rebuild's field reads).
  constexpr std::size_t kScanUpTo = 16;
  const boost::json::value* v = nullptr;
  if (data_.size() <= kScanUpTo) {
    for (const auto& member : data_) {
      const auto key = member.key();
      if (key.size() == name.size() && std::string_view{key.data(), key.size()} == name) {
        v = &member.value();
        break;
      }
    }
  } else {
    v = data_.if_contains(name);
  }
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::string_view FieldReader::text(std::string_view name) {
  const std::string_view t = optional_text(name);
  if (t.empty()) ok_ = false;
  return t;
}

std::string_view FieldReader::optional_text(std::string_view name) {
  return present_text(name).value_or(std::string_view{});
}

std::optional<std::string_view> FieldReader::present_text(std::string_view name) {
  const auto* v = find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    ok_ = false;
    return std::nullopt;
  }
  const auto& s = v->get_string();
  return std::string_view{s.data(), s.size()};
}

std::int64_t FieldReader::integer(std::string_view name) {
  const auto* v = find(name);
  if (v == nullptr || !v->is_int64()) {
    ok_ = false;
    return 0;
  }
  return v->get_int64();
}

double FieldReader::decimal(std::string_view name) {
  const auto* v = find(name);
  if (v == nullptr) return 0;
  if (!v->is_number()) {
    ok_ = false;
    return 0;
  }
  return v->to_number<double>();
}

bool FieldReader::boolean(std::string_view name) {
  const auto* v = find(name);
  if (v == nullptr) return false;
  if (!v->is_bool()) {
    ok_ = false;
    return false;
  }
  return v->get_bool();
}

Days FieldReader::date(std::string_view name) {
  const auto d = parse_stored_date(text(name));
  if (!d) ok_ = false;
  return d.value_or(0);
}

Micros FieldReader::time(std::string_view name) {
  const auto t = parse_stored_rfc3339(text(name));
  if (!t) ok_ = false;
  return t.value_or(0);
}

std::int32_t FieldReader::month(std::string_view name) {
  const std::string_view t = text(name);
  const auto digit = [&](std::size_t i) { return t[i] >= '0' && t[i] <= '9' ? t[i] - '0' : -100; };
  if (t.size() != 7 || t[4] != '-') {
    ok_ = false;
    return 0;
  }
  const int year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const int month = digit(5) * 10 + digit(6);
  if (year < 0 || month < 1 || month > 12) {
    ok_ = false;
    return 0;
  }
  return year * 12 + month - 1;
}

}  // namespace perspectief
