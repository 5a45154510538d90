#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "domain/event_catalogue.hpp"
#include "projections/read_models.hpp"

namespace perspectief {
namespace {

double round2(double v) {
  return std::round(v * 100.0) / 100.0;
}

}  // namespace

double median_of(std::vector<std::int64_t>& v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? static_cast<double>(v[n / 2])
                    : static_cast<double>(v[n / 2 - 1] + v[n / 2]) / 2.0;
}

boost::json::object outcomes_json(const HistoryView& h, Days from, Days to, Micros as_of) {
  std::map<std::string_view, std::vector<std::int64_t>> days_by_outcome;
  std::map<std::string_view, std::int64_t> by_class{
      {"durable", 0}, {"semi_durable", 0}, {"no_solution", 0}, {"other", 0}};
  std::map<std::string_view, std::map<std::string_view, std::int64_t>> by_track;
  std::int64_t total = 0;
  std::int64_t never_housed = 0;
  for (const auto& [id, facts] : h.cases()) {
    // A stay ends once: find its StayEnded and fold the case up to it.
    Micros ended_at = kNever;
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      if (f.kind == Fact::Kind::ended) ended_at = f.at;
    }
    if (ended_at == kNever) continue;
    const Days end_day = day_of(ended_at);
    if (end_day < from || end_day > to) continue;
    const CaseAt c = History::case_at(facts.facts, ended_at);
    const std::string_view outcome = to_string(c.outcome);
    std::int64_t days = 0;
    if (c.first_bed == kNever) {
      ++never_housed;
    } else {
      days = end_day - day_of(c.first_bed);
    }
    ++total;
    days_by_outcome[outcome].push_back(days);
    ++by_class[to_string(outcome_class(c.outcome))];
    ++by_track[track_key(c.track)][outcome];
  }
  boost::json::object by_outcome;
  for (auto& [outcome, days] : days_by_outcome) {
    double sum = 0;
    for (const auto d : days) sum += static_cast<double>(d);
    const double mean = round2(sum / static_cast<double>(days.size()));
    by_outcome[outcome] = {
        {"count", days.size()}, {"medianStayDays", median_of(days)}, {"meanStayDays", mean}};
  }
  boost::json::object classes;
  for (const std::string_view k : {"durable", "semi_durable", "no_solution", "other"})
    classes[k] = by_class[k];
  boost::json::object tracks;
  for (const auto& [track, counts] : by_track) {
    boost::json::object o;
    for (const auto& [outcome, n] : counts) o[outcome] = n;
    tracks[track] = std::move(o);
  }
  return {{"from", format_date(from)},
          {"to", format_date(to)},
          {"total", total},
          {"byOutcome", std::move(by_outcome)},
          {"byClass", std::move(classes)},
          {"byTrack", std::move(tracks)},
          {"neverHoused", never_housed}};
}

}  // namespace perspectief
