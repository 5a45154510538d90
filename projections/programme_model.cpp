#include "projections/programme_model.hpp"

#include <cassert>
#include <optional>
#include <variant>

#include "domain/authorization.hpp"
#include "domain/stream_name.hpp"
#include "domain/untyped_event.hpp"
#include "projections/page_fold.hpp"

namespace perspectief {
namespace {

// Cross-stream effects of a case event on the beds and places it takes or frees.
struct Occupancy {
  std::map<std::string, LocationState>& locations;  // changes applied to these
  std::int64_t& lvv;
  std::int64_t& municipal;

  void take(const std::string& location, std::optional<Funding> f, int sign) {
    locations[location].occupied += sign;
    (f == Funding::lvv ? lvv : municipal) += sign;
  }
  void apply(const CaseState& before, const CaseEvent& event) {
    std::visit(Overloaded{[&](const BedAssigned& e) {
                            take(std::string{e.location_id}, before.funding, +1);
                          },
                          [&](const Transferred& e) {
                            locations[before.location_id].occupied -= 1;
                            locations[std::string{e.to_location_id}].occupied += 1;
                          },
                          [&](const StayEnded& /*e*/) {
                            if (before.status == CaseStatus::housed)
                              take(before.location_id, before.funding, -1);
                          },
                          [](const auto& /*other: takes and frees nothing*/) {}},
               event);
  }
};

// The location a case event names (a bed's, a transfer's destination); empty for the others.
std::string_view location_named(const CaseEvent& event) {
  return std::visit(Overloaded{[](const BedAssigned& e) { return e.location_id; },
                               [](const Transferred& e) { return e.to_location_id; },
                               [](const auto& /*other*/) { return std::string_view{}; }},
                    event);
}

Error not_of_stream() {
  return make_error(ErrorCode::invalid, "an event of another stream kind");
}

// Decides and folds the events of one append to a stream without cross-stream rules (all or
// none): `state` changes only when every event is accepted.
template <class Variant, class State>
Status admit_each(State& state, const std::vector<DomainEvent>& events, Micros now) {
  State next = state;
  for (const auto& e : events) {
    const auto typed = parse_event<Variant>(e.type, e.data);
    if (!typed) return not_of_stream();
    if (auto d = decide(next, *typed, e.occurred_at, now); !d) return d;
    evolve_in_place(next, *typed, e.occurred_at);
  }
  state = std::move(next);
  return Ok{};
}

// Folds a stored event into a stream's state: an event that does not parse as one of the
// stream (damaged data: no typed event) counts in the version only, so the store's head,
// If-Match and ETags agree, and changes nothing else.
template <class Variant, class State>
void fold(State& state, const ParsedEnvelope& parsed, Micros occurred_at) {
  if (const auto* typed = std::get_if<Variant>(&parsed.event)) {
    evolve_in_place(state, *typed, occurred_at);
  } else {
    count_event(state, occurred_at);
  }
}

std::int64_t count_open(const CaseState& s) {
  std::int64_t n = 0;
  for (const auto& e : s.escalations) n += e.open() ? 1 : 0;
  return n;
}

}  // namespace

void ProgrammeModel::rebuild_indexes() {
  housed_.clear();
  open_escalations_ = 0;
  for (const auto& [id, s] : cases_.entries()) {
    if (s.status == CaseStatus::housed) housed_.insert(housed_.end(), id);
    open_escalations_ += count_open(s);
  }
}

DomainEvent to_domain_event(const Envelope& e) {
  return DomainEvent{e.type, e.data, e.occurred_at};
}

ProgrammeModel::ProgrammeModel(ProgrammeState defaults) : programme_(defaults) {}

const LocationState* ProgrammeModel::location(const std::string& id) const {
  const auto it = locations_.find(id);
  return it == locations_.end() ? nullptr : &it->second;
}

const CaseState* ProgrammeModel::find_case(const std::string& id) const {
  return cases_.find(id);
}

Status ProgrammeModel::admit(const Actor& actor, const std::string& stream,
                             const std::vector<DomainEvent>& events, Micros now) {
  const auto name = parse_stream_name(stream);
  if (!name) return make_error(ErrorCode::invalid, "unknown stream");
  switch (name->kind) {
    case StreamKind::case_file:
      return admit_case(actor, name->id, events, now);
    case StreamKind::location:
      return admit_location(actor, name->id, events, now);
    case StreamKind::programme:
      return admit_each<ProgrammeEvent>(programme_, events, now);
    case StreamKind::activity:
      return admit_each<ActivityEvent>(activities_[name->id], events, now);
  }
  return make_error(ErrorCode::invalid, "unknown stream");
}

Status ProgrammeModel::admit_location(const Actor& actor, const std::string& id,
                                      const std::vector<DomainEvent>& events, Micros now) {
  const auto it = locations_.find(id);
  LocationState next = it == locations_.end() ? LocationState{} : it->second;
  for (const auto& e : events) {
    const auto typed = parse_event<LocationEvent>(e.type, e.data);
    if (!typed) return not_of_stream();
    if (auto a = authorize_location_event(actor, next, *typed); !a) return a;
    if (auto d = decide(next, *typed, e.occurred_at, now); !d) return d;
    evolve_in_place(next, *typed, e.occurred_at);
  }
  locations_[id] = std::move(next);
  return Ok{};
}

Status ProgrammeModel::admit_case(const Actor& actor, const std::string& id,
                                  const std::vector<DomainEvent>& events, Micros now) {
  const CaseState* current = cases_.find(id);
  CaseState next = current == nullptr ? CaseState{} : *current;
  // Work on copies of what the events may touch, so a refused array changes nothing.
  std::map<std::string, LocationState> touched;
  std::int64_t lvv = housed_lvv_;
  std::int64_t municipal = housed_municipal_;
  const LocationLookup lookup = [&](const std::string& loc) -> const LocationState* {
    if (const auto t = touched.find(loc); t != touched.end()) return &t->second;
    return location(loc);
  };
  const auto touch = [&](const std::string& loc) {
    if (!loc.empty() && !touched.contains(loc) && location(loc) != nullptr)
      touched[loc] = *location(loc);
  };
  for (const auto& e : events) {
    const auto typed = parse_event<CaseEvent>(e.type, e.data);
    if (!typed) return not_of_stream();
    touch(std::string{location_named(*typed)});
    touch(next.location_id);
    if (auto a = authorize_case_event(actor, next, *typed, lookup); !a) return a;
    const CaseContext ctx{programme_, lookup, lvv, municipal,
                          [this](std::string_view other) { return cases_.find(other); }};
    if (auto d = decide(next, *typed, e.occurred_at, ctx, now); !d) return d;
    Occupancy{touched, lvv, municipal}.apply(next, *typed);
    evolve_in_place(next, *typed, e.occurred_at);
  }
  cases_[id] = std::move(next);
  for (auto& [loc, state] : touched) locations_[loc] = std::move(state);
  housed_lvv_ = lvv;
  housed_municipal_ = municipal;
  return Ok{};
}

void ProgrammeModel::apply(const Envelope& envelope, FoldObserver* observer) {
  apply(envelope, parse_envelope(envelope), observer);
}

void ProgrammeModel::apply_all(std::span<const Envelope> envelopes, FoldObserver* observer) {
  fold_page(cases_, envelopes, [this, observer](const Envelope& e, const ParsedEnvelope& p) {
    apply(e, p, observer);
  });
}

void ProgrammeModel::apply_all(std::span<const Envelope> envelopes,
                               std::span<const ParsedEnvelope> parsed, FoldObserver* observer) {
  fold_page(
      cases_, envelopes, parsed,
      [this, observer](const Envelope& e, const ParsedEnvelope& p) { apply(e, p, observer); });
}

std::string_view ProgrammeModel::housing_operator(const CaseState& state) const {
  if (state.status != CaseStatus::housed) return {};
  const LocationState* at = location(state.location_id);
  return at == nullptr ? std::string_view{} : std::string_view{at->operator_id};
}

void ProgrammeModel::apply(const Envelope& envelope, const ParsedEnvelope& parsed,
                           FoldObserver* observer) {
  const ParsedStream& stream = parsed.stream;
  assert(envelope.position > position_ || position_ == 0);  // folded in log order
  position_ = envelope.position;
  const auto& name = stream.name;
  FoldedEvent where;
  if (name) where.kind = name->kind;
  if (name) {
    switch (name->kind) {
      case StreamKind::programme:
        fold<ProgrammeEvent>(programme_, parsed, envelope.occurred_at);
        break;
      case StreamKind::location: {
        LocationState& location = locations_[std::string{name->id}];
        fold<LocationEvent>(location, parsed, envelope.occurred_at);
        where.housing_after = location.operator_id;
        break;
      }
      case StreamKind::activity:
        fold<ActivityEvent>(activities_[std::string{name->id}], parsed, envelope.occurred_at);
        break;
      case StreamKind::case_file: {
        CaseState& state = cases_.get(name->id, stream.case_hash);
        where.housing_before = housing_operator(state);
        apply_case(state, name->id, std::get_if<CaseEvent>(&parsed.event), envelope.occurred_at);
        where.housing_after = housing_operator(state);
        where.waiting_after = state.status == CaseStatus::admitted;
        break;
      }
    }
  }
  if (observer != nullptr) observer->folded(envelope, where);
}

void ProgrammeModel::apply_case(CaseState& state, std::string_view id, const CaseEvent* typed,
                                Micros occurred_at) {
  if (typed == nullptr) {
    count_event(state, occurred_at);
    return;
  }
  Occupancy{locations_, housed_lvv_, housed_municipal_}.apply(state, *typed);
  const auto open_before = count_open(state);
  const bool was_housed = state.status == CaseStatus::housed;
  evolve_in_place(state, *typed, occurred_at);
  open_escalations_ += count_open(state) - open_before;
  const bool is_housed = state.status == CaseStatus::housed;
  if (is_housed && !was_housed) housed_.emplace(id);
  if (was_housed && !is_housed) housed_.erase(std::string{id});
}

}  // namespace perspectief
