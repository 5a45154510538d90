#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/enumerations.hpp"
#include "domain/time.hpp"
#include "eventstore/envelope.hpp"
#include "projections/csv_table.hpp"

namespace perspectief {

// The evaluation export of spec/evaluation.md ("Evaluation export"): the log folded into CSV
// tables with no personal data and no free text, cases keyed by their research pseudonym.
// Fold the events (in log order, those recorded by the export's knownAt), then take files().
// Dates are UTC dates of occurredAt; a period [from, to) holds the nights D with
// from <= D < to (housed, or open, at the end of D, as GET /v1/utilisation counts them).
class EvaluationExport {
 public:
  using Pseudonym = std::function<std::string(std::string_view case_id)>;
  explicit EvaluationExport(Pseudonym pseudonym) : pseudonym_(std::move(pseudonym)) {}

  void apply(const Envelope& e);

  // cases, stays, decisions, legal_steps, return_steps, escalations, locations, activities.
  std::vector<CsvFile> files() const;

 private:
  struct Stay {
    std::size_t case_index;
    std::string location;
    Days from;
    std::optional<Days> to;
  };
  struct Escalation {
    std::size_t case_index;
    std::string id;  // the case's own id for it: never written out
    int number;      // 1, 2, ... within the case
    Days raised;
    EscalationReason reason;
    EscalationLevel level;
    std::optional<Days> resolved;
    std::optional<EscalationEnd> resolution;
  };
  struct Case {
    std::string pseudonym;
    std::string previous;  // the earlier case's pseudonym, or ""
    Days registered = 0;
    std::optional<Days> intake;
    std::optional<bool> eligible;
    std::optional<Decision> decision;
    std::optional<Funding> funding;
    std::optional<Days> first_bed;
    std::optional<std::size_t> open_stay;  // into stays_
    std::optional<Days> ended;
    std::optional<Outcome> outcome;
    std::optional<Track> track;
    std::optional<Track> track_at_end;
    int escalations = 0;
    bool erased = false;
  };
  struct Capacity {
    std::string location;
    std::string operator_id;
    Days from;
    std::optional<Days> to;
    std::int64_t beds;
  };
  struct Activity {
    std::string id;
    std::string organisation;
    std::optional<ActivityCategory> category;
    bool co_designed = false;
    std::optional<Days> starts;
    std::optional<Days> held;
    std::optional<Days> cancelled;
    std::int64_t residents = 0;
    std::int64_t volunteers = 0;
    std::int64_t neighbours = 0;
    double volunteer_hours = 0;
  };
  struct Row {  // a legal step, return step or placement decision
    std::size_t case_index;
    Days on;
    std::string a;
    std::string b;
  };

  struct CaseFold;
  void apply_case(std::string_view id, const Envelope& e);
  void apply_location(std::string_view id, const Envelope& e);
  void apply_activity(std::string_view id, const Envelope& e);
  void close_stay(Case& c, Days on);

  Pseudonym pseudonym_;
  std::vector<Case> cases_;  // in the order they were registered
  std::unordered_map<std::string, std::size_t> case_index_;
  std::vector<Stay> stays_;
  std::vector<Escalation> escalations_;
  std::vector<Row> decisions_;
  std::vector<Row> legal_steps_;
  std::vector<Row> return_steps_;
  std::vector<Capacity> capacity_;
  std::map<std::string, std::optional<std::size_t>> open_capacity_;  // by location
  std::vector<Activity> activities_;
  std::unordered_map<std::string, std::size_t> activity_index_;
};

// export.csv: one row per file (exportId, knownAt, position, file, rows, sha256).
CsvFile export_manifest(std::string_view export_id, Micros known_at, std::uint64_t position,
                        const std::vector<CsvFile>& files);

// The export's id: a UUID-shaped SHA-256 of the log position, the eventId there and knownAt,
// so the same log and knownAt give the same export, byte for byte.
std::string export_id(std::uint64_t position, std::string_view event_id, Micros known_at);

}  // namespace perspectief
