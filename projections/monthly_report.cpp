#include "projections/monthly_report.hpp"

#include <string>

#include "projections/read_models.hpp"

namespace perspectief {
namespace {

// `o` without the members that only echo the parameters (the report names them once).
boost::json::object without(boost::json::object o, std::initializer_list<std::string_view> keys) {
  for (const auto k : keys) o.erase(k);
  return o;
}

// Active cases (admitted or housed) at `t`.
std::int64_t active_at(const HistoryView& h, Micros t) {
  std::int64_t n = 0;
  for (const auto& [id, facts] : h.cases()) n += History::case_at(facts.facts, t).active() ? 1 : 0;
  return n;
}

}  // namespace

boost::json::object monthly_report_json(const HistoryView& h, int year, int month) {
  const Days first = days_from_civil({year, static_cast<unsigned>(month), 1});
  const Days last = add_months(first, 1) - 1;
  const Micros end = end_of_day(last);
  const Micros before = end_of_day(first - 1);  // the start: the previous month's end

  std::int64_t inflow = 0;
  std::int64_t outflow = 0;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts.facts, end);
    if (c.first_bed != kNever && day_of(c.first_bed) >= first) ++inflow;
    if (c.ended && day_of(c.ended_at) >= first) ++outflow;
  }
  boost::json::object alerts;
  for (const char* level : {"review", "warning", "final", "exceeded"}) alerts[level] = 0;
  // Named: a range-for over a member of a temporary would outlive it (before C++23).
  const boost::json::object alerted = stay_alerts_json(h, end);
  for (const auto& a : alerted.at("alerts").as_array()) {
    alerts[a.at("level").as_string()].as_int64() += 1;
  }
  boost::json::object escalations;
  for (std::size_t i = 0; i < enum_count<EscalationLevel>(); ++i) {
    escalations[to_string(static_cast<EscalationLevel>(i))] = 0;
  }
  const boost::json::object open = escalations_json(h, end, EscalationStatus::open);
  for (const auto& e : open.at("escalations").as_array()) {
    escalations[e.at("level").as_string()].as_int64() += 1;
  }
  const std::string month_text = format_date(first).substr(0, 7);  // YYYY-MM
  return {{"month", month_text},
          {"from", format_date(first)},
          {"to", format_date(last)},
          {"asOf", format_rfc3339(end)},
          {"activeAtStart", active_at(h, before)},
          {"activeAtEnd", active_at(h, end)},
          {"inflow", inflow},
          {"outflow", outflow},
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
