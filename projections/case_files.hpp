#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "projections/programme_model.hpp"
#include "projections/projection.hpp"

namespace perspectief {

// One case as the case file shows it (no personal data: the API adds the person from the
// case's own events, for the roles that may see it).
struct CaseFileView {
  std::string case_id;
  CaseState state;
  std::optional<Days> limit_on;
  std::string location_operator;  // of the location where housed, for a housing scope
};

struct CaseFilter {
  std::optional<CaseStatus> status;
  std::string location_id;  // empty: any
  std::string after;        // caseId to continue after (exclusive)
  std::size_t limit = 100;
  // The reader's scope (e.g. a housing organisation's); empty: every case.
  std::function<bool(const CaseFileView&)> visible;
};

struct CasePage {
  std::vector<CaseFileView> cases;
  std::string next;  // the last caseId returned when more may follow, else empty
};

// The figures the metrics need, from memory (no scan of the log or of all cases): places and
// beds taken, open escalations, and stay-duration alerts by level among the housed cases.
struct CurrentFigures {
  ProgrammeState programme;
  std::int64_t housed_lvv = 0;
  std::int64_t housed_municipal = 0;
  struct Location {
    std::string id;
    std::int64_t beds = 0;
    std::int64_t occupied = 0;
    bool open = false;
  };
  std::vector<Location> locations;
  std::int64_t open_escalations = 0;
  std::int64_t alerts_review = 0;
  std::int64_t alerts_warning = 0;
  std::int64_t alerts_final = 0;
  std::int64_t alerts_exceeded = 0;
  std::uint64_t position = 0;
};

// The case files read model: follows durable commits (through the Projector), answers from
// memory. Thread-safe: one writer (the projector), many readers.
class CaseFiles final : public Projection {
 public:
  explicit CaseFiles(ProgrammeState defaults) : model_(defaults) {}

  std::string_view name() const override { return "case-files"; }
  void apply(const Envelope& envelope) override;
  void apply_all(std::span<const Envelope> envelopes) override;
  // So does the observer (FeedIndex::folded: the position and the type).
  bool folds_typed_events() const override { return true; }
  void apply_parsed(std::span<const Envelope> envelopes,
                    std::span<const ParsedEnvelope> parsed) override;

  // Tells `observer` where each folded event left its stream (the feed index); set before
  // the projector starts.
  void observe(FoldObserver* observer) { observer_ = observer; }

  // Starts from a snapshot's model; and runs `fn(const ProgrammeModel&)` under the lock.
  void restore(ProgrammeModel model);
  template <class Fn>
  auto with_model(Fn&& fn) const {
    std::shared_lock lock(mu_);
    return fn(model_);
  }

  std::optional<CaseFileView> get(const std::string& case_id) const;
  // The operator of a location; empty if there is no such location.
  std::string location_operator(const std::string& location_id) const;
  CasePage list(const CaseFilter& filter) const;

  // For the metrics layer; `today` decides the alert levels.
  CurrentFigures figures(Days today) const;

 private:
  friend struct SnapshotAccess;
  CaseFileView view(const std::string& id, const CaseState& state) const;

  mutable std::shared_mutex mu_;
  ProgrammeModel model_;
  FoldObserver* observer_ = nullptr;
};

// The JSON of spec/api.md: the full case file (with `person` as given: the person object or
// null) and the summary used in lists.
boost::json::object case_file_json(const CaseFileView& view, boost::json::value person);
boost::json::object case_summary_json(const CaseFileView& view);

}  // namespace perspectief
