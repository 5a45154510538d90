#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "eventstore/crypto.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief::privacy {

// The researcher's view of an event (spec/api.md, "Pseudonymised feed"):
// - `case-{id}` becomes `case-{p}`, p = the first 32 hex digits of HMAC-SHA256(research key,
//   caseId): stable, so a case's events stay together, and not reversible without the key;
// - eventId becomes a UUID-shaped HMAC of it;
// - data.person and every free-text field are removed (they are sealed anyway; fields the
//   catalogue does not know are removed too), and actor.subject is removed;
// - data.previousCaseId (CaseRegistered) becomes the earlier case's pseudonym p, so a return
//   links to its earlier case (spec/evaluation.md);
// - beyond the spec: the name of a case manager (a staff member) becomes `cm-{p}`.
// Locations, activities and the programme keep their ids.
class Pseudonymiser {
 public:
  explicit Pseudonymiser(SecretKey research_key) : key_(std::move(research_key)) {}

  std::string case_pseudonym(std::string_view case_id) const;
  boost::json::object envelope_json(const Envelope& e) const;

 private:
  std::string hmac_hex(std::string_view domain, std::string_view value, std::size_t digits) const;
  SecretKey key_;
};

}  // namespace perspectief::privacy
