#include <algorithm>
#include <vector>

#include "projections/read_models.hpp"

namespace perspectief {

std::optional<std::string> stay_alert_level(Days admitted_on, Days limit_on, Days today) {
  if (today > limit_on) return "exceeded";
  if (today >= add_months(admitted_on, 17)) return "final";
  if (today >= add_months(admitted_on, 15)) return "warning";
  if (today >= add_months(admitted_on, 12)) return "review";
  return std::nullopt;
}

Days stay_limit_on(const CaseAt& c, std::int64_t max_stay_months) {
  return c.extended_until ? *c.extended_until
                          : add_months(day_of(c.first_bed), static_cast<int>(max_stay_months));
}

boost::json::object stay_alerts_json(const HistoryView& h, Micros as_of) {
  const CapacityFacts cap = h.capacity_at(as_of);
  const Days today = day_of(as_of);
  struct Alert {
    std::string_view case_id;
    std::uint32_t location;
    Days admitted_on;
    Days limit_on;
    std::int64_t days;
    std::string level;
  };
  std::vector<Alert> alerts;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts.facts, as_of);
    if (!c.housed) continue;
    const Days admitted = day_of(c.first_bed);
    const Days limit = stay_limit_on(c, cap.max_stay_months);
    auto level = stay_alert_level(admitted, limit, today);
    if (!level) continue;
    alerts.push_back({id, c.location, admitted, limit, today - admitted, std::move(*level)});
  }
  std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
    return a.days != b.days ? a.days > b.days : a.case_id < b.case_id;
  });
  boost::json::array out;
  out.reserve(alerts.size());
  for (const auto& a : alerts) {
    out.push_back({{"caseId", a.case_id},
                   {"locationId", h.text(a.location)},
                   {"admittedOn", format_date(a.admitted_on)},
                   {"limitOn", format_date(a.limit_on)},
                   {"daysInStay", a.days},
                   {"level", a.level}});
  }
  return {{"asOf", format_rfc3339(as_of)}, {"alerts", std::move(out)}};
}

}  // namespace perspectief
