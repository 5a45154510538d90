#include "api/append_parsing.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>
#include <string>

#include "domain/event_catalogue.hpp"
#include "domain/time.hpp"
#include "eventstore/sha256.hpp"
#include "projections/append_pipeline.hpp"

namespace perspectief::api {
namespace {

Error invalid(std::string message, std::vector<FieldError> fields = {}) {
  Error e = make_error(ErrorCode::invalid, std::move(message));
  e.fields = std::move(fields);
  return e;
}

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

Result<NewEvent> parse_event(const boost::json::value& v, StreamKind kind, const std::string& at) {
  if (!v.is_object())
    return invalid("an event must be a JSON object",
                   {{at.empty() ? "$" : at, "must be an object"}});
  const auto& o = v.as_object();
  const auto field = [&](std::string_view name) {
    return at.empty() ? std::string{name} : at + "." + std::string{name};
  };
  std::vector<FieldError> errors;
  for (const auto& kv : o) {
    const auto k = std::string_view{kv.key()};
    if (k != "type" && k != "eventId" && k != "occurredAt" && k != "data" && k != "schemaVersion") {
      errors.push_back(
          {at.empty() ? "$" : at,
           "has an unknown field (allowed: type, eventId, occurredAt, data, schemaVersion)"});
      break;
    }
  }
  const auto* type = o.if_contains("type");
  const EventSpec* spec = nullptr;
  if (type == nullptr || !type->is_string()) {
    errors.push_back({field("type"), "is required and must be a string"});
  } else if ((spec = find_event_spec(type->as_string())) == nullptr) {
    errors.push_back({field("type"), "is not a known event type"});
  } else if (spec->stream != kind) {
    errors.push_back(
        {field("type"), "does not belong to a " + std::string{to_string(kind)} + " stream"});
    spec = nullptr;
  } else if (spec->internal) {
    errors.push_back({field("type"), "is appended by the service itself, not by clients"});
    spec = nullptr;
  }
  std::string event_id;
  if (const auto* id = o.if_contains("eventId"); id != nullptr) {
    if (!id->is_string() || !is_uuid(id->as_string())) {
      errors.push_back({field("eventId"), "must be a UUID"});
    } else {
      event_id = lower(id->as_string());
    }
  } else {
    event_id = random_uuid();
  }
  std::optional<Micros> occurred;
  if (const auto* t = o.if_contains("occurredAt"); t != nullptr) {
    if (t->is_string()) occurred = parse_rfc3339(t->as_string());
    if (!occurred)
      errors.push_back(
          {field("occurredAt"), "must be an RFC 3339 time in the years 1900-9999 (UTC)"});
  }
  if (const auto* sv = o.if_contains("schemaVersion"); sv != nullptr) {
    if (!sv->is_int64() || sv->as_int64() != kCurrentSchemaVersion) {
      errors.push_back(
          {field("schemaVersion"), "must be " + std::to_string(kCurrentSchemaVersion)});
    }
  }
  boost::json::object data;
  if (const auto* d = o.if_contains("data"); d != nullptr) {
    if (!d->is_object()) {
      errors.push_back({field("data"), "must be an object"});
    } else {
      data = d->as_object();
    }
  }
  if (spec != nullptr && errors.empty()) {
    for (auto& e : validate_event_data(*spec, data)) {
      errors.push_back({at.empty() ? e.field : at + "." + e.field, e.message});
    }
  }
  if (!errors.empty()) return invalid("the event is not valid", std::move(errors));
  // An optional field sent as null is the same as one left out: store neither, so a resend
  // without the key has the same content.
  for (auto it = data.begin(); it != data.end();) {
    it = it->value().is_null() ? data.erase(it) : std::next(it);
  }
  NewEvent event;  // hashed later (hash_events), after sealing
  event.event_id = std::move(event_id);
  event.type = spec->type;
  event.occurred_at = occurred;
  event.data = std::move(data);
  return event;
}

}  // namespace

Result<std::vector<NewEvent>> parse_append_body(std::string_view body, StreamKind kind) {
  auto events = parse_append_events(body, kind);
  if (events) hash_events(*events);
  return events;
}

Result<std::vector<NewEvent>> parse_append_events(std::string_view body, StreamKind kind) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;
  const auto v =
      boost::json::parse(boost::json::string_view{body.data(), body.size()}, ec, {}, opts);
  if (ec) return invalid("the body is not valid JSON");
  std::vector<NewEvent> events;
  if (v.is_array()) {
    const auto& arr = v.as_array();
    if (arr.empty()) return invalid("the array holds no events");
    if (arr.size() > kMaxEventsPerRequest) {
      return invalid("at most " + std::to_string(kMaxEventsPerRequest) + " events per request");
    }
    events.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
      auto e = parse_event(arr[i], kind, "[" + std::to_string(i) + "]");
      if (!e) return e.take_error();
      events.push_back(std::move(e).value());
    }
  } else {
    auto e = parse_event(v, kind, "");
    if (!e) return e.take_error();
    events.push_back(std::move(e).value());
  }
  return events;
}

Result<ExpectedVersion> parse_if_match(std::string_view header) {
  if (header.empty()) return ExpectedVersion::any();
  std::string_view s = header;
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size()) {
    return invalid("If-Match must be a stream version in quotes, e.g. \"3\"",
                   {{"If-Match", "must be a non-negative integer version"}});
  }
  return v == 0 ? ExpectedVersion::no_stream() : ExpectedVersion::exact(v);
}

}  // namespace perspectief::api
