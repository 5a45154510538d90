#include "eventstore/record_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "eventstore/base64.hpp"

namespace perspectief {
namespace {

void append_string(std::string& out, std::string_view s) {
  out += boost::json::serialize(boost::json::string_view{s.data(), s.size()});
}

}  // namespace

std::string encode_record(const Envelope& e, std::string_view data_json,
                          std::string_view prev_hash_hex) {
  std::string out;
  out.reserve(256 + data_json.size());
  out += "{\"position\":";
  out += std::to_string(e.position);
  out += ",\"stream\":";
  append_string(out, e.stream);
  out += ",\"version\":";
  out += std::to_string(e.version);
  out += ",\"eventId\":";
  append_string(out, e.event_id);
  out += ",\"type\":";
  append_string(out, e.type);
  out += ",\"schemaVersion\":";
  out += std::to_string(e.schema_version);
  out += ",\"occurredAt\":";
  out += std::to_string(e.occurred_at);
  out += ",\"recordedAt\":";
  out += std::to_string(e.recorded_at);
  out += ",\"actor\":{\"subject\":";
  append_string(out, e.actor.subject);
  out += ",\"organisation\":";
  append_string(out, e.actor.organisation);
  out += ",\"role\":";
  append_string(out, to_string(e.actor.role));
  out += "},\"data\":";
  out += data_json;
  if (!e.sealed.empty()) {
    out += ",\"pii\":\"";
    out += base64_encode(e.sealed);
    out += '"';
  }
  out += ",\"prev\":\"";
  out += prev_hash_hex;
  out += "\"}";
  return out;
}

Result<StoredRecord> decode_record(std::string_view bytes) {
  boost::system::error_code ec;
  auto v = boost::json::parse(boost::json::string_view{bytes.data(), bytes.size()}, ec);
  if (ec || !v.is_object()) return make_error(ErrorCode::unavailable, "stored record is not JSON");
  auto& o = v.as_object();
  StoredRecord r;
  try {
    Envelope& e = r.envelope;
    e.position = o.at("position").to_number<std::uint64_t>();
    e.stream = o.at("stream").as_string();
    e.version = o.at("version").to_number<std::uint64_t>();
    e.event_id = o.at("eventId").as_string();
    e.type = o.at("type").as_string();
    e.schema_version = o.at("schemaVersion").to_number<int>();
    e.occurred_at = o.at("occurredAt").to_number<Micros>();
    e.recorded_at = o.at("recordedAt").to_number<Micros>();
    const auto& actor = o.at("actor").as_object();
    e.actor.subject = actor.at("subject").as_string();
    e.actor.organisation = actor.at("organisation").as_string();
    const auto role = parse_role(actor.at("role").as_string());
    if (!role) return make_error(ErrorCode::unavailable, "stored record has an unknown role");
    e.actor.role = *role;
    e.data = std::move(o.at("data").as_object());
    if (const auto* pii = o.if_contains("pii")) {
      auto sealed = base64_decode(pii->as_string());
      if (!sealed) return make_error(ErrorCode::unavailable, "stored record has a bad pii field");
      e.sealed = std::move(*sealed);
    }
    r.prev_hash_hex = o.at("prev").as_string();
  } catch (const std::exception&) {
    return make_error(ErrorCode::unavailable, "stored record lacks a field");
  }
  return r;
}

}  // namespace perspectief
