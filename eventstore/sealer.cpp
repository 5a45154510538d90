#include "eventstore/sealer.hpp"

#include <boost/json/parse.hpp>

#include "domain/canonical_json.hpp"
#include "domain/event_catalogue.hpp"

namespace perspectief::privacy {
namespace {

std::string associated_data(std::string_view stream, std::string_view event_id) {
  std::string aad{stream};
  aad += '\0';
  aad += event_id;
  return aad;
}

}  // namespace

Result<std::string> Sealer::seal(std::string_view stream, NewEvent& e, std::string* sealed_json) {
  if (sealed_json != nullptr) sealed_json->clear();
  const EventSpec* spec = find_event_spec(e.type);
  boost::json::object personal;
  boost::json::object rest;
  for (const auto& [name, value] : e.data) {
    (is_personal_field(spec, name) ? personal : rest)[name] = value;
  }
  if (personal.empty()) return std::string{};
  auto found = ring_.find(stream);
  if (!found) return found.take_error();
  if (found->state == KeyRing::State::erased) {
    // The person asked to be forgotten: what is sent about them now is not kept either.
    e.data = std::move(rest);
    e.data_json = canonical_json(e.data);
    e.content_hash = content_hash(e.type, e.schema_version, e.data_json, "personal data dropped");
    return std::string{};
  }
  auto key = ring_.get_or_create(stream);
  if (!key) return key.take_error();
  const std::string personal_json = canonical_json(personal);
  e.sealed = aes_gcm_seal(key->key, associated_data(stream, e.event_id), personal_json);
  e.data = std::move(rest);
  e.data_json = canonical_json(e.data);
  e.content_hash =
      content_hash(e.type, e.schema_version, e.data_json, hmac_sha256(key->key, personal_json));
  if (sealed_json != nullptr) *sealed_json = personal_json;
  return std::move(key->wrapped);
}

Result<Sealer::Opened> Sealer::open(Envelope& env) const {
  if (env.sealed.empty()) return Opened::nothing_sealed;
  auto found = ring_.find(env.stream);
  if (!found) return found.take_error();
  if (found->state == KeyRing::State::none) {
    // Never in a consistent store: the key is written before the first event that uses it.
    Error e = make_error(ErrorCode::unavailable, "a data key is missing");
    e.internal = "no data key for a sealed event of a stream";
    return e;
  }
  if (found->state == KeyRing::State::erased) return Opened::erased;
  const auto plain =
      aes_gcm_open(found->key, associated_data(env.stream, env.event_id), env.sealed);
  if (!plain) return Opened::erased;  // a PII event appended while its case was being erased
  boost::system::error_code ec;
  auto personal = boost::json::parse(*plain, ec);
  if (ec || !personal.is_object()) return Opened::erased;
  for (auto& [name, value] : personal.as_object()) env.data[name] = std::move(value);
  return Opened::opened;
}

}  // namespace perspectief::privacy
