#include <array>

#include "projections/read_models.hpp"

namespace perspectief {

boost::json::object intake_funnel_json(const HistoryView& h, Days from, Days to, Micros as_of) {
  std::int64_t registered = 0;
  std::int64_t intake = 0;
  std::array<std::int64_t, enum_count<Decision>()> decisions{};
  for (const auto& [id, facts] : h.cases()) {
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      const Days d = day_of(f.at);
      if (d < from || d > to) continue;
      if (f.kind == Fact::Kind::registered) ++registered;
      if (f.kind == Fact::Kind::intake) ++intake;
      if (f.kind == Fact::Kind::decision) ++decisions[f.code];
    }
  }
  return {{"from", format_date(from)},
          {"to", format_date(to)},
          {"registered", registered},
          {"intakeCompleted", intake},
          {"admitted", decisions[static_cast<int>(Decision::admitted)]},
          {"rejected", decisions[static_cast<int>(Decision::rejected)]},
          {"referred", decisions[static_cast<int>(Decision::referred)]},
          {"waitlisted", decisions[static_cast<int>(Decision::waitlisted)]}};
}

}  // namespace perspectief
