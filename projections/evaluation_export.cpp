#include "projections/evaluation_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <variant>

#include "domain/events.hpp"
#include "domain/stream_name.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {
namespace {

std::string date_or_empty(std::optional<Days> d) {
  return d ? format_date(*d) : std::string{};
}

template <class E>
std::string name_or_empty(std::optional<E> e) {
  return e ? std::string{to_string(*e)} : std::string{};
}

// A text field the catalogue takes as any short text (a return's country, an activity's
// organisation, a location's operator), written only in the form of a code or an id: a letter
// or digit, then letters, digits, '-' or '_', at most 64. Anything else could be free text (a
// name, a note) or a spreadsheet formula, and is left empty.
std::string code_or_empty(std::string_view text) {
  const auto code_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  };
  if (text.empty() || text.size() > 64 || text.front() == '-' || text.front() == '_' ||
      !std::all_of(text.begin(), text.end(), code_char)) {
    return {};
  }
  return std::string{text};
}

std::string flag(bool b) {
  return b ? "true" : "false";
}

// Hours with at most two decimals, as the catalogue takes them: 2, 2.5, 2.25.
std::string hours(double h) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.2f", std::round(h * 100.0) / 100.0);
  std::string s{text.data()};
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void EvaluationExport::apply(const Envelope& e) {
  if (e.data_damaged) return;  // its fields are unknown (as in the read models)
  const auto name = parse_stream_view(e.stream);
  if (!name) return;
  switch (name->kind) {
    case StreamKind::case_file:
      apply_case(name->id, e);
      return;
    case StreamKind::location:
      apply_location(name->id, e);
      return;
    case StreamKind::activity:
      apply_activity(name->id, e);
      return;
    case StreamKind::programme:
      return;
  }
}

void EvaluationExport::close_stay(Case& c, Days on) {
  if (c.open_stay) stays_[*c.open_stay].to = on;
  c.open_stay.reset();
}

void EvaluationExport::apply_case(std::string_view id, const Envelope& e) {
  const auto event = parse_event<CaseEvent>(e.type, e.data);
  if (!event) return;
  const Days on = day_of(e.occurred_at);
  if (const auto* r = std::get_if<CaseRegistered>(&*event)) {
    if (case_index_.contains(std::string{id})) return;
    case_index_.emplace(std::string{id}, cases_.size());
    Case c;
    c.pseudonym = pseudonym_(id);
    if (!r->previous_case_id.empty()) c.previous = pseudonym_(r->previous_case_id);
    c.registered = on;
    cases_.push_back(std::move(c));
    return;
  }
  const auto found = case_index_.find(std::string{id});
  if (found == case_index_.end()) return;
  const std::size_t index = found->second;
  Case& c = cases_[index];
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, IntakeCompleted>) {
          c.intake = on;
          c.eligible = ev.eligible;
        } else if constexpr (std::is_same_v<T, PlacementDecided>) {
          c.decision = ev.decision;
          if (ev.decision == Decision::admitted)
            c.funding = ev.funding.value_or(Funding::municipal);
          decisions_.push_back({index, on, std::string{to_string(ev.decision)},
                                ev.decision == Decision::admitted ? name_or_empty(c.funding) : ""});
        } else if constexpr (std::is_same_v<T, BedAssigned>) {
          if (!c.first_bed) c.first_bed = on;
          close_stay(c, on);
          c.open_stay = stays_.size();
          stays_.push_back({index, std::string{ev.location_id}, on, std::nullopt});
        } else if constexpr (std::is_same_v<T, Transferred>) {
          close_stay(c, on);
          c.open_stay = stays_.size();
          stays_.push_back({index, std::string{ev.to_location_id}, on, std::nullopt});
        } else if constexpr (std::is_same_v<T, LegalStepRecorded>) {
          legal_steps_.push_back(
              {index, on, std::string{to_string(ev.step)}, name_or_empty(ev.result)});
        } else if constexpr (std::is_same_v<T, ReturnStepRecorded>) {
          return_steps_.push_back(
              {index, on, std::string{to_string(ev.step)}, code_or_empty(ev.country)});
        } else if constexpr (std::is_same_v<T, PerspectiveChosen>) {
          c.track = ev.track;
        } else if constexpr (std::is_same_v<T, EscalationRaised>) {
          escalations_.push_back({index, std::string{ev.escalation_id}, ++c.escalations, on,
                                  ev.reason, ev.level, std::nullopt, std::nullopt});
        } else if constexpr (std::is_same_v<T, EscalationResolved>) {
          for (auto& esc : escalations_) {
            if (esc.case_index == index && esc.id == ev.escalation_id && !esc.resolved) {
              esc.resolved = on;
              esc.resolution = escalation_end(ev.resolution);
            }
          }
        } else if constexpr (std::is_same_v<T, StayEnded>) {
          c.ended = on;
          c.outcome = ev.outcome;
          c.track_at_end = c.track;
          close_stay(c, on);
          for (auto& esc : escalations_) {  // the end of the stay closes its escalations
            if (esc.case_index == index && !esc.resolved) {
              esc.resolved = on;
              esc.resolution = EscalationEnd::stay_ended;
            }
          }
        } else if constexpr (std::is_same_v<T, PersonalDataErased>) {
          c.erased = true;
        }
      },
      *event);
}

void EvaluationExport::apply_location(std::string_view id, const Envelope& e) {
  const auto event = parse_event<LocationEvent>(e.type, e.data);
  if (!event) return;
  const Days on = day_of(e.occurred_at);
  auto& open = open_capacity_[std::string{id}];
  const auto close = [&]() -> std::string {
    if (!open) return {};
    capacity_[*open].to = on;
    std::string op = capacity_[*open].operator_id;
    open.reset();
    return op;
  };
  if (const auto* o = std::get_if<LocationOpened>(&*event)) {
    close();
    open = capacity_.size();
    capacity_.push_back(
        {std::string{id}, code_or_empty(o->operator_id), on, std::nullopt, o->beds});
  } else if (const auto* c = std::get_if<LocationCapacityChanged>(&*event)) {
    if (!open) return;
    const std::string op = close();
    open = capacity_.size();
    capacity_.push_back({std::string{id}, op, on, std::nullopt, c->beds});
  } else if (std::holds_alternative<LocationClosed>(*event)) {
    close();
  }
}

void EvaluationExport::apply_activity(std::string_view id, const Envelope& e) {
  const auto event = parse_event<ActivityEvent>(e.type, e.data);
  if (!event) return;
  const auto [it, added] = activity_index_.try_emplace(std::string{id}, activities_.size());
  if (added) {
    activities_.emplace_back();
    activities_.back().id = id;
  }
  Activity& a = activities_[it->second];
  const Days on = day_of(e.occurred_at);
  if (const auto* s = std::get_if<ActivityScheduled>(&*event)) {
    a.organisation = code_or_empty(s->organisation);
    a.category = s->category;
    a.co_designed = s->co_designed;
    a.starts = day_of(s->starts_at);
  } else if (const auto* h = std::get_if<ActivityHeld>(&*event)) {
    a.held = on;
    a.residents = h->residents;
    a.volunteers = h->volunteers;
    a.neighbours = h->neighbours;
    a.volunteer_hours = h->volunteer_hours;
  } else if (std::holds_alternative<ActivityCancelled>(*event)) {
    a.cancelled = on;
  }
}

std::vector<CsvFile> EvaluationExport::files() const {
  CsvTable cases("cases.csv", {"case", "previousCase", "registeredOn", "intakeCompletedOn",
                               "eligible", "decision", "funding", "admittedOn", "endedOn",
                               "outcome", "outcomeClass", "trackAtEnd", "stayDays", "erased"});
  for (const Case& c : cases_) {
    const auto track_at_end = [&]() -> std::string {
      if (!c.ended) return {};
      return c.track_at_end ? std::string{to_string(*c.track_at_end)} : "none";
    };
    const std::string stay_days =
        !c.ended ? "" : std::to_string(c.first_bed ? *c.ended - *c.first_bed : 0);
    cases.row({c.pseudonym, c.previous, format_date(c.registered), date_or_empty(c.intake),
               c.eligible ? flag(*c.eligible) : "", name_or_empty(c.decision),
               name_or_empty(c.funding), date_or_empty(c.first_bed), date_or_empty(c.ended),
               name_or_empty(c.outcome),
               c.outcome ? std::string{to_string(outcome_class(*c.outcome))} : "", track_at_end(),
               stay_days, flag(c.erased)});
  }
  CsvTable stays("stays.csv", {"case", "locationId", "from", "to"});
  for (const Stay& s : stays_) {
    stays.row(
        {cases_[s.case_index].pseudonym, s.location, format_date(s.from), date_or_empty(s.to)});
  }
  const auto rows = [&](const char* name, std::initializer_list<std::string_view> header,
                        const std::vector<Row>& list) {
    CsvTable t(name, header);
    for (const Row& r : list) t.row({cases_[r.case_index].pseudonym, format_date(r.on), r.a, r.b});
    return t.file();
  };
  CsvTable escalations("escalations.csv", {"case", "escalation", "raisedOn", "reason", "level",
                                           "resolvedOn", "resolution"});
  for (const Escalation& esc : escalations_) {
    escalations.row({cases_[esc.case_index].pseudonym, std::to_string(esc.number),
                     format_date(esc.raised), std::string{to_string(esc.reason)},
                     std::string{to_string(esc.level)}, date_or_empty(esc.resolved),
                     name_or_empty(esc.resolution)});
  }
  CsvTable locations("locations.csv", {"locationId", "operator", "from", "to", "beds"});
  for (const Capacity& c : capacity_) {
    if (c.to && *c.to <= c.from) continue;  // replaced the same day: no night
    locations.row({c.location, c.operator_id, format_date(c.from), date_or_empty(c.to),
                   std::to_string(c.beds)});
  }
  CsvTable activities("activities.csv",
                      {"activity", "organisation", "category", "coDesigned", "startsOn", "heldOn",
                       "cancelledOn", "residents", "volunteers", "neighbours", "volunteerHours"});
  for (const Activity& a : activities_) {
    const bool held = a.held.has_value();
    activities.row(
        {a.id, a.organisation, name_or_empty(a.category), flag(a.co_designed),
         date_or_empty(a.starts), date_or_empty(a.held), date_or_empty(a.cancelled),
         held ? std::to_string(a.residents) : "", held ? std::to_string(a.volunteers) : "",
         held ? std::to_string(a.neighbours) : "", held ? hours(a.volunteer_hours) : ""});
  }
  return {cases.file(),
          stays.file(),
          rows("decisions.csv", {"case", "on", "decision", "funding"}, decisions_),
          rows("legal_steps.csv", {"case", "on", "step", "result"}, legal_steps_),
          rows("return_steps.csv", {"case", "on", "step", "country"}, return_steps_),
          escalations.file(),
          locations.file(),
          activities.file()};
}

CsvFile export_manifest(std::string_view export_id, Micros known_at, std::uint64_t position,
                        const std::vector<CsvFile>& files) {
  CsvTable t("export.csv", {"exportId", "knownAt", "position", "file", "rows", "sha256"});
  for (const CsvFile& f : files) {
    t.row({std::string{export_id}, format_rfc3339(known_at), std::to_string(position), f.name,
           std::to_string(f.rows), to_hex(sha256(f.text))});
  }
  return t.file();
}

std::string export_id(std::uint64_t position, std::string_view event_id, Micros known_at) {
  std::string h = to_hex(sha256(std::to_string(position) + '\0' + std::string{event_id} + '\0' +
                                format_rfc3339(known_at)));
  h[12] = '8';  // an RFC 9562 version-8 UUID, as the pseudonymised eventIds are
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

}  // namespace perspectief
