#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/case_status.hpp"
#include "domain/domain_event.hpp"
#include "domain/enumerations.hpp"
#include "domain/events.hpp"
#include "domain/location.hpp"
#include "domain/programme.hpp"

namespace perspectief {

struct LegalStep {
  LegalStepKind step{};
  std::optional<LegalResult> result;
  Days on = 0;
};

struct ReturnStep {
  ReturnStepKind step{};
  std::string country;
  Days on = 0;
};

struct Escalation {
  std::string id;
  EscalationReason reason{};
  EscalationLevel level{};
  Days raised_on = 0;
  std::optional<Days> resolved_on;
  std::optional<EscalationEnd> resolution;  // none while open
  bool open() const { return !resolved_on.has_value(); }
};

// A `case-{id}` stream: one person's trajectory. Holds no personal data: the person and the
// free text stay in the (encrypted) events.
struct CaseState {
  CaseStatus status = CaseStatus::none;
  bool eligible = false;
  std::optional<Funding> funding;  // set by an admission
  std::string case_manager;
  std::string organisation;
  std::string location_id;             // where housed now (or last, once ended)
  std::optional<Days> admitted_on;     // the first BedAssigned
  std::optional<Days> extended_until;  // the latest StayExtended
  std::optional<Days> admission_decided_on;
  std::optional<Track> track;               // the last PerspectiveChosen
  std::optional<Days> first_real_track_on;  // first track other than undecided
  std::vector<LegalStep> legal_steps;
  std::vector<ReturnStep> return_steps;
  std::vector<Escalation> escalations;
  std::vector<std::int32_t> allowance_periods;  // paid months as year * 12 + month - 1, sorted
  std::optional<Outcome> outcome;
  std::optional<Days> ended_on;
  bool exit_interview = false;
  bool erased = false;
  Micros last_occurred = INT64_MIN;
  std::uint64_t version = 0;

  bool active() const { return status == CaseStatus::admitted || status == CaseStatus::housed; }
  bool final() const {
    return status == CaseStatus::rejected || status == CaseStatus::referred ||
           status == CaseStatus::ended;
  }
  const Escalation* escalation(std::string_view id) const;
  bool allowance_paid(std::int32_t period) const;
  bool allowance_paid(std::string_view period) const;
};

// "YYYY-MM" as year * 12 + month - 1 (validated input).
std::int32_t month_number(std::string_view period);

// The last day of the stay: the latest StayExtended `until`, else admission + max months.
std::optional<Days> limit_on(const CaseState& state, std::int64_t max_stay_months);

// What a case decision may know of other streams; filled by the programme model inside the
// serialised write path, so capacity holds under concurrency.
struct CaseContext {
  const ProgrammeState& programme;
  std::function<const LocationState*(const std::string&)> location;
  std::int64_t housed_lvv = 0;
  std::int64_t housed_municipal = 0;
  // Another case by id (rule previous_case); null when there is none.
  std::function<const CaseState*(std::string_view)> find_case;
};

// The case rules 1-11 of spec/domain.md (rule 12 is theirs under concurrency), for an event
// that occurred at `occurred_at`.
Status decide(const CaseState& state, const CaseEvent& event, Micros occurred_at,
              const CaseContext& context, Micros now);
// Folds an event into the state where it is (the read side folds the whole log through it).
void evolve_in_place(CaseState& state, const CaseEvent& event, Micros occurred_at);

// The same for an untyped event (tests, and the folds of stored envelopes): parsed first; an
// event that does not parse as a case event (damaged data) only counts in the version.
Result<std::vector<DomainEvent>> decide(const CaseState& state, const DomainEvent& event,
                                        const CaseContext& context, Micros now);
CaseState evolve(CaseState state, const EventRef& event);
void evolve_in_place(CaseState& state, const EventRef& event);

}  // namespace perspectief
