#include "domain/case_file.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include "domain/untyped_event.hpp"

namespace perspectief {
namespace {

std::string in_state(const CaseState& s) {
  return " (the case is " + std::string{to_string(s.status)} + ")";
}

Status check_bed(const std::string& location_id, const CaseContext& ctx) {
  const LocationState* loc = ctx.location(location_id);
  if (loc == nullptr || !loc->exists)
    return refuse("location-unknown", "no location " + location_id);
  if (!loc->open) return refuse("location-not-open", "location " + location_id + " is closed");
  if (loc->free_beds() <= 0)
    return refuse("bed-capacity", "location " + location_id + " has no free bed");
  return Ok{};
}

Status check_places(const CaseState& state, const CaseContext& ctx) {
  const auto& p = ctx.programme;
  if (ctx.housed_lvv + ctx.housed_municipal >= p.places) {
    return refuse("programme-capacity",
                  "the programme's " + std::to_string(p.places) + " places are all taken");
  }
  if (state.funding == Funding::lvv && ctx.housed_lvv >= p.lvv_places) {
    return refuse("funding-capacity",
                  "the " + std::to_string(p.lvv_places) + " LVV places are all taken");
  }
  if (state.funding == Funding::municipal && ctx.housed_municipal >= p.municipal_places()) {
    return refuse("funding-capacity", "the " + std::to_string(p.municipal_places()) +
                                          " municipal places are all taken");
  }
  return Ok{};
}

Status only_when_active(const CaseState& s) {
  if (!s.active()) {
    return refuse("only-when-active",
                  "rule 8: only while the case is admitted or housed" + in_state(s));
  }
  return Ok{};
}

// One rule per event type (rules 2-11 of spec/domain.md); rule 1, erasure and the end of a
// stay are checked before them (decide_case).
// Rule 1 is checked in decide_case; a return names an earlier case of the person, which must
// be closed and not erased (spec/evaluation.md, "Returns to the programme").
Status rule(const CaseState& /*s*/, const CaseRegistered& e, const CaseContext& c) {
  if (e.previous_case_id.empty()) return Ok{};
  const CaseState* previous = c.find_case ? c.find_case(e.previous_case_id) : nullptr;
  if (previous == nullptr || previous->status == CaseStatus::none) {
    return refuse("previous_case", "previousCaseId names no case");
  }
  if (!previous->final()) {
    return refuse("previous_case", "previousCaseId must name a rejected, referred or ended case" +
                                       in_state(*previous));
  }
  // An erased case stays unlinked: naming it would tie its history to a person again.
  if (previous->erased) {
    return refuse("previous_case", "previousCaseId names a case whose personal data is erased");
  }
  return Ok{};
}
Status rule(const CaseState& /*s*/, const PersonalDataErased& /*e*/, const CaseContext& /*c*/) {
  return Ok{};  // in decide_case
}
Status rule(const CaseState& s, const IntakeCompleted& /*e*/, const CaseContext& /*c*/) {
  if (s.status != CaseStatus::registered)
    return refuse("intake-when-registered", "rule 2: intake only when registered" + in_state(s));
  return Ok{};
}
Status rule(const CaseState& s, const PlacementDecided& e, const CaseContext& /*c*/) {
  if (s.status != CaseStatus::intake_completed && s.status != CaseStatus::waitlisted) {
    return refuse(
        "placement-after-intake",
        "rule 3: a placement is decided after the intake or on the waitlist" + in_state(s));
  }
  if (e.decision == Decision::admitted && !s.eligible)
    return refuse("admission-needs-eligibility", "rule 3: admission needs an eligible intake");
  return Ok{};
}
Status rule(const CaseState& s, const CaseManagerAssigned& /*e*/, const CaseContext& /*c*/) {
  if (s.final()) return refuse("case-closed", "rule 4: the case is closed" + in_state(s));
  return Ok{};
}
Status rule(const CaseState& s, const BedAssigned& e, const CaseContext& ctx) {
  if (s.status != CaseStatus::admitted) {
    return refuse("bed-when-admitted",
                  "rule 5: a bed is assigned to an admitted case waiting for one" + in_state(s));
  }
  if (auto r = check_bed(std::string{e.location_id}, ctx); !r) return r;
  return check_places(s, ctx);
}
Status rule(const CaseState& s, const Transferred& e, const CaseContext& ctx) {
  if (s.status != CaseStatus::housed) {
    return refuse("transfer-when-housed",
                  "rule 6: only a housed case is transferred" + in_state(s));
  }
  if (e.to_location_id == s.location_id)
    return refuse("transfer-same-location", "rule 6: the case is housed there already");
  return check_bed(std::string{e.to_location_id}, ctx);
}
Status rule(const CaseState& s, const LivingAllowancePaid& e, const CaseContext& /*c*/) {
  if (s.status != CaseStatus::housed) {
    return refuse("allowance-when-housed",
                  "rule 7: living allowance is paid to housed cases" + in_state(s));
  }
  if (s.allowance_paid(e.period)) {
    return refuse("allowance-once-per-period",
                  "rule 7: the allowance for that period is paid already");
  }
  return Ok{};
}
Status rule(const CaseState& s, const LegalStepRecorded& /*e*/, const CaseContext& /*c*/) {
  return only_when_active(s);
}
Status rule(const CaseState& s, const PerspectiveChosen& /*e*/, const CaseContext& /*c*/) {
  return only_when_active(s);
}
Status rule(const CaseState& s, const ReturnStepRecorded& /*e*/, const CaseContext& /*c*/) {
  return only_when_active(s);
}
Status rule(const CaseState& s, const ParticipationRecorded& /*e*/, const CaseContext& /*c*/) {
  return only_when_active(s);
}
Status rule(const CaseState& s, const EscalationRaised& e, const CaseContext& /*c*/) {
  if (auto r = only_when_active(s); !r) return r;
  if (s.escalation(e.escalation_id) != nullptr)
    return refuse("escalation-id-used", "this escalationId is used already in the case");
  return Ok{};
}
Status rule(const CaseState& s, const EscalationResolved& e, const CaseContext& /*c*/) {
  const Escalation* esc = s.escalation(e.escalation_id);
  if (esc == nullptr || !esc->open())
    return refuse("escalation-not-open", "rule 9: no open escalation with that escalationId");
  return Ok{};
}
Status rule(const CaseState& s, const StayExtended& e, const CaseContext& ctx) {
  if (s.status != CaseStatus::housed)
    return refuse("extension-when-housed", "rule 10: only a housed stay is extended" + in_state(s));
  const auto limit = limit_on(s, ctx.programme.max_stay_months);
  if (limit && e.until <= *limit) {
    return refuse("extension-after-limit",
                  "rule 10: until must lie after the current limit " + format_date(*limit));
  }
  return Ok{};
}
Status rule(const CaseState& s, const ExitInterviewHeld& /*e*/, const CaseContext& /*c*/) {
  if (!s.active() && s.status != CaseStatus::ended) {
    return refuse("exit-interview-when-staying",
                  "an exit interview belongs to a stay" + in_state(s));
  }
  if (s.exit_interview) return refuse("exit-interview-once", "the exit interview is held already");
  return Ok{};
}
Status rule(const CaseState& s, const StayEnded& /*e*/, const CaseContext& /*c*/) {
  if (!s.active())
    return refuse("end-when-active", "rule 11: only an active stay ends" + in_state(s));
  return Ok{};
}

Status decide_case(const CaseState& s, const CaseEvent& e, const CaseContext& ctx) {
  // Rule 1: the first event is CaseRegistered, and only the first.
  if (const auto* registered = std::get_if<CaseRegistered>(&e)) {
    if (s.status != CaseStatus::none)
      return refuse("case-registered-first", "rule 1: the case is already registered");
    return rule(s, *registered, ctx);
  }
  if (s.status == CaseStatus::none)
    return refuse("case-registered-first", "rule 1: the first event of a case is CaseRegistered");
  if (std::holds_alternative<PersonalDataErased>(e)) {
    if (s.erased) return refuse("already-erased", "the case's personal data is already erased");
    return Ok{};
  }
  // Rule 11: after StayEnded only the exit interview (and erasure).
  if (s.status == CaseStatus::ended && !std::holds_alternative<ExitInterviewHeld>(e))
    return refuse("stay-ended", "rule 11: after StayEnded only ExitInterviewHeld is accepted");
  return std::visit([&](const auto& event) { return rule(s, event, ctx); }, e);
}

CaseStatus status_after(Decision d) {
  switch (d) {
    case Decision::admitted:
      return CaseStatus::admitted;
    case Decision::rejected:
      return CaseStatus::rejected;
    case Decision::referred:
      return CaseStatus::referred;
    case Decision::waitlisted:
      return CaseStatus::waitlisted;
  }
  return CaseStatus::waitlisted;
}

void close_open_escalations(CaseState& s, Days day) {
  for (auto& esc : s.escalations) {
    if (esc.open()) {
      esc.resolved_on = day;
      esc.resolution = EscalationEnd::stay_ended;
    }
  }
}

// One evolver per event type.
void apply(CaseState& s, const CaseRegistered& /*e*/, Days /*day*/) {
  s.status = CaseStatus::registered;
}
void apply(CaseState& s, const IntakeCompleted& e, Days /*day*/) {
  s.status = CaseStatus::intake_completed;
  s.eligible = e.eligible;
}
void apply(CaseState& s, const PlacementDecided& e, Days day) {
  s.status = status_after(e.decision);
  if (e.decision != Decision::admitted) return;
  s.funding = e.funding.value_or(Funding::municipal);
  s.admission_decided_on = day;
}
void apply(CaseState& s, const CaseManagerAssigned& e, Days /*day*/) {
  s.case_manager = e.case_manager;
  s.organisation = e.organisation;
}
void apply(CaseState& s, const BedAssigned& e, Days day) {
  s.status = CaseStatus::housed;
  s.location_id = e.location_id;
  if (!s.admitted_on) s.admitted_on = day;
}
void apply(CaseState& s, const Transferred& e, Days /*day*/) {
  s.location_id = e.to_location_id;
}
void apply(CaseState& s, const LivingAllowancePaid& e, Days /*day*/) {
  auto& periods = s.allowance_periods;
  periods.insert(std::lower_bound(periods.begin(), periods.end(), e.period), e.period);
}
void apply(CaseState& s, const LegalStepRecorded& e, Days day) {
  s.legal_steps.push_back({e.step, e.result, day});
}
void apply(CaseState& s, const PerspectiveChosen& e, Days day) {
  s.track = e.track;
  if (e.track != Track::undecided && !s.first_real_track_on) s.first_real_track_on = day;
}
void apply(CaseState& s, const ReturnStepRecorded& e, Days day) {
  s.return_steps.push_back({e.step, std::string{e.country}, day});
}
void apply(CaseState& /*s*/, const ParticipationRecorded& /*e*/, Days /*day*/) {}
void apply(CaseState& s, const EscalationRaised& e, Days day) {
  s.escalations.push_back(
      {std::string{e.escalation_id}, e.reason, e.level, day, std::nullopt, std::nullopt});
}
void apply(CaseState& s, const EscalationResolved& e, Days day) {
  for (auto& esc : s.escalations) {
    if (esc.id == e.escalation_id && esc.open()) {
      esc.resolved_on = day;
      esc.resolution = escalation_end(e.resolution);
    }
  }
}
void apply(CaseState& s, const StayExtended& e, Days /*day*/) {
  s.extended_until = e.until;
}
void apply(CaseState& s, const ExitInterviewHeld& /*e*/, Days /*day*/) {
  s.exit_interview = true;
}
void apply(CaseState& s, const StayEnded& e, Days day) {
  s.status = CaseStatus::ended;
  s.outcome = e.outcome;
  s.ended_on = day;
  close_open_escalations(s, day);
}
void apply(CaseState& s, const PersonalDataErased& /*e*/, Days /*day*/) {
  s.erased = true;
}

}  // namespace

std::int32_t month_number(std::string_view period) {
  if (period.size() != 7) return 0;
  const int year = (period[0] - '0') * 1000 + (period[1] - '0') * 100 + (period[2] - '0') * 10 +
                   (period[3] - '0');
  const int month = (period[5] - '0') * 10 + (period[6] - '0');
  return year * 12 + month - 1;
}

bool CaseState::allowance_paid(std::int32_t period) const {
  return std::binary_search(allowance_periods.begin(), allowance_periods.end(), period);
}

bool CaseState::allowance_paid(std::string_view period) const {
  return allowance_paid(month_number(period));
}

const Escalation* CaseState::escalation(std::string_view id) const {
  for (const auto& e : escalations) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

std::optional<Days> limit_on(const CaseState& state, std::int64_t max_stay_months) {
  if (state.extended_until) return state.extended_until;
  if (!state.admitted_on) return std::nullopt;
  return add_months(*state.admitted_on, static_cast<int>(max_stay_months));
}

Status decide(const CaseState& state, const CaseEvent& event, Micros occurred_at,
              const CaseContext& context, Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, occurred_at, now); !t) return t;
  return decide_case(state, event, context);
}

void evolve_in_place(CaseState& s, const CaseEvent& e, Micros occurred_at) {
  std::visit([&](const auto& event) { apply(s, event, day_of(occurred_at)); }, e);
  count_event(s, occurred_at);
}

Result<std::vector<DomainEvent>> decide(const CaseState& state, const DomainEvent& event,
                                        const CaseContext& context, Micros now) {
  return decide_untyped<CaseEvent>(state, event, now, context);
}

CaseState evolve(CaseState s, const EventRef& e) {
  evolve_in_place(s, e);
  return s;
}

void evolve_in_place(CaseState& s, const EventRef& e) {
  evolve_untyped<CaseEvent>(s, e);
}

}  // namespace perspectief
