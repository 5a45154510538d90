#pragma once

#include <boost/json/array.hpp>

#include <string_view>
#include <vector>

#include "api/personal_reads.hpp"
#include "domain/result.hpp"
#include "domain/role.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/pseudonymiser.hpp"

namespace perspectief::api {

// How a role sees the events of a feed (spec/integrations.md): each event as the role sees it
// through GET /v1/cases/{id}/events.
enum class FeedView {
  personal,          // personal fields opened; each case's read recorded in the access log
  without_personal,  // as stored, sealed fields left out (participation: no person)
  pseudonymised,     // the research view (spec/api.md, "Pseudonymised feed")
};
FeedView feed_view(Role role);

// The events as JSON in `reader`'s view; a personal read is recorded as `what` for each case
// among them. Errors: a key that cannot be read, an access log that cannot be written (no
// personal data is shown unrecorded).
Result<boost::json::array> feed_json(std::vector<Envelope>& events, const Actor& reader,
                                     std::string_view what,
                                     const privacy::Pseudonymiser& pseudonymiser,
                                     PersonalReads& reads);

}  // namespace perspectief::api
