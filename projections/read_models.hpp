#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "domain/time.hpp"
#include "projections/history.hpp"

namespace perspectief {

// The read models of spec/domain.md, each a pure function of the History, rendering exactly
// the JSON of spec/api.md. The API and `perspectief replay` both call these, so a replayed
// log prints what the live service answers. Call them inside History::read().
//
// Time: `as_of` is inclusive (events with occurredAt <= as_of count); date ranges are whole
// UTC days, both ends inclusive.

// GET /v1/occupancy
boost::json::object occupancy_json(const History& h, Micros as_of);

// GET /v1/utilisation: a bed night for each date D on which a case was housed at the end of D.
boost::json::object utilisation_json(const History& h, Days from, Days to);

// GET /v1/alerts/stay-duration
boost::json::object stay_alerts_json(const History& h, Micros as_of);

// GET /v1/outcomes: stays ended (StayEnded date) in [from, to].
boost::json::object outcomes_json(const History& h, Days from, Days to);

// GET /v1/caseload
boost::json::object caseload_json(const History& h, Micros as_of);

enum class EscalationStatus { open, resolved, all };
// GET /v1/escalations
boost::json::object escalations_json(const History& h, Micros as_of, EscalationStatus status);

// GET /v1/intake-funnel
boost::json::object intake_funnel_json(const History& h, Days from, Days to);

// The end of a day as an "as of" moment: 23:59:59Z.
inline Micros end_of_day(Days d) {
  return d * kMicrosPerDay + 86'399 * kMicrosPerSecond;
}

// A stay-duration alert level for a housed case on `today`, or nullopt (spec/domain.md).
std::optional<std::string> stay_alert_level(Days admitted_on, Days limit_on, Days today);

}  // namespace perspectief
