#include "projections/case_files.hpp"

#include <mutex>

#include "projections/read_models.hpp"

namespace perspectief {
namespace {

boost::json::value date_or_null(const std::optional<Days>& d) {
  return d ? boost::json::value(format_date(*d)) : boost::json::value(nullptr);
}

boost::json::value text_or_null(std::string_view s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}

template <class E>
boost::json::value enum_or_null(std::optional<E> value) {
  return value ? boost::json::value(to_string(*value)) : boost::json::value(nullptr);
}

void put_summary_fields(boost::json::object& o, const CaseFileView& v) {
  const CaseState& s = v.state;
  o["caseId"] = v.case_id;
  o["status"] = to_string(s.status);
  o["funding"] = enum_or_null(s.funding);
  o["caseManager"] = text_or_null(s.case_manager);
  o["organisation"] = text_or_null(s.organisation);
  o["locationId"] = text_or_null(s.location_id);
  o["admittedOn"] = date_or_null(s.admitted_on);
  o["limitOn"] = date_or_null(v.limit_on);
  o["track"] = enum_or_null(s.track);
  o["outcome"] = enum_or_null(s.outcome);
  o["endedOn"] = date_or_null(s.ended_on);
  o["version"] = s.version;
}

}  // namespace

void CaseFiles::restore(ProgrammeModel model) {
  std::unique_lock lock(mu_);
  model_ = std::move(model);
}

void CaseFiles::apply(const Envelope& envelope) {
  std::unique_lock lock(mu_);
  model_.apply(envelope, observer_);
}

void CaseFiles::apply_all(std::span<const Envelope> envelopes) {
  std::unique_lock lock(mu_);
  model_.apply_all(envelopes, observer_);
}

void CaseFiles::apply_parsed(std::span<const Envelope> envelopes,
                             std::span<const ParsedEnvelope> parsed) {
  std::unique_lock lock(mu_);
  model_.apply_all(envelopes, parsed, observer_);
}

CaseFileView CaseFiles::view(const std::string& id, const CaseState& state) const {
  CaseFileView v{id, state, limit_on(state, model_.programme().max_stay_months), {}};
  if (const auto* loc = model_.location(state.location_id)) v.location_operator = loc->operator_id;
  return v;
}

std::string CaseFiles::location_operator(const std::string& location_id) const {
  std::shared_lock lock(mu_);
  const auto* loc = model_.location(location_id);
  return loc == nullptr ? std::string{} : loc->operator_id;
}

std::optional<CaseFileView> CaseFiles::get(const std::string& case_id) const {
  std::shared_lock lock(mu_);
  const CaseState* s = model_.find_case(case_id);
  if (s == nullptr) return std::nullopt;
  return view(case_id, *s);
}

CurrentFigures CaseFiles::figures(Days today) const {
  std::shared_lock lock(mu_);
  CurrentFigures f;
  f.programme = model_.programme();
  f.housed_lvv = model_.housed_lvv();
  f.housed_municipal = model_.housed_municipal();
  for (const auto& [id, l] : model_.locations()) {
    if (l.exists) f.locations.push_back({id, l.beds, l.occupied, l.open});
  }
  f.open_escalations = model_.open_escalations();
  for (const auto& id : model_.housed()) {
    const CaseState* s = model_.find_case(id);
    if (s == nullptr || !s->admitted_on) continue;
    const auto limit = limit_on(*s, f.programme.max_stay_months);
    const auto level = stay_alert_level(*s->admitted_on, limit.value_or(*s->admitted_on), today);
    if (!level) continue;
    if (*level == "review") ++f.alerts_review;
    if (*level == "warning") ++f.alerts_warning;
    if (*level == "final") ++f.alerts_final;
    if (*level == "exceeded") ++f.alerts_exceeded;
  }
  f.position = model_.position();
  return f;
}

CasePage CaseFiles::list(const CaseFilter& filter) const {
  std::shared_lock lock(mu_);
  CasePage page;
  const auto& cases = model_.cases();
  for (auto it = filter.after.empty() ? cases.begin() : cases.upper_bound(filter.after);
       it != cases.end(); ++it) {
    const CaseState& s = it->second;
    if (filter.status && s.status != *filter.status) continue;
    if (!filter.location_id.empty() && s.location_id != filter.location_id) continue;
    CaseFileView v = view(it->first, s);
    if (filter.visible && !filter.visible(v)) continue;
    if (page.cases.size() == filter.limit) {
      page.next = page.cases.back().case_id;
      break;
    }
    page.cases.push_back(std::move(v));
  }
  return page;
}

boost::json::object case_summary_json(const CaseFileView& view) {
  boost::json::object o;
  put_summary_fields(o, view);
  return o;
}

boost::json::object case_file_json(const CaseFileView& v, boost::json::value person) {
  boost::json::object o;
  put_summary_fields(o, v);
  o["person"] = std::move(person);
  boost::json::array legal;
  for (const auto& l : v.state.legal_steps) {
    legal.push_back({{"step", to_string(l.step)},
                     {"result", enum_or_null(l.result)},
                     {"on", format_date(l.on)}});
  }
  o["legalSteps"] = std::move(legal);
  boost::json::array ret;
  for (const auto& r : v.state.return_steps) {
    ret.push_back({{"step", to_string(r.step)},
                   {"country", text_or_null(r.country)},
                   {"on", format_date(r.on)}});
  }
  o["returnSteps"] = std::move(ret);
  boost::json::array esc;
  for (const auto& e : v.state.escalations) {
    esc.push_back({{"escalationId", e.id},
                   {"level", to_string(e.level)},
                   {"reason", to_string(e.reason)},
                   {"raisedOn", format_date(e.raised_on)},
                   {"resolvedOn", date_or_null(e.resolved_on)},
                   {"resolution", enum_or_null(e.resolution)}});
  }
  o["escalations"] = std::move(esc);
  return o;
}

}  // namespace perspectief
