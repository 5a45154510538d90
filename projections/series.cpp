#include "projections/series.hpp"

#include <array>
#include <vector>

#include "projections/read_models.hpp"

namespace perspectief {
namespace {

struct Month {
  Days first = 0;
  Days last = 0;
  std::int64_t active = 0;
  std::int64_t occupied = 0;
  std::int64_t inflow = 0;
  std::int64_t registered = 0;
  std::int64_t admitted = 0;
  std::array<std::int64_t, enum_count<OutcomeClass>()> outflow{};
  std::vector<std::int64_t> stay_days;
};

// The month whose days hold `d`, or nullptr outside the series (months are consecutive).
Month* month_of(std::vector<Month>& months, Days d) {
  if (months.empty() || d < months.front().first || d > months.back().last) return nullptr;
  const auto index = [](Days day) {
    const auto c = civil_from_days(day);
    return c.year * 12 + static_cast<int>(c.month);
  };
  return &months[static_cast<std::size_t>(index(d) - index(months.front().first))];
}

}  // namespace

boost::json::object series_json(const HistoryView& h, Days first_month, int months) {
  const auto c = civil_from_days(first_month);
  const Days start = days_from_civil({c.year, c.month, 1});
  std::vector<Month> series(static_cast<std::size_t>(months));
  for (int i = 0; i < months; ++i) {
    auto& m = series[static_cast<std::size_t>(i)];
    m.first = add_months(start, i);
    m.last = add_months(start, i + 1) - 1;
  }
  const Micros end = end_of_day(series.back().last);
  for (const auto& [id, facts] : h.cases()) {
    for (auto& m : series) {
      const CaseAt at_end = History::case_at(facts.facts, end_of_day(m.last));
      if (!at_end.exists) continue;
      m.active += at_end.active() ? 1 : 0;
      m.occupied += at_end.housed ? 1 : 0;
    }
    const CaseAt now = History::case_at(facts.facts, end);
    if (now.first_bed != kNever) {
      if (Month* m = month_of(series, day_of(now.first_bed))) ++m->inflow;
    }
    if (now.ended) {
      if (Month* m = month_of(series, day_of(now.ended_at))) {
        ++m->outflow[static_cast<std::size_t>(outcome_class(now.outcome))];
        m->stay_days.push_back(
            now.first_bed == kNever ? 0 : day_of(now.ended_at) - day_of(now.first_bed));
      }
    }
    for (const Fact& f : facts.facts) {
      if (f.at > end) break;
      Month* m = month_of(series, day_of(f.at));
      if (m == nullptr) continue;
      if (f.kind == Fact::Kind::registered) ++m->registered;
      if (f.kind == Fact::Kind::decision &&
          enum_from_code<Decision>(f.code) == Decision::admitted) {
        ++m->admitted;
      }
    }
  }
  boost::json::array out;
  out.reserve(series.size());
  for (auto& m : series) {
    boost::json::object by_class;
    std::int64_t outflow = 0;
    for (std::size_t k = 0; k < m.outflow.size(); ++k) {
      by_class[to_string(static_cast<OutcomeClass>(k))] = m.outflow[k];
      outflow += m.outflow[k];
    }
    out.push_back({{"month", format_date(m.first).substr(0, 7)},
                   {"activeAtEnd", m.active},
                   {"occupiedAtEnd", m.occupied},
                   {"inflow", m.inflow},
                   {"outflow", outflow},
                   {"outflowByClass", std::move(by_class)},
                   {"medianStayDaysOfOutflow", m.stay_days.empty()
                                                   ? boost::json::value(nullptr)
                                                   : boost::json::value(median_of(m.stay_days))},
                   {"registered", m.registered},
                   {"admitted", m.admitted}});
  }
  return {{"from", format_date(series.front().first).substr(0, 7)},
          {"to", format_date(series.back().first).substr(0, 7)},
          {"months", std::move(out)}};
}

}  // namespace perspectief
