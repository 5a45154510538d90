#include "api/append_parsing.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>
#include <string>

#include "domain/event_catalogue.hpp"
#include "domain/time.hpp"
#include "eventstore/append.hpp"
#include "eventstore/sha256.hpp"

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

// Reads the envelope members of one event object, collecting every fault in the order of
// the members (unknown members, type, eventId, occurredAt, schemaVersion, data).
struct EventReader {
  const boost::json::object& o;
  const std::string& at;  // the event's path in the body ("" for a single event)
  std::vector<FieldError> errors;

  std::string field(std::string_view name) const {
    return at.empty() ? std::string{name} : at + "." + std::string{name};
  }
  void fault(std::string name, std::string message) {
    errors.push_back({std::move(name), std::move(message)});
  }

  void only_known_members() {
    for (const auto& kv : o) {
      const auto k = std::string_view{kv.key()};
      if (k != "type" && k != "eventId" && k != "occurredAt" && k != "data" &&
          k != "schemaVersion") {
        fault(at.empty() ? "$" : at,
              "has an unknown field (allowed: type, eventId, occurredAt, data, schemaVersion)");
        return;
      }
    }
  }

  const EventSpec* type(StreamKind kind) {
    const auto* type = o.if_contains("type");
    if (type == nullptr || !type->is_string()) {
      fault(field("type"), "is required and must be a string");
      return nullptr;
    }
    const EventSpec* spec = find_event_spec(type->as_string());
    if (spec == nullptr) {
      fault(field("type"), "is not a known event type");
    } else if (spec->stream != kind) {
      fault(field("type"), "does not belong to a " + std::string{to_string(kind)} + " stream");
    } else if (spec->internal) {
      fault(field("type"), "is appended by the service itself, not by clients");
    } else {
      return spec;
    }
    return nullptr;
  }

  std::string event_id() {
    const auto* id = o.if_contains("eventId");
    if (id == nullptr) return random_uuid();
    if (id->is_string() && is_uuid(id->as_string())) return lower(id->as_string());
    fault(field("eventId"), "must be a UUID");
    return {};
  }

  std::optional<Micros> occurred_at() {
    const auto* t = o.if_contains("occurredAt");
    if (t == nullptr) return std::nullopt;
    std::optional<Micros> occurred;
    if (t->is_string()) occurred = parse_rfc3339(t->as_string());
    if (!occurred) {
      fault(field("occurredAt"), "must be an RFC 3339 time in the years 1900-9999 (UTC)");
    }
    return occurred;
  }

  void schema_version() {
    const auto* sv = o.if_contains("schemaVersion");
    if (sv != nullptr && (!sv->is_int64() || sv->as_int64() != kCurrentSchemaVersion)) {
      fault(field("schemaVersion"), "must be " + std::to_string(kCurrentSchemaVersion));
    }
  }

  boost::json::object data() {
    const auto* d = o.if_contains("data");
    if (d == nullptr) return {};
    if (d->is_object()) return d->as_object();
    fault(field("data"), "must be an object");
    return {};
  }
};

Result<NewEvent> parse_event(const boost::json::value& v, StreamKind kind, const std::string& at) {
  if (!v.is_object()) {
    return invalid("an event must be a JSON object",
                   {{at.empty() ? "$" : at, "must be an object"}});
  }
  EventReader r{v.as_object(), at, {}};
  r.only_known_members();
  const EventSpec* spec = r.type(kind);
  NewEvent event;  // hashed later (hash_events), after sealing
  event.event_id = r.event_id();
  event.occurred_at = r.occurred_at();
  r.schema_version();
  event.data = r.data();
  if (spec != nullptr && r.errors.empty()) {
    for (auto& e : validate_event_data(*spec, event.data)) r.fault(r.field(e.field), e.message);
  }
  if (!r.errors.empty()) return invalid("the event is not valid", std::move(r.errors));
  // An optional field sent as null is the same as one left out: store neither, so a resend
  // without the key has the same content.
  for (auto it = event.data.begin(); it != event.data.end();) {
    it = it->value().is_null() ? event.data.erase(it) : std::next(it);
  }
  event.type = spec->type;
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
