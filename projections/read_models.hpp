#pragma once

#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "projections/history_view.hpp"

namespace perspectief {

// The read models of spec/domain.md, each a pure function of the History, rendering exactly
// the JSON of spec/api.md. The API and `perspectief replay` both call these, so a replayed
// log prints what the live service answers. Call them inside History::read().
//
// Time: `as_of` is inclusive (events with occurredAt <= as_of count); date ranges are whole
// UTC days, both ends inclusive. The range models take an `as_of` too (spec/domain.md: every
// read model accepts one): they then answer from the events with occurredAt <= as_of only,
// as the programme knew it at that moment (kNever: every event).

// GET /v1/occupancy
boost::json::object occupancy_json(const HistoryView& h, Micros as_of);

// GET /v1/utilisation: a bed night for each date D on which a case was housed at the end of D.
boost::json::object utilisation_json(const HistoryView& h, Days from, Days to,
                                     Micros as_of = kNever);

// GET /v1/alerts/stay-duration
boost::json::object stay_alerts_json(const HistoryView& h, Micros as_of);

// GET /v1/outcomes: stays ended (StayEnded date) in [from, to].
boost::json::object outcomes_json(const HistoryView& h, Days from, Days to, Micros as_of = kNever);

// GET /v1/caseload
boost::json::object caseload_json(const HistoryView& h, Micros as_of);

enum class EscalationStatus { open, resolved, all };
// GET /v1/escalations
boost::json::object escalations_json(const HistoryView& h, Micros as_of, EscalationStatus status);

// GET /v1/intake-funnel
boost::json::object intake_funnel_json(const HistoryView& h, Days from, Days to,
                                       Micros as_of = kNever);

// GET /v1/perspective: active cases by current track as of `as_of`; for cases whose first
// admitted decision falls in [admitted_from, admitted_to], the days from that decision to the
// first track other than undecided chosen by `as_of`.
boost::json::object perspective_json(const HistoryView& h, Micros as_of, Days admitted_from,
                                     Days admitted_to);

// GET /v1/participation: activities held (ActivityHeld date) in [from, to] with their counts,
// distinct cases with a ParticipationRecorded in the range, and neighbourhood contacts per
// location by kind in the range.
boost::json::object participation_json(const HistoryView& h, Days from, Days to,
                                       Micros as_of = kNever);

// GET /v1/returns: stays ended (StayEnded date) in [from, to] by outcome class, and how many of
// them were followed by a case naming them as previousCaseId, registered (by `as_of`) on or
// after the end date and within 6, 12 and 24 calendar months of it (add_months).
boost::json::object returns_json(const HistoryView& h, Days from, Days to, Micros as_of = kNever);

// GET /v1/data-quality: the checks of spec/evaluation.md as of `as_of`, each with its case
// ids in ascending order.
boost::json::object data_quality_json(const HistoryView& h, Micros as_of);

// For the metrics: every activity held so far by category, and active cases by current track
// (keys as in the JSON above; "none" for no track chosen yet).
std::map<std::string, std::int64_t> activities_held_by_category(const HistoryView& h);
std::map<std::string, std::int64_t> active_cases_by_track(const HistoryView& h, Micros now);
// The same of the whole history, counted incrementally (History::active_by_track): for the
// metrics, which ask at every scrape.
std::map<std::string, std::int64_t> active_cases_by_track(const History& h, Micros now);

// The median of whole numbers (sorts `values`); the mean of the middle two for an even count.
// 0 when empty.
double median_of(std::vector<std::int64_t>& values);

// The end of a day as an "as of" moment: 23:59:59Z.
inline Micros end_of_day(Days d) {
  return d * kMicrosPerDay + 86'399 * kMicrosPerSecond;
}

// A stay-duration alert level for a housed case on `today`, or nullopt (spec/domain.md).
std::optional<std::string> stay_alert_level(Days admitted_on, Days limit_on, Days today);

// The last day of a housed case's stay: its latest StayExtended `until`, else the date of its
// first BedAssigned plus `max_stay_months` calendar months.
Days stay_limit_on(const CaseAt& c, std::int64_t max_stay_months);

// A case's escalations still open at `t` (occurredAt <= t): raised, and closed neither by an
// EscalationResolved of the same escalationId nor by the end of the stay. Their
// escalation_raised facts, in the order raised, into `open` (cleared first: a caller going
// over every case keeps one vector).
void open_escalations(std::span<const Fact> facts, Micros t, std::vector<const Fact*>& open);

}  // namespace perspectief
