#include "domain/field_reader.hpp"

namespace perspectief {

FieldReader::Value FieldReader::find(std::string_view name) {
  if (names_ != nullptr) names_->push_back(name);
  return object_ != nullptr ? find_in_object(name) : find_in_flat(name);
}

FieldReader::Value FieldReader::find_in_object(std::string_view name) const {
  // An event's data has a few members: a scan that compares lengths first, inlined, costs
  // less than Boost.JSON's out-of-line lookup (callgrind: the rebuild's field reads).
  constexpr std::size_t kScanUpTo = 16;
  const boost::json::value* v = nullptr;
  if (object_->size() <= kScanUpTo) {
    for (const auto& member : *object_) {
      const auto key = member.key();
      if (key.size() == name.size() && std::string_view{key.data(), key.size()} == name) {
        v = &member.value();
        break;
      }
    }
  } else {
    v = object_->if_contains(name);
  }
  Value out;
  if (v == nullptr || v->is_null()) return out;
  if (v->is_string()) {
    out.kind = Value::Kind::text;
    out.text = {v->get_string().data(), v->get_string().size()};
  } else if (v->is_int64()) {
    out.kind = Value::Kind::integer;
    out.integer = v->get_int64();
  } else if (v->is_number()) {
    out.kind = Value::Kind::number;
    out.number = v->to_number<double>();
  } else if (v->is_bool()) {
    out.kind = Value::Kind::boolean;
    out.flag = v->get_bool();
  } else {
    out.kind = Value::Kind::other;
  }
  return out;
}

FieldReader::Value FieldReader::find_in_flat(std::string_view name) const {
  Value out;
  for (const auto& f : flat_) {
    if (f.key.size() != name.size() || f.key != name) continue;
    switch (f.kind) {
      case FlatField::Kind::text:
        out.kind = Value::Kind::text;
        out.text = f.text;
        break;
      case FlatField::Kind::integer:
        out.kind = Value::Kind::integer;
        out.integer = f.integer;
        break;
      case FlatField::Kind::boolean:
        out.kind = Value::Kind::boolean;
        out.flag = f.flag;
        break;
      case FlatField::Kind::null:
        break;
    }
    break;
  }
  return out;
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
  const Value v = find(name);
  if (v.kind == Value::Kind::absent) return std::nullopt;
  if (v.kind != Value::Kind::text) {
    ok_ = false;
    return std::nullopt;
  }
  return v.text;
}

std::int64_t FieldReader::integer(std::string_view name) {
  const Value v = find(name);
  if (v.kind != Value::Kind::integer) {
    ok_ = false;
    return 0;
  }
  return v.integer;
}

double FieldReader::decimal(std::string_view name) {
  const Value v = find(name);
  if (v.kind == Value::Kind::absent) return 0;
  if (v.kind == Value::Kind::integer) return static_cast<double>(v.integer);
  if (v.kind != Value::Kind::number) {
    ok_ = false;
    return 0;
  }
  return v.number;
}

bool FieldReader::boolean(std::string_view name) {
  const Value v = find(name);
  if (v.kind == Value::Kind::absent) return false;
  if (v.kind != Value::Kind::boolean) {
    ok_ = false;
    return false;
  }
  return v.flag;
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
