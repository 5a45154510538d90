#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "projections/read_models.hpp"

namespace perspectief {
namespace {

// The checks of spec/evaluation.md ("Data quality"), in the order of the reply.
enum class Check : std::uint8_t {
  admitted_without_bed,
  housed_without_case_manager,
  intake_without_decision,
  past_stay_limit,
  ended_without_exit_interview,
  escalation_open_long,
  registered_without_intake,
};
constexpr std::array<std::string_view, 7> kCheckNames{
    "admitted_without_bed",         "housed_without_case_manager",
    "intake_without_decision",      "past_stay_limit_without_extension",
    "ended_without_exit_interview", "escalation_open_long",
    "registered_without_intake"};

constexpr Days kBedWaitDays = 14;
constexpr Days kDecisionWaitDays = 14;
constexpr Days kExitInterviewDays = 30;
constexpr Days kEscalationDays = 90;
constexpr Days kIntakeWaitDays = 30;

// What the checks need of one case as of a moment.
struct Trail {
  CaseAt at;
  Micros registered = kNever;
  Micros intake = kNever;
  Micros decided = kNever;                    // the latest placement decision
  std::vector<const Fact*> open_escalations;  // their escalation_raised facts
};

// `t` is reused from case to case (its vector keeps its capacity).
void trail_of(std::span<const Fact> facts, Micros as_of, Trail& t) {
  t.at = History::case_at(facts, as_of);
  t.registered = t.intake = t.decided = kNever;
  open_escalations(facts, as_of, t.open_escalations);
  for (const Fact& f : facts) {
    if (f.at > as_of) break;
    switch (f.kind) {
      case Fact::Kind::registered:
        t.registered = f.at;
        break;
      case Fact::Kind::intake:
        t.intake = f.at;
        break;
      case Fact::Kind::decision:
        t.decided = f.at;
        break;
      default:
        break;
    }
  }
}

}  // namespace

boost::json::object data_quality_json(const HistoryView& h, Micros as_of) {
  const Days today = day_of(as_of);
  const auto max_stay = h.capacity_at(as_of).max_stay_months;
  std::array<std::vector<std::string_view>, kCheckNames.size()> found;
  const auto flag = [&](Check c, std::string_view id) {
    found[static_cast<std::size_t>(c)].push_back(id);
  };
  const auto older_than = [&](Micros t, Days days) {
    return t != kNever && today - day_of(t) > days;
  };
  Trail t;
  for (const auto& [id, facts] : h.cases()) {
    trail_of(facts.facts, as_of, t);
    const CaseAt& c = t.at;
    if (!c.exists) continue;
    if (c.intake_done == false && older_than(t.registered, kIntakeWaitDays))
      flag(Check::registered_without_intake, id);
    if (c.intake_done && !c.decision && older_than(t.intake, kDecisionWaitDays))
      flag(Check::intake_without_decision, id);
    if (c.active() && c.first_bed == kNever && older_than(t.decided, kBedWaitDays))
      flag(Check::admitted_without_bed, id);
    if (c.housed && c.manager == 0) flag(Check::housed_without_case_manager, id);
    if (c.housed && !c.extended_until && today > stay_limit_on(c, max_stay)) {
      flag(Check::past_stay_limit, id);
    }
    if (c.ended && !c.exit_interview && older_than(c.ended_at, kExitInterviewDays))
      flag(Check::ended_without_exit_interview, id);
    if (std::any_of(t.open_escalations.begin(), t.open_escalations.end(),
                    [&](const Fact* raised) { return older_than(raised->at, kEscalationDays); })) {
      flag(Check::escalation_open_long, id);
    }
  }
  boost::json::array checks;
  for (std::size_t i = 0; i < kCheckNames.size(); ++i) {
    auto& ids = found[i];
    std::sort(ids.begin(), ids.end());
    boost::json::array list;
    list.reserve(ids.size());
    for (const auto id : ids) list.emplace_back(id);
    checks.push_back(
        {{"check", kCheckNames[i]}, {"count", ids.size()}, {"caseIds", std::move(list)}});
  }
  return {{"asOf", format_rfc3339(as_of)}, {"checks", std::move(checks)}};
}

}  // namespace perspectief
