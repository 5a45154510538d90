#include "projections/history.hpp"

#include <mutex>

#include "domain/domain_event.hpp"
#include "domain/event_catalogue.hpp"
#include "domain/stream_name.hpp"
#include "projections/page_fold.hpp"

namespace perspectief {
namespace {

std::uint8_t outcome_index(std::string_view outcome) {
  const auto values = outcome_values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] == outcome) return static_cast<std::uint8_t>(i);
  }
  return static_cast<std::uint8_t>(values.size() - 1);  // "other"
}

Track track_of(std::string_view t) {
  if (t == "legal_stay_nl") return Track::legal_stay_nl;
  if (t == "return") return Track::return_track;
  if (t == "onward_migration") return Track::onward_migration;
  if (t == "undecided") return Track::undecided;
  return Track::none;
}

template <std::size_t N>
std::uint8_t index_of(const std::string_view (&values)[N], std::string_view v) {
  for (std::size_t i = 0; i < N; ++i) {
    if (values[i] == v) return static_cast<std::uint8_t>(i);
  }
  return static_cast<std::uint8_t>(N - 1);
}

Decision decision_of(std::string_view d) {
  if (d == "admitted") return Decision::admitted;
  if (d == "rejected") return Decision::rejected;
  if (d == "referred") return Decision::referred;
  return Decision::waitlisted;
}

}  // namespace

std::string_view to_string(Decision d) {
  switch (d) {
    case Decision::admitted:
      return "admitted";
    case Decision::rejected:
      return "rejected";
    case Decision::referred:
      return "referred";
    case Decision::waitlisted:
      return "waitlisted";
  }
  return "waitlisted";
}

std::string_view to_string(Track t) {
  switch (t) {
    case Track::legal_stay_nl:
      return "legal_stay_nl";
    case Track::return_track:
      return "return";
    case Track::onward_migration:
      return "onward_migration";
    case Track::undecided:
      return "undecided";
    case Track::none:
      return "none";
  }
  return "none";
}

std::string_view to_string(Resolution r) {
  switch (r) {
    case Resolution::resolved:
      return "resolved";
    case Resolution::stay_terminated:
      return "stay_terminated";
    case Resolution::stay_ended:
      return "stay_ended";
    case Resolution::none:
      return "";
  }
  return "";
}

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

CapacityFacts History::capacity_at(Micros t) const {
  CapacityFacts c = capacity_.front();
  for (const auto& f : capacity_) {
    if (f.at > t) break;
    c = f;
  }
  return c;
}

void History::apply(const Envelope& e) {
  std::unique_lock lock(mu_);
  apply_locked(e, parse_for_fold<Cases>(e.stream));
}

void History::apply_all(std::span<const Envelope> envelopes) {
  std::unique_lock lock(mu_);
  fold_page(cases_, envelopes,
            [this](const Envelope& e, const ParsedStream& s) { apply_locked(e, s); });
}

void History::apply_locked(const Envelope& e, const ParsedStream& stream) {
  position_ = e.position;
  latest_occurred_at_ = std::max(latest_occurred_at_, e.occurred_at);
  const auto& name = stream.name;
  // An event whose stored data is damaged (Envelope::data_damaged) adds no fact: its fields
  // are unknown, and a read model is better one event short than wrong (verify lists it).
  if (!name || e.data_damaged) return;
  const auto& d = e.data;
  const std::string_view t = e.type;
  const Micros at = e.occurred_at;
  if (name->kind == StreamKind::programme) {
    if (t == "ProgrammeCapacitySet") {
      capacity_.push_back(
          {at, int_of(d, "places"), int_of(d, "lvvPlaces"), int_of(d, "maxStayMonths")});
    }
    return;
  }
  if (name->kind == StreamKind::location) {
    LocationFacts& l = locations_[std::string{name->id}];
    if (t == "LocationOpened") {
      l.name = text_of(d, "name");
      l.operator_id = text_of(d, "operator");
      l.opened = at;
      l.beds.emplace_back(at, int_of(d, "beds"));
      intern(name->id);
    } else if (t == "LocationCapacityChanged") {
      l.beds.emplace_back(at, int_of(d, "beds"));
    } else if (t == "LocationClosed") {
      l.closed = at;
    } else if (t == "NeighbourhoodContactRecorded") {
      l.contacts.emplace_back(at, index_of(kContactKinds, text_view(d, "kind")));
    }
    return;
  }
  if (name->kind == StreamKind::activity) {
    ActivityFacts& a = activities_[std::string{name->id}];
    if (t == "ActivityScheduled") {
      a.category = index_of(kActivityCategories, text_view(d, "category"));
      a.co_designed = bool_of(d, "coDesigned");
    } else if (t == "ActivityHeld") {
      a.held = at;
      a.residents = int_of(d, "residents");
      a.volunteers = int_of(d, "volunteers");
      a.neighbours = int_of(d, "neighbours");
      const auto* hours = d.if_contains("volunteerHours");
      a.volunteer_hours = hours != nullptr && hours->is_number() ? hours->to_number<double>() : 0;
    }
    return;
  }
  if (name->kind != StreamKind::case_file) return;
  CaseFacts& c = cases_.get(name->id, stream.case_hash);
  Fact f;
  f.at = at;
  if (t == "CaseRegistered") {
    f.kind = Fact::Kind::registered;
  } else if (t == "IntakeCompleted") {
    f.kind = Fact::Kind::intake;
    f.code = bool_of(d, "eligible") ? 1 : 0;
  } else if (t == "PlacementDecided") {
    f.kind = Fact::Kind::decision;
    f.code = static_cast<std::uint8_t>(decision_of(text_view(d, "decision")));
    const std::string_view funding = text_view(d, "funding");
    f.code2 = static_cast<std::uint8_t>(funding == "lvv"         ? FundingCode::lvv
                                        : funding == "municipal" ? FundingCode::municipal
                                                                 : FundingCode::none);
  } else if (t == "CaseManagerAssigned") {
    f.kind = Fact::Kind::manager;
    f.ref = intern(text_of(d, "caseManager") + '\x1f' + text_of(d, "organisation"));
  } else if (t == "BedAssigned") {
    f.kind = Fact::Kind::bed;
    f.ref = intern(text_view(d, "locationId"));
  } else if (t == "Transferred") {
    f.kind = Fact::Kind::transfer;
    f.ref = intern(text_view(d, "toLocationId"));
  } else if (t == "StayExtended") {
    f.kind = Fact::Kind::extension;
    f.ref = static_cast<std::uint32_t>(parse_stored_date(text_view(d, "until")).value_or(0));
  } else if (t == "PerspectiveChosen") {
    f.kind = Fact::Kind::track;
    f.code = static_cast<std::uint8_t>(track_of(text_view(d, "track")));
  } else if (t == "EscalationRaised") {
    f.kind = Fact::Kind::escalation_raised;
    f.ref = intern(text_view(d, "escalationId"));
    f.code = index_of(kEscalationLevels, text_view(d, "level"));
    f.code2 = index_of(kEscalationReasons, text_view(d, "reason"));
  } else if (t == "EscalationResolved") {
    f.kind = Fact::Kind::escalation_resolved;
    f.ref = intern(text_view(d, "escalationId"));
    f.code = static_cast<std::uint8_t>(text_view(d, "resolution") == "stay_terminated"
                                           ? Resolution::stay_terminated
                                           : Resolution::resolved);
  } else if (t == "StayEnded") {
    f.kind = Fact::Kind::ended;
    f.code = outcome_index(text_view(d, "outcome"));
  } else if (t == "ParticipationRecorded") {
    f.kind = Fact::Kind::participation;
  } else {
    return;  // not needed by any read model
  }
  c.facts.push_back(f);
}

CaseAt History::case_at(const CaseFacts& facts, Micros t) {
  CaseAt c;
  for (const Fact& f : facts.facts) {
    if (f.at > t) break;
    switch (f.kind) {
      case Fact::Kind::registered:
        c.exists = true;
        break;
      case Fact::Kind::intake:
        c.intake_done = true;
        break;
      case Fact::Kind::decision:
        c.decision = static_cast<Decision>(f.code);
        if (c.decision == Decision::admitted) {
          c.funding = static_cast<FundingCode>(f.code2);
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
        c.track = static_cast<Track>(f.code);
        break;
      case Fact::Kind::ended:
        c.ended = true;
        c.housed = false;
        c.ended_at = f.at;
        c.outcome = f.code;
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
