#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/activity.hpp"
#include "domain/case_file.hpp"
#include "domain/location.hpp"
#include "domain/programme.hpp"
#include "domain/role.hpp"
#include "eventstore/envelope.hpp"
#include "projections/case_table.hpp"

namespace perspectief {

struct ParsedEnvelope;

// Where a folded event left its stream, for the housing organisations' feeds (FeedIndex):
// told of every event the read side folds, in position order.
struct FoldedEvent {
  std::optional<StreamKind> kind;   // nullopt: not a stream of the programme
  std::string_view housing_before;  // case: operator of the location housed in before, or ""
  std::string_view housing_after;   // case: the same after it; location: its operator after it
  bool waiting_after = false;       // case: admitted and waiting for a bed after it
};
class FoldObserver {
 public:
  virtual ~FoldObserver() = default;
  virtual void folded(const Envelope& envelope, const FoldedEvent& where) = 0;
};

// The state of every stream of the programme, folded from the log, with the figures that
// span streams (beds taken per location, places taken per funding stream). One instance
// decides appends inside the store's writer (WritePolicy); another follows durable commits
// for reads (CaseFiles). Not thread-safe: its owner serialises access.
class ProgrammeModel {
 public:
  explicit ProgrammeModel(ProgrammeState defaults);

  // Decides the events of one append to `stream` (all or none) as `actor` at `now`: the
  // occurredAt rules, the actor's scope, the stream's rules and the capacity rules. On
  // success the events are applied; on refusal nothing changes. Errors: conflict (a rule,
  // named), forbidden (out of the actor's scope), invalid (an unknown stream).
  Status admit(const Actor& actor, const std::string& stream,
               const std::vector<DomainEvent>& events, Micros now);

  // Folds a stored event without checking it (replay, read side); several in position order.
  // `observer`, if given, is told where each event left its stream.
  void apply(const Envelope& envelope, FoldObserver* observer = nullptr);
  void apply_all(std::span<const Envelope> envelopes, FoldObserver* observer = nullptr);
  // The same with the page parsed once for every read model that folds it (parse_page).
  void apply_all(std::span<const Envelope> envelopes, std::span<const ParsedEnvelope> parsed,
                 FoldObserver* observer = nullptr);

  const ProgrammeState& programme() const { return programme_; }
  const std::map<std::string, LocationState>& locations() const { return locations_; }
  using Cases = CaseTable<std::map<std::string, CaseState>>;
  const Cases::Storage& cases() const { return cases_.entries(); }
  const std::unordered_map<std::string, ActivityState>& activities() const { return activities_; }
  const LocationState* location(const std::string& id) const;
  const CaseState* find_case(const std::string& id) const;
  std::int64_t housed_lvv() const { return housed_lvv_; }
  std::int64_t housed_municipal() const { return housed_municipal_; }
  std::uint64_t position() const { return position_; }

  // Kept by apply() (the read side) for the metrics: the cases housed now, and the number of
  // open escalations. Recomputed from the cases by rebuild_indexes() (after a snapshot load).
  const std::set<std::string>& housed() const { return housed_; }
  std::int64_t open_escalations() const { return open_escalations_; }
  void rebuild_indexes();

 private:
  friend struct SnapshotAccess;
  Status admit_case(const Actor& actor, const std::string& id,
                    const std::vector<DomainEvent>& events, Micros now);
  Status admit_location(const Actor& actor, const std::string& id,
                        const std::vector<DomainEvent>& events, Micros now);

  void apply(const Envelope& envelope, const ParsedEnvelope& parsed, FoldObserver* observer);
  void apply_case(CaseState& state, std::string_view id, const CaseEvent* event,
                  Micros occurred_at);
  // The operator of the location `state` is housed in; empty if not housed.
  std::string_view housing_operator(const CaseState& state) const;

  ProgrammeState programme_;
  std::map<std::string, LocationState> locations_;
  Cases cases_;  // ordered: case lists page by caseId
  std::unordered_map<std::string, ActivityState> activities_;
  std::int64_t housed_lvv_ = 0;
  std::int64_t housed_municipal_ = 0;
  std::uint64_t position_ = 0;
  std::set<std::string> housed_;
  std::int64_t open_escalations_ = 0;
};

DomainEvent to_domain_event(const Envelope& e);

}  // namespace perspectief
