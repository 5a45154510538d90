#pragma once

#include <array>
#include <mutex>

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/enumerations.hpp"
#include "domain/time.hpp"
#include "eventstore/envelope.hpp"
#include "projections/case_table.hpp"
#include "projections/projection.hpp"

namespace perspectief {

struct ParsedEnvelope;

constexpr Micros kNever = std::numeric_limits<Micros>::max();

// A case's track as the read models key it: its name, or "none" before any PerspectiveChosen.
std::string_view track_key(std::optional<Track> track);

// Enumerations in a fact's byte: an optional one as 0 (none) or 1 + its index, so the bytes of
// a snapshot stay those of the enumerations' order.
template <class E>
std::uint8_t code_of(std::optional<E> value) {
  return value ? static_cast<std::uint8_t>(static_cast<std::uint8_t>(*value) + 1) : 0;
}
template <class E>
std::optional<E> from_code(std::uint8_t code) {
  return code == 0 ? std::nullopt : enum_from_code<E>(static_cast<std::uint8_t>(code - 1));
}

// One fact of a case that some read model needs, with its business time. A case keeps only
// these (a few dozen bytes each): no personal data, no free text.
struct Fact {
  enum class Kind : std::uint8_t {
    registered,
    intake,
    decision,
    manager,
    bed,
    transfer,
    extension,
    track,
    escalation_raised,
    escalation_resolved,
    ended,
    participation,
    exit_interview,
  };
  Micros at = 0;
  // interned: location, "manager\x1forganisation", escalation id, previousCaseId (registered;
  // 0: none); or a date (extension)
  std::uint32_t ref = 0;
  Kind kind = Kind::registered;
  // decision: Decision; track: code_of(Track); escalation_raised: EscalationLevel;
  // escalation_resolved: code_of(EscalationEnd); ended: Outcome; intake: eligible (1 or 0).
  std::uint8_t code = 0;
  std::uint8_t code2 = 0;  // decision: code_of(Funding); escalation_raised: EscalationReason
};
static_assert(sizeof(Fact) == 16, "a case holds many facts: keep them small");

struct CaseFacts {
  std::vector<Fact> facts;  // in stream order (occurredAt never decreases within a stream)
};

// Active cases per track, "none" (no PerspectiveChosen yet) at 0 and each track at 1 + its
// index (code_of).
inline constexpr std::size_t kTrackSlots = enum_count<Track>() + 1;
using ActiveByTrack = std::array<std::int64_t, kTrackSlots>;

struct LocationFacts {
  std::string name;
  std::string operator_id;
  Micros opened = kNever;
  Micros closed = kNever;
  std::vector<std::pair<Micros, std::int64_t>> beds;     // capacity from then on
  std::vector<std::pair<Micros, ContactKind>> contacts;  // NeighbourhoodContactRecorded
  bool exists() const { return opened != kNever; }
  bool open_at(Micros t) const { return opened <= t && t < closed; }
  std::int64_t beds_at(Micros t) const;
};

// One participation activity: counts only, never names.
struct ActivityFacts {
  Micros held = kNever;  // ActivityHeld's occurredAt
  std::int64_t residents = 0;
  std::int64_t volunteers = 0;
  std::int64_t neighbours = 0;
  double volunteer_hours = 0;
  ActivityCategory category{};
  bool co_designed = false;
};

struct CapacityFacts {
  Micros at;
  std::int64_t places;
  std::int64_t lvv_places;
  std::int64_t max_stay_months;
};

// The programme's capacity at `t`: the last of `settings` (in log order, the first the
// configured defaults) whose time is at or before `t`, else the first.
CapacityFacts capacity_at(std::span<const CapacityFacts> settings, Micros t);

// A case as of a moment: the fold of its facts with occurredAt <= that moment.
struct CaseAt {
  bool exists = false;
  bool intake_done = false;
  std::optional<Decision> decision;  // the latest placement decision
  std::optional<Funding> funding;
  std::uint32_t location = 0;  // 0: not housed
  bool housed = false;
  bool ended = false;
  Outcome outcome{};
  Micros ended_at = kNever;
  Micros first_bed = kNever;
  Micros admission_decided = kNever;
  std::optional<Days> extended_until;
  std::uint32_t manager = 0;  // interned "manager\x1forganisation"
  std::optional<Track> track;
  bool exit_interview = false;
  bool active() const { return !ended && decision == Decision::admitted; }
};

// Every case's, location's and the programme's facts, folded from durable events: the source of
// every read model with an "as of" or a date range. Thread-safe: one writer (the projector),
// readers take a shared lock through read().
class History final : public Projection {
 public:
  History(std::int64_t places, std::int64_t lvv_places, std::int64_t max_stay_months);

  std::string_view name() const override { return "history"; }
  // Takes over another history's content (from a snapshot).
  void restore(History&& other);
  void apply(const Envelope& envelope) override;
  void apply_all(std::span<const Envelope> envelopes) override;
  bool folds_typed_events() const override { return true; }
  void apply_parsed(std::span<const Envelope> envelopes,
                    std::span<const ParsedEnvelope> parsed) override;

  // Runs `fn(const History&)` under a shared lock.
  template <class Fn>
  auto read(Fn&& fn) const {
    std::shared_lock lock(mu_);
    return fn(*this);
  }

  // For readers (inside read()).
  using Cases = CaseTable<std::deque<std::pair<std::string, CaseFacts>>>;
  // In order of first sight (not by id).
  const Cases::Storage& cases() const { return cases_.entries(); }
  const std::map<std::string, LocationFacts>& locations() const { return locations_; }
  const std::map<std::string, ActivityFacts>& activities() const { return activities_; }
  CapacityFacts capacity_at(Micros t) const;
  // The programme's capacity settings in log order (the first: the configured defaults).
  const std::vector<CapacityFacts>& capacity() const { return capacity_; }
  const CaseFacts* find_case(std::string_view id) const { return cases_.find(id); }
  const std::string& text(std::uint32_t id) const { return names_[id]; }
  std::uint32_t location_ref(const std::string& location_id) const;
  std::uint64_t position() const { return position_; }
  // The latest occurredAt folded so far: an answer "as of" t >= this one stays the same until
  // the next event (the read-model cache of the API relies on it).
  Micros latest_occurred_at() const { return latest_occurred_at_; }

  // `facts`: a case's facts in stream order (all of them, or those a HistoryView shows).
  static CaseAt case_at(std::span<const Fact> facts, Micros t);

  // The cases active at `now` per track, for the metrics (call inside read(), with `now` not
  // before the previous call's): counted incrementally, only the cases with a fact since the
  // last call (and those with a fact dated after its `now`) are folded again; the fold only
  // notes them (nothing before the first call). The first call, the first after restore(),
  // and one after more notes than a quarter of the cases count every case. Concurrent calls
  // take turns.
  ActiveByTrack active_by_track(Micros now) const;

 private:
  friend struct SnapshotAccess;
  friend struct HistoryFold;
  std::uint32_t intern(std::string_view s);

  void apply_locked(const Envelope& envelope, const ParsedEnvelope& parsed);
  // The fold's note for active_by_track: `c` gets a fact.
  void note_touched(const CaseFacts& c);
  mutable std::shared_mutex mu_;
  Cases cases_;
  std::map<std::string, LocationFacts> locations_;
  std::map<std::string, ActivityFacts> activities_;
  std::vector<CapacityFacts> capacity_;
  std::vector<std::string> names_{""};  // id 0 is "none"
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>> name_ids_;
  std::uint64_t position_ = 0;
  Micros latest_occurred_at_ = 0;

  // active_by_track's counts, as of counted_at_. Once counted, the fold (under mu_
  // exclusively) notes each case it adds a fact to, with its number of facts before; the
  // count (under mu_ shared and count_mu_) takes the notes. Past one note per four cases
  // the notes are dropped and the next count counts every case again.
  struct Touched {
    const CaseFacts* facts;
    std::uint32_t counted_facts;  // how many facts it had at the last count
  };
  mutable std::mutex count_mu_;
  mutable ActiveByTrack active_{};
  mutable Micros counted_at_ = 0;
  mutable bool counted_all_ = false;
  mutable std::vector<Touched> touched_;
};

}  // namespace perspectief
