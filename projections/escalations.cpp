#include <algorithm>
#include <vector>

#include "projections/read_models.hpp"

namespace perspectief {

void open_escalations(std::span<const Fact> facts, Micros t, std::vector<const Fact*>& open) {
  open.clear();
  for (const Fact& f : facts) {
    if (f.at > t) break;
    if (f.kind == Fact::Kind::escalation_raised) {
      open.push_back(&f);
    } else if (f.kind == Fact::Kind::escalation_resolved) {
      std::erase_if(open, [&](const Fact* raised) { return raised->ref == f.ref; });
    } else if (f.kind == Fact::Kind::ended) {
      open.clear();  // the end of the stay closes every open escalation
    }
  }
}

boost::json::object escalations_json(const HistoryView& h, Micros as_of, EscalationStatus status) {
  const Days today = day_of(as_of);
  // By caseId, then in the order they were raised.
  std::vector<HistoryView::CaseEntry> cases;
  cases.reserve(h.cases().size());
  for (const auto& entry : h.cases()) cases.push_back(entry);
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  boost::json::array out;
  for (const auto& [id, facts] : cases) {
    struct Open {
      const Fact* raised;
      Micros resolved_at = kNever;
      std::optional<EscalationEnd> resolution{};
    };
    std::vector<Open> escalations;
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      if (f.kind == Fact::Kind::escalation_raised) {
        escalations.push_back({&f});
      } else if (f.kind == Fact::Kind::escalation_resolved) {
        for (auto& e : escalations) {
          if (e.raised->ref == f.ref && e.resolved_at == kNever) {
            e.resolved_at = f.at;
            e.resolution = from_code<EscalationEnd>(f.code);
          }
        }
      } else if (f.kind == Fact::Kind::ended) {
        // The end of the stay closes every open escalation on the end date.
        for (auto& e : escalations) {
          if (e.resolved_at == kNever) {
            e.resolved_at = f.at;
            e.resolution = EscalationEnd::stay_ended;
          }
        }
      }
    }
    for (const auto& e : escalations) {
      const bool open = e.resolved_at == kNever;
      if ((status == EscalationStatus::open && !open) ||
          (status == EscalationStatus::resolved && open))
        continue;
      const Days raised = day_of(e.raised->at);
      const Days until = open ? today : day_of(e.resolved_at);
      out.push_back({{"caseId", id},
                     {"escalationId", h.text(e.raised->ref)},
                     {"level", to_string(static_cast<EscalationLevel>(e.raised->code))},
                     {"reason", to_string(static_cast<EscalationReason>(e.raised->code2))},
                     {"raisedOn", format_date(raised)},
                     {"resolvedOn", open ? boost::json::value(nullptr)
                                         : boost::json::value(format_date(day_of(e.resolved_at)))},
                     {"resolution", e.resolution ? boost::json::value(to_string(*e.resolution))
                                                 : boost::json::value(nullptr)},
                     {"ageDays", until - raised}});
    }
  }
  return {{"asOf", format_rfc3339(as_of)}, {"escalations", std::move(out)}};
}

}  // namespace perspectief
