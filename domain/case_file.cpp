#include "domain/case_file.hpp"

#include "domain/event_catalogue.hpp"

#include <algorithm>
#include <array>

namespace perspectief {
namespace {

struct StatusName {
  CaseStatus status;
  std::string_view name;
};

constexpr std::array<StatusName, 9> kStatuses{{
    {CaseStatus::none, "none"},
    {CaseStatus::registered, "registered"},
    {CaseStatus::intake_completed, "intake_completed"},
    {CaseStatus::admitted, "admitted"},
    {CaseStatus::rejected, "rejected"},
    {CaseStatus::referred, "referred"},
    {CaseStatus::waitlisted, "waitlisted"},
    {CaseStatus::housed, "housed"},
    {CaseStatus::ended, "ended"},
}};

bool is_one_of(std::string_view type, std::initializer_list<std::string_view> types) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::string in_state(const CaseState& s) {
  return " (the case is " + std::string{to_string(s.status)} + ")";
}

Status check_bed(const CaseState& state, const std::string& location_id, const CaseContext& ctx) {
  const LocationState* loc = ctx.location(location_id);
  if (loc == nullptr || !loc->exists)
    return refuse("location-unknown", "no location " + location_id);
  if (!loc->open) return refuse("location-not-open", "location " + location_id + " is closed");
  if (loc->free_beds() <= 0)
    return refuse("bed-capacity", "location " + location_id + " has no free bed");
  (void)state;
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

Status decide_case(const CaseState& s, const DomainEvent& e, const CaseContext& ctx) {
  const std::string& t = e.type;
  // Rule 1: the first event is CaseRegistered, and only the first.
  if (t == "CaseRegistered") {
    if (s.status != CaseStatus::none)
      return refuse("case-registered-first", "rule 1: the case is already registered");
    return Ok{};
  }
  if (s.status == CaseStatus::none) {
    return refuse("case-registered-first", "rule 1: the first event of a case is CaseRegistered");
  }
  if (t == "PersonalDataErased") {
    if (s.erased) return refuse("already-erased", "the case's personal data is already erased");
    return Ok{};
  }
  // Rule 11: after StayEnded only the exit interview (and erasure).
  if (s.status == CaseStatus::ended && t != "ExitInterviewHeld") {
    return refuse("stay-ended", "rule 11: after StayEnded only ExitInterviewHeld is accepted");
  }
  if (t == "IntakeCompleted") {  // rule 2
    if (s.status != CaseStatus::registered)
      return refuse("intake-when-registered", "rule 2: intake only when registered" + in_state(s));
  } else if (t == "PlacementDecided") {  // rule 3
    if (s.status != CaseStatus::intake_completed && s.status != CaseStatus::waitlisted) {
      return refuse(
          "placement-after-intake",
          "rule 3: a placement is decided after the intake or on the waitlist" + in_state(s));
    }
    if (text_of(e.data, "decision") == "admitted" && !s.eligible) {
      return refuse("admission-needs-eligibility", "rule 3: admission needs an eligible intake");
    }
  } else if (t == "CaseManagerAssigned") {  // rule 4
    if (s.final()) return refuse("case-closed", "rule 4: the case is closed" + in_state(s));
  } else if (t == "BedAssigned") {  // rule 5
    if (s.status != CaseStatus::admitted)
      return refuse("bed-when-admitted",
                    "rule 5: a bed is assigned to an admitted case waiting for one" + in_state(s));
    if (auto r = check_bed(s, text_of(e.data, "locationId"), ctx); !r) return r;
    if (auto r = check_places(s, ctx); !r) return r;
  } else if (t == "Transferred") {  // rule 6
    if (s.status != CaseStatus::housed)
      return refuse("transfer-when-housed",
                    "rule 6: only a housed case is transferred" + in_state(s));
    const std::string to = text_of(e.data, "toLocationId");
    if (to == s.location_id)
      return refuse("transfer-same-location", "rule 6: the case is housed there already");
    if (auto r = check_bed(s, to, ctx); !r) return r;
  } else if (t == "LivingAllowancePaid") {  // rule 7
    if (s.status != CaseStatus::housed)
      return refuse("allowance-when-housed",
                    "rule 7: living allowance is paid to housed cases" + in_state(s));
    if (s.allowance_paid(text_of(e.data, "period"))) {
      return refuse("allowance-once-per-period",
                    "rule 7: the allowance for that period is paid already");
    }
  } else if (is_one_of(t, {"LegalStepRecorded", "PerspectiveChosen", "ReturnStepRecorded",
                           "ParticipationRecorded", "EscalationRaised"})) {  // rule 8
    if (!s.active())
      return refuse("only-when-active",
                    "rule 8: only while the case is admitted or housed" + in_state(s));
    if (t == "EscalationRaised" && s.escalation(text_of(e.data, "escalationId")) != nullptr) {
      return refuse("escalation-id-used", "this escalationId is used already in the case");
    }
  } else if (t == "EscalationResolved") {  // rule 9
    const Escalation* esc = s.escalation(text_of(e.data, "escalationId"));
    if (esc == nullptr || !esc->open())
      return refuse("escalation-not-open", "rule 9: no open escalation with that escalationId");
  } else if (t == "StayExtended") {  // rule 10
    if (s.status != CaseStatus::housed)
      return refuse("extension-when-housed",
                    "rule 10: only a housed stay is extended" + in_state(s));
    const auto until = parse_date(text_of(e.data, "until"));
    const auto limit = limit_on(s, ctx.programme.max_stay_months);
    if (!until || (limit && *until <= *limit)) {
      return refuse("extension-after-limit", "rule 10: until must lie after the current limit " +
                                                 (limit ? format_date(*limit) : std::string{}));
    }
  } else if (t == "ExitInterviewHeld") {
    if (!s.active() && s.status != CaseStatus::ended)
      return refuse("exit-interview-when-staying",
                    "an exit interview belongs to a stay" + in_state(s));
    if (s.exit_interview)
      return refuse("exit-interview-once", "the exit interview is held already");
  } else if (t == "StayEnded") {  // rule 11
    if (!s.active())
      return refuse("end-when-active", "rule 11: only an active stay ends" + in_state(s));
  }
  return Ok{};
}

}  // namespace

std::string_view to_string(CaseStatus s) {
  for (const auto& n : kStatuses) {
    if (n.status == s) return n.name;
  }
  return "none";
}

std::optional<CaseStatus> parse_case_status(std::string_view s) {
  for (const auto& n : kStatuses) {
    if (n.name == s && n.status != CaseStatus::none) return n.status;
  }
  return std::nullopt;
}

std::string_view to_string(Funding f) {
  switch (f) {
    case Funding::lvv:
      return "lvv";
    case Funding::municipal:
      return "municipal";
    case Funding::none:
      return "";
  }
  return "";
}

std::int32_t month_number(std::string_view period) {
  if (period.size() != 7) return 0;
  const int year = (period[0] - '0') * 1000 + (period[1] - '0') * 100 + (period[2] - '0') * 10 +
                   (period[3] - '0');
  const int month = (period[5] - '0') * 10 + (period[6] - '0');
  return year * 12 + month - 1;
}

bool CaseState::allowance_paid(std::string_view period) const {
  return std::binary_search(allowance_periods.begin(), allowance_periods.end(),
                            month_number(period));
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

Result<std::vector<DomainEvent>> decide(const CaseState& state, const DomainEvent& event,
                                        const CaseContext& context, Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, event.occurred_at, now); !t)
    return t.take_error();
  if (auto r = decide_case(state, event, context); !r) return r.take_error();
  return std::vector<DomainEvent>{event};
}

CaseState evolve(CaseState s, const EventRef& e) {
  evolve_in_place(s, e);
  return s;
}

void evolve_in_place(CaseState& s, const EventRef& e) {
  const std::string_view t = e.type;
  const Days day = day_of(e.occurred_at);
  if (t == "CaseRegistered") {
    s.status = CaseStatus::registered;
  } else if (t == "IntakeCompleted") {
    s.status = CaseStatus::intake_completed;
    s.eligible = bool_of(e.data, "eligible");
  } else if (t == "PlacementDecided") {
    const std::string_view decision = text_view(e.data, "decision");
    if (decision == "admitted") {
      s.status = CaseStatus::admitted;
      s.funding = text_view(e.data, "funding") == "lvv" ? Funding::lvv : Funding::municipal;
      s.admission_decided_on = day;
    } else {
      s.status = parse_case_status(decision).value_or(CaseStatus::waitlisted);
    }
  } else if (t == "CaseManagerAssigned") {
    s.case_manager = text_of(e.data, "caseManager");
    s.organisation = text_of(e.data, "organisation");
  } else if (t == "BedAssigned") {
    s.status = CaseStatus::housed;
    s.location_id = text_of(e.data, "locationId");
    if (!s.admitted_on) s.admitted_on = day;
  } else if (t == "Transferred") {
    s.location_id = text_of(e.data, "toLocationId");
  } else if (t == "LivingAllowancePaid") {
    const std::int32_t m = month_number(text_view(e.data, "period"));
    s.allowance_periods.insert(
        std::lower_bound(s.allowance_periods.begin(), s.allowance_periods.end(), m), m);
  } else if (t == "LegalStepRecorded") {
    s.legal_steps.push_back({enum_value(t, "step", text_view(e.data, "step")),
                             enum_value(t, "result", text_view(e.data, "result")), day});
  } else if (t == "PerspectiveChosen") {
    s.track = enum_value(t, "track", text_view(e.data, "track"));
    if (s.track != "undecided" && !s.first_real_track_on) s.first_real_track_on = day;
  } else if (t == "ReturnStepRecorded") {
    s.return_steps.push_back(
        {enum_value(t, "step", text_view(e.data, "step")), text_of(e.data, "country"), day});
  } else if (t == "EscalationRaised") {
    s.escalations.push_back({text_of(e.data, "escalationId"),
                             enum_value(t, "reason", text_view(e.data, "reason")),
                             enum_value(t, "level", text_view(e.data, "level")),
                             day,
                             std::nullopt,
                             {}});
  } else if (t == "EscalationResolved") {
    for (auto& esc : s.escalations) {
      if (esc.id == text_view(e.data, "escalationId") && esc.open()) {
        esc.resolved_on = day;
        esc.resolution = enum_value(t, "resolution", text_view(e.data, "resolution"));
      }
    }
  } else if (t == "StayExtended") {
    s.extended_until = parse_stored_date(text_view(e.data, "until"));
  } else if (t == "ExitInterviewHeld") {
    s.exit_interview = true;
  } else if (t == "StayEnded") {
    s.status = CaseStatus::ended;
    s.outcome = enum_value(t, "outcome", text_view(e.data, "outcome"));
    s.ended_on = day;
    for (auto& esc : s.escalations) {
      if (esc.open()) {
        esc.resolved_on = day;
        esc.resolution = "stay_ended";
      }
    }
  } else if (t == "PersonalDataErased") {
    s.erased = true;
  }
  s.last_occurred = std::max(s.last_occurred, e.occurred_at);
  ++s.version;
}

}  // namespace perspectief
