#include "projections/snapshot.hpp"

#include "domain/enumerations.hpp"
#include "projections/snapshot_codec.hpp"

namespace perspectief {

struct SnapshotAccess {
  static void put(SnapshotWriter& w, const std::optional<Days>& d) {
    w.pod<std::uint8_t>(d ? 1 : 0);
    w.pod<Days>(d.value_or(0));
  }
  static std::optional<Days> opt_day(SnapshotReader& r) {
    const bool has = r.pod<std::uint8_t>() != 0;
    const Days d = r.pod<Days>();
    return has ? std::optional<Days>{d} : std::nullopt;
  }
  // Enumerations are kept as their names ("" for none), so the bytes do not depend on the
  // order of the enumerators.
  template <class E>
  static void put(SnapshotWriter& w, std::optional<E> value) {
    w.str(value ? to_string(*value) : std::string_view{});
  }
  template <class E>
  static std::optional<E> opt_enum(SnapshotReader& r) {
    return parse_enum<E>(r.str());
  }
  template <class E>
  static E get_enum(SnapshotReader& r) {
    return parse_enum<E>(r.str()).value_or(E{});
  }

  static void put(SnapshotWriter& w, const CaseState& s) {
    w.pod(static_cast<std::uint8_t>(s.status));
    w.pod<std::uint8_t>(s.eligible);
    w.pod<std::uint8_t>(code_of(s.funding));
    w.str(s.case_manager);
    w.str(s.organisation);
    w.str(s.location_id);
    put(w, s.admitted_on);
    put(w, s.extended_until);
    put(w, s.admission_decided_on);
    put(w, s.track);
    put(w, s.first_real_track_on);
    w.u64(s.legal_steps.size());
    for (const auto& l : s.legal_steps) {
      w.str(to_string(l.step));
      put(w, l.result);
      w.pod(l.on);
    }
    w.u64(s.return_steps.size());
    for (const auto& r : s.return_steps) {
      w.str(to_string(r.step));
      w.str(r.country);
      w.pod(r.on);
    }
    w.u64(s.escalations.size());
    for (const auto& e : s.escalations) {
      w.str(e.id);
      w.str(to_string(e.reason));
      w.str(to_string(e.level));
      w.pod(e.raised_on);
      put(w, e.resolved_on);
      put(w, e.resolution);
    }
    w.u64(s.allowance_periods.size());
    for (const auto m : s.allowance_periods) w.pod(m);
    put(w, s.outcome);
    put(w, s.ended_on);
    w.pod<std::uint8_t>(s.exit_interview);
    w.pod<std::uint8_t>(s.erased);
    w.pod(s.last_occurred);
    w.pod(s.version);
  }

  static CaseState get_case(SnapshotReader& r) {
    CaseState s;
    s.status = static_cast<CaseStatus>(r.pod<std::uint8_t>());
    s.eligible = r.pod<std::uint8_t>() != 0;
    s.funding = from_code<Funding>(r.pod<std::uint8_t>());
    s.case_manager = r.str();
    s.organisation = r.str();
    s.location_id = r.str();
    s.admitted_on = opt_day(r);
    s.extended_until = opt_day(r);
    s.admission_decided_on = opt_day(r);
    s.track = opt_enum<Track>(r);
    s.first_real_track_on = opt_day(r);
    for (auto n = r.count(17); n > 0; --n) {
      LegalStep l;
      l.step = get_enum<LegalStepKind>(r);
      l.result = opt_enum<LegalResult>(r);
      l.on = r.pod<Days>();
      s.legal_steps.push_back(l);
    }
    for (auto n = r.count(17); n > 0; --n) {
      ReturnStep x;
      x.step = get_enum<ReturnStepKind>(r);
      x.country = r.str();
      x.on = r.pod<Days>();
      s.return_steps.push_back(std::move(x));
    }
    for (auto n = r.count(41); n > 0; --n) {
      Escalation e;
      e.id = r.str();
      e.reason = get_enum<EscalationReason>(r);
      e.level = get_enum<EscalationLevel>(r);
      e.raised_on = r.pod<Days>();
      e.resolved_on = opt_day(r);
      e.resolution = opt_enum<EscalationEnd>(r);
      s.escalations.push_back(std::move(e));
    }
    for (auto n = r.count(4); n > 0; --n) s.allowance_periods.push_back(r.pod<std::int32_t>());
    s.outcome = opt_enum<Outcome>(r);
    s.ended_on = opt_day(r);
    s.exit_interview = r.pod<std::uint8_t>() != 0;
    s.erased = r.pod<std::uint8_t>() != 0;
    s.last_occurred = r.pod<Micros>();
    s.version = r.pod<std::uint64_t>();
    return s;
  }

  static void put(SnapshotWriter& w, const ProgrammeModel& m) {
    w.pod(m.programme_);
    w.u64(m.locations_.size());
    for (const auto& [id, l] : m.locations_) {
      w.str(id);
      w.pod<std::uint8_t>(l.exists);
      w.pod<std::uint8_t>(l.open);
      w.str(l.name);
      w.str(l.operator_id);
      w.pod(l.beds);
      w.pod(l.occupied);
      w.pod(l.last_occurred);
      w.pod(l.version);
    }
    w.u64(m.cases_.size());
    for (const auto& [id, c] : m.cases_.entries()) {
      w.str(id);
      put(w, c);
    }
    w.u64(m.activities_.size());
    for (const auto& [id, a] : m.activities_) {
      w.str(id);
      w.pod<std::uint8_t>(a.scheduled);
      w.pod<std::uint8_t>(a.held);
      w.pod<std::uint8_t>(a.cancelled);
      w.str(a.scheduled ? to_string(a.category) : std::string_view{});
      w.str(a.organisation);
      w.pod<std::uint8_t>(a.co_designed);
      w.pod(a.last_occurred);
      w.pod(a.version);
    }
    w.pod(m.housed_lvv_);
    w.pod(m.housed_municipal_);
    w.pod(m.position_);
  }

  static void get(SnapshotReader& r, ProgrammeModel& m) {
    m.programme_ = r.pod<ProgrammeState>();
    for (auto n = r.count(8); n > 0 && r.ok(); --n) {
      std::string id = r.str();
      LocationState l;
      l.exists = r.pod<std::uint8_t>() != 0;
      l.open = r.pod<std::uint8_t>() != 0;
      l.name = r.str();
      l.operator_id = r.str();
      l.beds = r.pod<std::int64_t>();
      l.occupied = r.pod<std::int64_t>();
      l.last_occurred = r.pod<Micros>();
      l.version = r.pod<std::uint64_t>();
      m.locations_.emplace(std::move(id), std::move(l));
    }
    auto cases = r.count(8);
    m.cases_.reserve(cases);
    for (; cases > 0 && r.ok(); --cases) {
      std::string id = r.str();
      m.cases_.add(std::move(id), get_case(r));
    }
    for (auto n = r.count(8); n > 0 && r.ok(); --n) {
      std::string id = r.str();
      ActivityState a;
      a.scheduled = r.pod<std::uint8_t>() != 0;
      a.held = r.pod<std::uint8_t>() != 0;
      a.cancelled = r.pod<std::uint8_t>() != 0;
      a.category = get_enum<ActivityCategory>(r);
      a.organisation = r.str();
      a.co_designed = r.pod<std::uint8_t>() != 0;
      a.last_occurred = r.pod<Micros>();
      a.version = r.pod<std::uint64_t>();
      m.activities_.emplace(std::move(id), std::move(a));
    }
    m.housed_lvv_ = r.pod<std::int64_t>();
    m.housed_municipal_ = r.pod<std::int64_t>();
    m.position_ = r.pod<std::uint64_t>();
    m.rebuild_indexes();
  }

  static void put(SnapshotWriter& w, const History& h) {
    w.u64(h.cases_.size());
    for (const auto& [id, c] : h.cases_.entries()) {
      w.str(id);
      w.u64(c.facts.size());
      for (const auto& f : c.facts) w.pod(f);
    }
    w.u64(h.locations_.size());
    for (const auto& [id, l] : h.locations_) {
      w.str(id);
      w.str(l.name);
      w.str(l.operator_id);
      w.pod(l.opened);
      w.pod(l.closed);
      w.u64(l.beds.size());
      for (const auto& [at, beds] : l.beds) {
        w.pod(at);
        w.pod(beds);
      }
      w.u64(l.contacts.size());
      for (const auto& [at, kind] : l.contacts) {
        w.pod(at);
        w.pod(kind);
      }
    }
    w.u64(h.activities_.size());
    for (const auto& [id, a] : h.activities_) {
      w.str(id);
      w.pod(a);
    }
    w.u64(h.capacity_.size());
    for (const auto& c : h.capacity_) w.pod(c);
    w.u64(h.names_.size());
    for (const auto& n : h.names_) w.str(n);
    w.pod(h.position_);
    w.pod(h.latest_occurred_at_);
  }

  static void get(SnapshotReader& r, History& h) {
    auto cases = r.count(8);
    h.cases_.reserve(cases);  // one allocation of the index, not a rehash per doubling
    for (; cases > 0 && r.ok(); --cases) {
      std::string id = r.str();
      CaseFacts c;
      const auto facts = r.count(sizeof(Fact));
      c.facts.reserve(facts);
      for (std::uint64_t i = 0; i < facts; ++i) c.facts.push_back(r.pod<Fact>());
      h.cases_.add(std::move(id), std::move(c));
    }
    for (auto n = r.count(8); n > 0 && r.ok(); --n) {
      std::string id = r.str();
      LocationFacts l;
      l.name = r.str();
      l.operator_id = r.str();
      l.opened = r.pod<Micros>();
      l.closed = r.pod<Micros>();
      for (auto b = r.count(16); b > 0; --b) {
        const auto at = r.pod<Micros>();
        l.beds.emplace_back(at, r.pod<std::int64_t>());
      }
      for (auto c = r.count(9); c > 0; --c) {
        const auto at = r.pod<Micros>();
        l.contacts.emplace_back(at, static_cast<ContactKind>(r.pod<std::uint8_t>()));
      }
      h.locations_.emplace(std::move(id), std::move(l));
    }
    for (auto n = r.count(8); n > 0 && r.ok(); --n) {
      std::string id = r.str();
      h.activities_.emplace_hint(h.activities_.end(), std::move(id), r.pod<ActivityFacts>());
    }
    h.capacity_.clear();
    for (auto n = r.count(sizeof(CapacityFacts)); n > 0; --n)
      h.capacity_.push_back(r.pod<CapacityFacts>());
    h.names_.clear();
    h.name_ids_.clear();
    for (auto n = r.count(8); n > 0 && r.ok(); --n) {
      h.names_.push_back(r.str());
      if (!h.names_.back().empty())
        h.name_ids_.emplace(h.names_.back(), static_cast<std::uint32_t>(h.names_.size() - 1));
    }
    h.position_ = r.pod<std::uint64_t>();
    h.latest_occurred_at_ = r.pod<Micros>();
  }
};

SnapshotFingerprint snapshot_fingerprint(const ProgrammeState& defaults) {
  const std::uint64_t layout = sizeof(ProgrammeState) | (sizeof(Fact) << 16) |
                               (sizeof(CapacityFacts) << 32) | (sizeof(ActivityFacts) << 48);
  return {defaults.places, defaults.lvv_places, defaults.max_stay_months, layout};
}

std::string encode_snapshot(const SnapshotHeader& header, const SnapshotFingerprint& fingerprint,
                            const ProgrammeModel& model, const History& history) {
  SnapshotWriter w;
  w.str("perspectief-snapshot");
  w.u64(kSnapshotFormat);
  w.pod(fingerprint);
  w.u64(header.position);
  w.str(header.event_id);
  SnapshotAccess::put(w, model);
  SnapshotAccess::put(w, history);
  return std::move(w.bytes());
}

namespace {

std::optional<SnapshotHeader> read_header(SnapshotReader& r, const SnapshotFingerprint& expected) {
  if (r.str() != "perspectief-snapshot" || r.u64() != kSnapshotFormat) return std::nullopt;
  if (!(r.pod<SnapshotFingerprint>() == expected) || !r.ok()) return std::nullopt;
  SnapshotHeader header;
  header.position = r.u64();
  header.event_id = r.str();
  return header;
}

}  // namespace

std::optional<SnapshotHeader> decode_snapshot_model(std::string_view bytes,
                                                    const SnapshotFingerprint& expected,
                                                    ProgrammeModel& model) {
  SnapshotReader r{bytes};
  auto header = read_header(r, expected);
  if (!header) return std::nullopt;
  SnapshotAccess::get(r, model);
  if (!r.ok() || model.position() != header->position) return std::nullopt;
  return header;
}

std::optional<SnapshotHeader> decode_snapshot(std::string_view bytes,
                                              const SnapshotFingerprint& expected,
                                              ProgrammeModel& model, History& history) {
  SnapshotReader r{bytes};
  auto read = read_header(r, expected);
  if (!read) return std::nullopt;
  SnapshotHeader header = std::move(*read);
  SnapshotAccess::get(r, model);
  SnapshotAccess::get(r, history);
  if (!r.done() || model.position() != header.position || history.position() != header.position) {
    return std::nullopt;
  }
  return header;
}

}  // namespace perspectief
