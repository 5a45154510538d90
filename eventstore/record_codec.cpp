#include "eventstore/record_codec.hpp"

#include <boost/json/parse.hpp>

#include <cstring>

#include "domain/json_text.hpp"
#include "eventstore/base64.hpp"
#include "eventstore/binary_record.hpp"
#include "eventstore/json_fast_path.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {
namespace {

Result<StoredRecord> decode_general(std::string_view bytes);

}  // namespace

std::string encode_record(const Envelope& e, std::string_view data_json,
                          std::string_view prev_hash_hex) {
  return binary_record::encode(e, data_json, prev_hash_hex);
}

std::string encode_json_record(const Envelope& e, std::string_view data_json,
                               std::string_view prev_hash_hex) {
  std::string out;
  out.reserve(256 + data_json.size());
  out += "{\"position\":";
  out += std::to_string(e.position);
  out += ",\"stream\":";
  append_json_string(out, e.stream);
  out += ",\"version\":";
  out += std::to_string(e.version);
  out += ",\"eventId\":";
  append_json_string(out, e.event_id);
  out += ",\"type\":";
  append_json_string(out, e.type);
  out += ",\"schemaVersion\":";
  out += std::to_string(e.schema_version);
  out += ",\"occurredAt\":";
  out += std::to_string(e.occurred_at);
  out += ",\"recordedAt\":";
  out += std::to_string(e.recorded_at);
  out += R"(,"actor":{"subject":)";
  append_json_string(out, e.actor.subject);
  out += ",\"organisation\":";
  append_json_string(out, e.actor.organisation);
  out += ",\"role\":";
  append_json_string(out, to_string(e.actor.role));
  out += "},\"data\":";
  out += data_json;
  if (!e.sealed.empty()) {
    out += R"(,"pii":")";
    out += base64_encode(e.sealed);
    out += '"';
  }
  out += R"(,"prev":")";
  out += prev_hash_hex;
  out += "\"}";
  return out;
}

Result<StoredRecord> decode_record(std::string_view bytes) {
  StoredRecord r;
  RecordDecoder decoder;
  if (auto s = decoder.decode(bytes, r); !s) return s.take_error();
  return r;
}

// `data` sits two levels inside a record: the same nesting limit as the general parse of the
// whole record (Boost.JSON's default of 32).
RecordDecoder::RecordDecoder(Decoding decoding)
    : parser_(boost::json::storage_ptr{},
              [] {
                boost::json::parse_options o;
                o.max_depth = 30;
                return o;
              }()),
      decoding_(decoding) {}

bool RecordDecoder::read_data(std::string_view text, Envelope& e) {
  e.data_damaged = false;
  e.data_text.clear();
  if (parse_data(text, e.data)) return true;
  // The record is whole (its envelope decodes) but its data is not JSON: keep the envelope,
  // so that readers serve the rest of the log, and say so (Envelope::data_damaged).
  e.data.clear();
  e.data_damaged = true;
  return true;
}

void RecordDecoder::read_data_text(Envelope& e) {
  if (e.data_text.empty()) return;
  const std::string text = std::move(e.data_text);
  (void)read_data(text, e);
}

bool RecordDecoder::parse_data(std::string_view text, boost::json::object& out) {
  // Most events' data is one flat object: read it into the envelope's reused object.
  if (fast_json::flat_object(text, out)) return true;
  boost::system::error_code ec;
  parser_.reset();
  parser_.write(text.data(), text.size(), ec);
  if (ec) return false;
  auto data = parser_.release();
  if (!data.is_object()) return false;
  out = std::move(data.as_object());
  return true;
}

bool RecordDecoder::decode_binary(std::string_view bytes, Envelope& e, std::string* prev_hash_hex) {
  binary_record::Parts parts;
  if (!binary_record::split(bytes, parts)) return false;
  e.position = parts.position;
  e.stream.assign(parts.stream);
  e.version = parts.version;
  e.type.assign(parts.type);
  e.schema_version = parts.schema_version;
  e.occurred_at = parts.occurred_at;
  e.recorded_at = parts.recorded_at;
  e.actor.role = parts.role;
  if (decoding_ == Decoding::for_folds && !parts.data.empty()) {  // empty: damaged (read_data)
    e.data.clear();
    e.data_damaged = false;
    e.data_text.assign(parts.data);
    e.event_id.clear();
    e.actor.subject.clear();
    e.actor.organisation.clear();
    e.sealed.clear();
  } else {
    if (!read_data(parts.data, e)) return false;
    e.event_id.assign(parts.event_id);
    e.actor.subject.assign(parts.subject);
    e.actor.organisation.assign(parts.organisation);
    e.sealed.assign(parts.pii);
  }
  if (prev_hash_hex != nullptr) {
    *prev_hash_hex =
        to_hex(reinterpret_cast<const std::uint8_t*>(parts.prev.data()), parts.prev.size());
  }
  return true;
}

bool RecordDecoder::decode_fast(std::string_view bytes, Envelope& e, std::string* prev_hash_hex) {
  // The tail: [,"pii":"<base64>"],"prev":"<64 hex>"} after the data object.
  constexpr std::string_view kPrev = R"(,"prev":")";
  constexpr std::size_t kTail = kPrev.size() + 64 + 2;
  if (bytes.size() < kTail) return false;
  const auto tail = bytes.substr(bytes.size() - kTail);
  if (tail.substr(0, kPrev.size()) != kPrev || tail.substr(kTail - 2) != "\"}") return false;
  if (!fast_json::is_hex64(tail.data() + kPrev.size())) return false;
  std::string_view body = bytes.substr(0, bytes.size() - kTail);
  std::string_view pii;
  if (!body.empty() && body.back() == '"') {
    constexpr std::string_view kPii = R"(,"pii":")";
    // memrchr (glibc): base64 can be long, and rfind steps back one character at a time.
    const auto* quote = static_cast<const char*>(memrchr(body.data(), '"', body.size() - 1));
    if (quote == nullptr) return false;
    const auto open = static_cast<std::size_t>(quote - body.data());
    if (open + 1 < kPii.size()) return false;
    if (body.substr(open + 1 - kPii.size(), kPii.size()) != kPii) return false;
    pii = body.substr(open + 1, body.size() - open - 2);
    body = body.substr(0, open + 1 - kPii.size());
  }
  // The layout encode_json_record writes; anything else goes to the general parse.
  fast_json::Cursor c{body};
  if (!(c.literal(R"({"position":)") && c.integer(e.position) && c.literal(R"(,"stream":)") &&
        c.text(e.stream) && c.literal(R"(,"version":)") && c.integer(e.version) &&
        c.literal(R"(,"eventId":)") && c.text(e.event_id) && c.literal(R"(,"type":)") &&
        c.text(e.type) && c.literal(R"(,"schemaVersion":)") && c.integer(e.schema_version) &&
        c.literal(R"(,"occurredAt":)") && c.integer(e.occurred_at) &&
        c.literal(R"(,"recordedAt":)") && c.integer(e.recorded_at) &&
        c.literal(R"(,"actor":{"subject":)") && c.text(e.actor.subject) &&
        c.literal(R"(,"organisation":)") && c.text(e.actor.organisation) &&
        c.literal(R"(,"role":)") && c.text(role_) && c.literal(R"(},"data":)"))) {
    return false;
  }
  const auto parsed_role = parse_role(role_);
  if (!parsed_role) return false;
  e.actor.role = *parsed_role;
  if (!read_data(c.in, e)) return false;
  if (pii.empty()) {
    e.sealed.clear();
  } else if (!base64_decode_into(pii, e.sealed)) {
    return false;
  }
  if (prev_hash_hex != nullptr) prev_hash_hex->assign(tail.substr(kPrev.size(), 64));
  return true;
}

Status RecordDecoder::decode(std::string_view bytes, StoredRecord& out) {
  return decode(bytes, out.envelope, out.prev_hash_hex);
}

Status RecordDecoder::decode(std::string_view bytes, Envelope& envelope,
                             std::string& prev_hash_hex) {
  return decode_into(bytes, envelope, &prev_hash_hex);
}

Status RecordDecoder::decode(std::string_view bytes, Envelope& envelope) {
  return decode_into(bytes, envelope, nullptr);
}

Status RecordDecoder::decode_into(std::string_view bytes, Envelope& envelope,
                                  std::string* prev_hash_hex) {
  if (!bytes.empty() && bytes.front() == binary_record::kTag) {
    if (decode_binary(bytes, envelope, prev_hash_hex)) return Ok{};
    return make_error(ErrorCode::unavailable, "stored record does not decode");
  }
  const bool fast = decode_fast(bytes, envelope, prev_hash_hex);
  if (fast && !envelope.data_damaged) return Ok{};
  auto general = decode_general(bytes);
  if (!general && fast) return Ok{};  // the envelope as the fast path read it, data damaged
  if (!general) return general.take_error();
  envelope = std::move(general->envelope);
  if (prev_hash_hex != nullptr) *prev_hash_hex = std::move(general->prev_hash_hex);
  return Ok{};
}

namespace {

Result<StoredRecord> decode_general(std::string_view bytes) {
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
    e.data_damaged = false;
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

}  // namespace

}  // namespace perspectief
