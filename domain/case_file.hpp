#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_event.hpp"
#include "domain/location.hpp"
#include "domain/programme.hpp"

namespace perspectief {

enum class CaseStatus {
  none,
  registered,
  intake_completed,
  admitted,
  rejected,
  referred,
  waitlisted,
  housed,
  ended
};
enum class Funding { none, lvv, municipal };

std::string_view to_string(CaseStatus s);
std::optional<CaseStatus> parse_case_status(std::string_view s);
std::string_view to_string(Funding f);

struct LegalStep {
  std::string_view step;    // the catalogue's own string (static storage)
  std::string_view result;  // empty when not given
  Days on = 0;
};

struct ReturnStep {
  std::string_view step;
  std::string country;
  Days on = 0;
};

struct Escalation {
  std::string id;
  std::string_view reason;  // static strings: a case holds many of these
  std::string_view level;
  Days raised_on = 0;
  std::optional<Days> resolved_on;
  std::string_view resolution;  // resolved | stay_terminated | stay_ended; empty while open
  bool open() const { return !resolved_on.has_value(); }
};

// A `case-{id}` stream: one person's trajectory. Holds no personal data: the person and the
// free text stay in the (encrypted) events.
struct CaseState {
  CaseStatus status = CaseStatus::none;
  bool eligible = false;
  Funding funding = Funding::none;
  std::string case_manager;
  std::string organisation;
  std::string location_id;             // where housed now (or last, once ended)
  std::optional<Days> admitted_on;     // the first BedAssigned
  std::optional<Days> extended_until;  // the latest StayExtended
  std::optional<Days> admission_decided_on;
  std::string_view track;                   // the last PerspectiveChosen
  std::optional<Days> first_real_track_on;  // first track other than undecided
  std::vector<LegalStep> legal_steps;
  std::vector<ReturnStep> return_steps;
  std::vector<Escalation> escalations;
  std::vector<std::int32_t> allowance_periods;  // paid months as year * 12 + month - 1, sorted
  std::string_view outcome;
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
};

// The case rules 1-11 of spec/domain.md (rule 12 is theirs under concurrency).
Result<std::vector<DomainEvent>> decide(const CaseState& state, const DomainEvent& event,
                                        const CaseContext& context, Micros now);
CaseState evolve(CaseState state, const EventRef& event);
// The same, changing `state` where it is (the read side folds the whole log through this).
void evolve_in_place(CaseState& state, const EventRef& event);

}  // namespace perspectief
