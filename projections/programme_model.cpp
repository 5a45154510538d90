#include "projections/programme_model.hpp"

#include "domain/authorization.hpp"
#include "domain/stream_name.hpp"
#include "projections/page_fold.hpp"

namespace perspectief {
namespace {

// Cross-stream effects of a case event on the beds and places it takes or frees.
struct Occupancy {
  std::map<std::string, LocationState>& locations;  // changes applied to these
  std::int64_t& lvv;
  std::int64_t& municipal;

  void take(const std::string& location, Funding f, int sign) {
    locations[location].occupied += sign;
    (f == Funding::lvv ? lvv : municipal) += sign;
  }
  void move(const std::string& from, const std::string& to) {
    locations[from].occupied -= 1;
    locations[to].occupied += 1;
  }
  void apply(const CaseState& before, const EventRef& e) {
    if (e.type == "BedAssigned") {
      take(text_of(e.data, "locationId"), before.funding, +1);
    } else if (e.type == "Transferred") {
      move(before.location_id, text_of(e.data, "toLocationId"));
    } else if (e.type == "StayEnded" && before.status == CaseStatus::housed) {
      take(before.location_id, before.funding, -1);
    }
  }
};

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
    case StreamKind::programme: {
      ProgrammeState next = programme_;
      for (const auto& e : events) {
        auto d = decide(next, e, now);
        if (!d) return d.take_error();
        next = evolve(std::move(next), e);
      }
      programme_ = next;
      return Ok{};
    }
    case StreamKind::activity: {
      ActivityState next = activities_[name->id];
      for (const auto& e : events) {
        auto d = decide(next, e, now);
        if (!d) return d.take_error();
        next = evolve(std::move(next), e);
      }
      activities_[name->id] = std::move(next);
      return Ok{};
    }
  }
  return make_error(ErrorCode::invalid, "unknown stream");
}

Status ProgrammeModel::admit_location(const Actor& actor, const std::string& id,
                                      const std::vector<DomainEvent>& events, Micros now) {
  const auto it = locations_.find(id);
  LocationState next = it == locations_.end() ? LocationState{} : it->second;
  for (const auto& e : events) {
    if (auto a = authorize_location_event(actor, next, e); !a) return a;
    auto d = decide(next, e, now);
    if (!d) return d.take_error();
    next = evolve(std::move(next), e);
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
  for (const auto& e : events) {
    for (const char* key : {"locationId", "toLocationId"}) {
      const std::string loc = text_of(e.data, key);
      if (!loc.empty() && !touched.contains(loc) && location(loc) != nullptr)
        touched[loc] = *location(loc);
    }
    if (!next.location_id.empty() && !touched.contains(next.location_id) &&
        location(next.location_id) != nullptr) {
      touched[next.location_id] = *location(next.location_id);
    }
    if (auto a = authorize_case_event(actor, next, e, lookup); !a) return a;
    const CaseContext ctx{programme_, lookup, lvv, municipal};
    auto d = decide(next, e, ctx, now);
    if (!d) return d.take_error();
    Occupancy{touched, lvv, municipal}.apply(next, e);
    next = evolve(std::move(next), e);
  }
  cases_[id] = std::move(next);
  for (auto& [loc, state] : touched) locations_[loc] = std::move(state);
  housed_lvv_ = lvv;
  housed_municipal_ = municipal;
  return Ok{};
}

void ProgrammeModel::apply(const Envelope& envelope) {
  apply(envelope, parse_for_fold<Cases>(envelope.stream));
}

void ProgrammeModel::apply_all(std::span<const Envelope> envelopes) {
  fold_page(cases_, envelopes, [this](const Envelope& e, const ParsedStream& s) { apply(e, s); });
}

void ProgrammeModel::apply(const Envelope& envelope, const ParsedStream& stream) {
  position_ = envelope.position;
  const auto& name = stream.name;
  if (!name) return;
  // An event whose stored data is damaged (Envelope::data_damaged) counts in its stream's
  // version (the store's head, If-Match and ETags agree) but changes nothing else: it is
  // folded as an event of no type.
  const EventRef e{envelope.data_damaged ? std::string_view{} : std::string_view{envelope.type},
                   envelope.data, envelope.occurred_at};
  switch (name->kind) {
    case StreamKind::programme:
      programme_ = evolve(std::move(programme_), e);
      break;
    case StreamKind::location: {
      LocationState& state = locations_[std::string{name->id}];
      state = evolve(std::move(state), e);
      break;
    }
    case StreamKind::activity: {
      ActivityState& state = activities_[std::string{name->id}];
      state = evolve(std::move(state), e);
      break;
    }
    case StreamKind::case_file: {
      CaseState& state = cases_.get(name->id, stream.case_hash);
      Occupancy{locations_, housed_lvv_, housed_municipal_}.apply(state, e);
      const auto open_before = count_open(state);
      const bool was_housed = state.status == CaseStatus::housed;
      evolve_in_place(state, e);
      open_escalations_ += count_open(state) - open_before;
      const bool is_housed = state.status == CaseStatus::housed;
      if (is_housed && !was_housed) housed_.emplace(name->id);
      if (was_housed && !is_housed) housed_.erase(std::string{name->id});
      break;
    }
  }
}

}  // namespace perspectief
