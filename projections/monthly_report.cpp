#include "projections/monthly_report.hpp"

#include <array>
#include <map>
#include <string>
#include <vector>

#include "projections/read_models.hpp"

namespace perspectief {
namespace {

// `o` without the members that only echo the parameters (the report names them once).
boost::json::object without(boost::json::object o, std::initializer_list<std::string_view> keys) {
  for (const auto k : keys) o.erase(k);
  return o;
}

// What the report counts per case, gathered in one pass over the cases: active cases at the
// start and end, inflow and outflow, and the stay-duration alerts and open escalations at the
// end by level, counted as stay_alerts_json and escalations_json list them.
struct MonthCounts {
  std::int64_t active_at_start = 0;
  std::int64_t active_at_end = 0;
  std::int64_t inflow = 0;
  std::int64_t outflow = 0;
  std::map<std::string, std::int64_t> alerts;
  std::array<std::int64_t, enum_count<EscalationLevel>()> open_escalations{};
};

MonthCounts count_month(const HistoryView& h, Days first, Micros before, Micros end) {
  MonthCounts n;
  const auto max_stay = h.capacity_at(end).max_stay_months;
  const Days today = day_of(end);
  std::vector<const Fact*> open;
  for (const auto& [id, facts] : h.cases()) {
    if (History::case_at(facts.facts, before).active()) ++n.active_at_start;
    const CaseAt c = History::case_at(facts.facts, end);
    if (c.active()) ++n.active_at_end;
    if (c.first_bed != kNever && day_of(c.first_bed) >= first) ++n.inflow;
    if (c.ended && day_of(c.ended_at) >= first) ++n.outflow;
    if (c.housed) {
      const Days admitted = day_of(c.first_bed);
      if (auto level = stay_alert_level(admitted, stay_limit_on(c, max_stay), today)) {
        ++n.alerts[*level];
      }
    }
    open_escalations(facts.facts, end, open);
    for (const Fact* raised : open) {
      if (raised->code < n.open_escalations.size()) ++n.open_escalations[raised->code];
    }
  }
  return n;
}

}  // namespace

boost::json::object monthly_report_json(const HistoryView& h, int year, int month) {
  const Days first = days_from_civil({year, static_cast<unsigned>(month), 1});
  const Days last = add_months(first, 1) - 1;
  const Micros end = end_of_day(last);
  const Micros before = end_of_day(first - 1);  // the start: the previous month's end

  const MonthCounts n = count_month(h, first, before, end);
  boost::json::object alerts;
  for (const char* level : {"review", "warning", "final", "exceeded"}) {
    const auto it = n.alerts.find(level);
    alerts[level] = it == n.alerts.end() ? 0 : it->second;
  }
  boost::json::object escalations;
  for (std::size_t i = 0; i < enum_count<EscalationLevel>(); ++i) {
    escalations[to_string(static_cast<EscalationLevel>(i))] = n.open_escalations[i];
  }
  const std::string month_text = format_date(first).substr(0, 7);  // YYYY-MM
  return {{"month", month_text},
          {"from", format_date(first)},
          {"to", format_date(last)},
          {"asOf", format_rfc3339(end)},
          {"activeAtStart", n.active_at_start},
          {"activeAtEnd", n.active_at_end},
          {"inflow", n.inflow},
          {"outflow", n.outflow},
          {"occupancy", without(occupancy_json(h, end), {"asOf"})},
          {"utilisation", without(utilisation_json(h, first, last, end), {"from", "to"})},
          {"outcomes", without(outcomes_json(h, first, last, end), {"from", "to"})},
          {"intakeFunnel", without(intake_funnel_json(h, first, last, end), {"from", "to"})},
          {"perspective",
           without(perspective_json(h, end, first, last), {"asOf", "admittedFrom", "admittedTo"})},
          {"participation", without(participation_json(h, first, last, end), {"from", "to"})},
          {"stayAlerts", std::move(alerts)},
          {"openEscalations", std::move(escalations)}};
}

}  // namespace perspectief
