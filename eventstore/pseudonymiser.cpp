#include "eventstore/pseudonymiser.hpp"

#include "domain/event_catalogue.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::privacy {
namespace {

constexpr std::string_view kCasePrefix = "case-";

}  // namespace

std::string Pseudonymiser::hmac_hex(std::string_view domain, std::string_view value,
                                    std::size_t digits) const {
  std::string message{domain};
  message += '\0';
  message += value;
  const std::string mac = hmac_sha256(key_, message);
  return to_hex(reinterpret_cast<const std::uint8_t*>(mac.data()), mac.size()).substr(0, digits);
}

std::string Pseudonymiser::case_pseudonym(std::string_view case_id) const {
  // spec/api.md: HMAC-SHA256(research key, caseId), without a domain prefix.
  const std::string mac = hmac_sha256(key_, case_id);
  return to_hex(reinterpret_cast<const std::uint8_t*>(mac.data()), mac.size()).substr(0, 32);
}

boost::json::object Pseudonymiser::envelope_json(const Envelope& e) const {
  boost::json::object o = to_json(e);
  if (e.stream.starts_with(kCasePrefix)) {
    o["stream"] = std::string{kCasePrefix} +
                  case_pseudonym(std::string_view{e.stream}.substr(kCasePrefix.size()));
  }
  // An RFC 9562 version-8 (vendor-specific) UUID made of the HMAC: version and variant bits set.
  std::string h = hmac_hex("eventId", e.event_id, 32);
  h[12] = '8';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  o["eventId"] = h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
                 h.substr(16, 4) + "-" + h.substr(20, 12);
  o["actor"].as_object().erase("subject");
  const EventSpec* spec = find_event_spec(e.type);
  boost::json::object data;
  for (const auto& [name, value] : e.data) {
    if (is_personal_field(spec, name)) continue;
    if (name == "caseManager" && value.is_string()) {
      data[name] = "cm-" + hmac_hex("caseManager", value.as_string(), 16);
    } else if (name == "previousCaseId" && value.is_string()) {
      data[name] = case_pseudonym(value.as_string());  // links to the earlier case's pseudonym
    } else {
      data[name] = value;
    }
  }
  o["data"] = std::move(data);
  return o;
}

}  // namespace perspectief::privacy
