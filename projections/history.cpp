#include "projections/history.hpp"

#include <algorithm>
#include <cassert>
#include <mutex>
#include <variant>

#include "domain/events.hpp"
#include "domain/stream_name.hpp"
#include "projections/page_fold.hpp"

namespace perspectief {

std::string_view track_key(std::optional<Track> track) {
  return track ? to_string(*track) : std::string_view{"none"};
}

// The facts each event type adds (one overload per type of each stream kind, so a new event
// type does not compile until it is here); the types no read model needs add none.
struct HistoryFold {
  History& h;
  Micros at;

  // programme
  void operator()(const ProgrammeCapacitySet& e) const {
    h.capacity_.push_back({at, e.places, e.lvv_places, e.max_stay_months});
  }

  // location
  struct Location {
    LocationFacts& l;
    Micros at;
    void operator()(const LocationOpened& e) const {
      l.name = e.name;
      l.operator_id = e.operator_id;
      l.opened = at;
      l.beds.emplace_back(at, e.beds);
    }
    void operator()(const LocationCapacityChanged& e) const { l.beds.emplace_back(at, e.beds); }
    void operator()(const LocationClosed& /*e*/) const { l.closed = at; }
    void operator()(const NeighbourhoodContactRecorded& e) const {
      l.contacts.emplace_back(at, e.kind);
    }
  };

  // activity
  struct Activity {
    ActivityFacts& a;
    Micros at;
    void operator()(const ActivityScheduled& e) const {
      a.category = e.category;
      a.co_designed = e.co_designed;
    }
    void operator()(const ActivityHeld& e) const {
      a.held = at;
      a.residents = e.residents;
      a.volunteers = e.volunteers;
      a.neighbours = e.neighbours;
      a.volunteer_hours = e.volunteer_hours;
    }
    void operator()(const ActivityCancelled& /*e*/) const {}
  };

  // case: the fact an event adds, if any
  using Kind = Fact::Kind;
  std::optional<Fact> fact(Kind kind, std::uint32_t ref = 0, std::uint8_t code = 0,
                           std::uint8_t code2 = 0) const {
    return Fact{at, ref, kind, code, code2};
  }
  std::optional<Fact> operator()(const CaseRegistered& e) const {
    return fact(Kind::registered, e.previous_case_id.empty() ? 0 : h.intern(e.previous_case_id));
  }
  std::optional<Fact> operator()(const IntakeCompleted& e) const {
    return fact(Kind::intake, 0, e.eligible ? 1 : 0);
  }
  std::optional<Fact> operator()(const PlacementDecided& e) const {
    return fact(Kind::decision, 0, static_cast<std::uint8_t>(e.decision), code_of(e.funding));
  }
  std::optional<Fact> operator()(const CaseManagerAssigned& e) const {
    std::string key{e.case_manager};
    key += '\x1f';
    key += e.organisation;
    return fact(Kind::manager, h.intern(key));
  }
  std::optional<Fact> operator()(const BedAssigned& e) const {
    return fact(Kind::bed, h.intern(e.location_id));
  }
  std::optional<Fact> operator()(const Transferred& e) const {
    return fact(Kind::transfer, h.intern(e.to_location_id));
  }
  std::optional<Fact> operator()(const StayExtended& e) const {
    return fact(Kind::extension, static_cast<std::uint32_t>(e.until));
  }
  std::optional<Fact> operator()(const PerspectiveChosen& e) const {
    return fact(Kind::track, 0, code_of(std::optional{e.track}));
  }
  std::optional<Fact> operator()(const EscalationRaised& e) const {
    return fact(Kind::escalation_raised, h.intern(e.escalation_id),
                static_cast<std::uint8_t>(e.level), static_cast<std::uint8_t>(e.reason));
  }
  std::optional<Fact> operator()(const EscalationResolved& e) const {
    return fact(Kind::escalation_resolved, h.intern(e.escalation_id),
                code_of(std::optional{escalation_end(e.resolution)}));
  }
  std::optional<Fact> operator()(const StayEnded& e) const {
    return fact(Kind::ended, 0, static_cast<std::uint8_t>(e.outcome));
  }
  std::optional<Fact> operator()(const ParticipationRecorded& /*e*/) const {
    return fact(Kind::participation);
  }
  std::optional<Fact> operator()(const LivingAllowancePaid& /*e*/) const { return std::nullopt; }
  std::optional<Fact> operator()(const LegalStepRecorded& /*e*/) const { return std::nullopt; }
  std::optional<Fact> operator()(const ReturnStepRecorded& /*e*/) const { return std::nullopt; }
  std::optional<Fact> operator()(const ExitInterviewHeld& /*e*/) const {
    return fact(Kind::exit_interview);
  }
  std::optional<Fact> operator()(const PersonalDataErased& /*e*/) const { return std::nullopt; }
};

std::int64_t LocationFacts::beds_at(Micros t) const {
  std::int64_t b = 0;
  for (const auto& [at, n] : beds) {
    if (at > t) break;
    b = n;
  }
  return b;
}

History::History(std::int64_t places, std::int64_t lvv_places, std::int64_t max_stay_months) {
  capacity_.push_back({std::numeric_limits<Micros>::min(), places, lvv_places, max_stay_months});
}

void History::restore(History&& other) {
  std::unique_lock lock(mu_);
  cases_ = std::move(other.cases_);
  locations_ = std::move(other.locations_);
  activities_ = std::move(other.activities_);
  capacity_ = std::move(other.capacity_);
  names_ = std::move(other.names_);
  name_ids_ = std::move(other.name_ids_);
  position_ = other.position_;
  latest_occurred_at_ = other.latest_occurred_at_;
  std::lock_guard count(count_mu_);
  counted_all_ = false;  // the cases are others: count them all at the next call
  touched_.clear();
}

std::uint32_t History::intern(std::string_view s) {
  if (s.empty()) return 0;
  const auto it = name_ids_.find(s);
  if (it != name_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(s);
  name_ids_.emplace(std::string{s}, id);
  return id;
}

std::uint32_t History::location_ref(const std::string& location_id) const {
  const auto it = name_ids_.find(location_id);
  return it == name_ids_.end() ? 0 : it->second;
}

CapacityFacts capacity_at(std::span<const CapacityFacts> settings, Micros t) {
  CapacityFacts c = settings.front();
  for (const auto& f : settings) {
    if (f.at > t) break;
    c = f;
  }
  return c;
}

CapacityFacts History::capacity_at(Micros t) const {
  return perspectief::capacity_at(capacity_, t);
}

void History::apply(const Envelope& e) {
  std::unique_lock lock(mu_);
  apply_locked(e, parse_envelope(e));
}

void History::apply_all(std::span<const Envelope> envelopes) {
  std::unique_lock lock(mu_);
  fold_page(cases_, envelopes,
            [this](const Envelope& e, const ParsedEnvelope& p) { apply_locked(e, p); });
}

void History::apply_parsed(std::span<const Envelope> envelopes,
                           std::span<const ParsedEnvelope> parsed) {
  std::unique_lock lock(mu_);
  fold_page(cases_, envelopes, parsed,
            [this](const Envelope& e, const ParsedEnvelope& p) { apply_locked(e, p); });
}

void History::apply_locked(const Envelope& e, const ParsedEnvelope& parsed) {
  const ParsedStream& stream = parsed.stream;
  assert(e.position > position_ || position_ == 0);  // folded once each, in log order
  position_ = e.position;
  latest_occurred_at_ = std::max(latest_occurred_at_, e.occurred_at);
  const auto& name = stream.name;
  // An event whose stored data is damaged (Envelope::data_damaged) adds no fact: its fields
  // are unknown, and a read model is better one event short than wrong (verify lists it).
  if (!name || e.data_damaged) return;
  const HistoryFold fold{*this, e.occurred_at};
  switch (name->kind) {
    case StreamKind::programme:
      if (const auto* t = std::get_if<ProgrammeEvent>(&parsed.event)) std::visit(fold, *t);
      return;
    case StreamKind::location:
      if (const auto* t = std::get_if<LocationEvent>(&parsed.event)) {
        if (std::holds_alternative<LocationOpened>(*t)) intern(name->id);
        std::visit(HistoryFold::Location{locations_[std::string{name->id}], e.occurred_at}, *t);
      }
      return;
    case StreamKind::activity:
      if (const auto* t = std::get_if<ActivityEvent>(&parsed.event))
        std::visit(HistoryFold::Activity{activities_[std::string{name->id}], e.occurred_at}, *t);
      return;
    case StreamKind::case_file:
      if (const auto* t = std::get_if<CaseEvent>(&parsed.event)) {
        CaseFacts& c = cases_.get(name->id, stream.case_hash);
        if (const auto f = std::visit(fold, *t)) {
          if (counted_all_) note_touched(c);
          c.facts.push_back(*f);
        }
      }
      return;
  }
}

void History::note_touched(const CaseFacts& c) {
  // At most one note per four cases (16 bytes each: 4 MiB for a million cases); past that a
  // count of every case is about as cheap as the notes.
  if (touched_.size() >= std::max<std::size_t>(cases_.size() / 4, 4096)) {
    touched_.clear();
    counted_all_ = false;
    return;
  }
  touched_.push_back({&c, static_cast<std::uint32_t>(c.facts.size())});
}

namespace {

// The slot a case counts in at `t` (0: not active), from its first `n` facts.
std::size_t active_slot(const CaseFacts& c, std::size_t n, Micros t) {
  const CaseAt at = History::case_at({c.facts.data(), n}, t);
  return at.active() ? std::size_t{code_of(at.track)} + 1 : 0;
}

}  // namespace

ActiveByTrack History::active_by_track(Micros now) const {
  std::lock_guard lock(count_mu_);
  // A clock that stepped back: the counts as of the later time would not be those of `now`.
  if (now < counted_at_) counted_all_ = false;
  // A case with a fact dated after `now` (occurredAt may be up to 5 minutes ahead) is noted
  // again, so the next count folds it again.
  std::vector<Touched> later;
  const auto add = [&](const CaseFacts& c) {
    if (const auto slot = active_slot(c, c.facts.size(), now); slot != 0) ++active_[slot - 1];
    if (!c.facts.empty() && c.facts.back().at > now) {
      later.push_back({&c, static_cast<std::uint32_t>(c.facts.size())});
    }
  };
  if (!counted_all_) {
    active_ = {};
    for (const auto& [id, c] : cases_.entries()) add(c);
    counted_all_ = true;
  } else {
    // Each case once, with its facts as they were at the last count (its first note).
    std::sort(touched_.begin(), touched_.end(), [](const Touched& a, const Touched& b) {
      return a.facts != b.facts ? a.facts < b.facts : a.counted_facts < b.counted_facts;
    });
    const CaseFacts* previous = nullptr;
    for (const Touched& t : touched_) {
      if (t.facts == previous) continue;
      previous = t.facts;
      if (const auto slot = active_slot(*t.facts, t.counted_facts, counted_at_); slot != 0) {
        --active_[slot - 1];
      }
      add(*t.facts);
    }
  }
  counted_at_ = now;
  touched_ = std::move(later);
  return active_;
}

CaseAt History::case_at(std::span<const Fact> facts, Micros t) {
  CaseAt c;
  for (const Fact& f : facts) {
    if (f.at > t) break;
    switch (f.kind) {
      case Fact::Kind::registered:
        c.exists = true;
        break;
      case Fact::Kind::intake:
        c.intake_done = true;
        break;
      case Fact::Kind::decision:
        c.decision = enum_from_code<Decision>(f.code);
        if (c.decision == Decision::admitted) {
          c.funding = from_code<Funding>(f.code2);
          if (c.admission_decided == kNever) c.admission_decided = f.at;
        }
        break;
      case Fact::Kind::manager:
        c.manager = f.ref;
        break;
      case Fact::Kind::bed:
        c.housed = true;
        c.location = f.ref;
        if (c.first_bed == kNever) c.first_bed = f.at;
        break;
      case Fact::Kind::transfer:
        c.location = f.ref;
        break;
      case Fact::Kind::extension:
        c.extended_until = static_cast<Days>(f.ref);
        break;
      case Fact::Kind::track:
        c.track = from_code<Track>(f.code);
        break;
      case Fact::Kind::ended:
        c.ended = true;
        c.housed = false;
        c.ended_at = f.at;
        c.outcome = enum_from_code<Outcome>(f.code).value_or(Outcome::other);
        break;
      case Fact::Kind::exit_interview:
        c.exit_interview = true;
        break;
      case Fact::Kind::escalation_raised:
      case Fact::Kind::escalation_resolved:
      case Fact::Kind::participation:
        break;
    }
  }
  return c;
}

}  // namespace perspectief
