#include <array>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/event_catalogue.hpp"
#include "projections/read_models.hpp"

namespace perspectief {
namespace {

constexpr std::array kWindows{6, 12, 24};  // calendar months
constexpr std::array<std::string_view, 4> kClasses{"durable", "semi_durable", "no_solution",
                                                   "other"};

struct ClassCounts {
  std::int64_t ended = 0;
  std::array<std::int64_t, kWindows.size()> returned{};
};

}  // namespace

boost::json::object returns_json(const HistoryView& h, Days from, Days to, Micros as_of) {
  // The registration dates of the later cases, by the case they name as previous.
  std::unordered_map<std::string_view, std::vector<Days>> returns;
  for (const auto& [id, facts] : h.cases()) {
    const auto& first = facts.facts;
    if (first.empty() || first.front().kind != Fact::Kind::registered) continue;
    if (first.front().ref == 0 || first.front().at > as_of) continue;
    returns[h.text(first.front().ref)].push_back(day_of(first.front().at));
  }
  std::unordered_map<std::string_view, ClassCounts> by_class;
  for (const auto& [id, facts] : h.cases()) {
    Micros ended_at = kNever;
    std::uint8_t outcome = 0;
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      if (f.kind == Fact::Kind::ended) {
        ended_at = f.at;
        outcome = f.code;
      }
    }
    if (ended_at == kNever) continue;
    const Days end_day = day_of(ended_at);
    if (end_day < from || end_day > to) continue;
    ClassCounts& counts = by_class[to_string(
        outcome_class(enum_from_code<Outcome>(outcome).value_or(Outcome::other)))];
    ++counts.ended;
    const auto later = returns.find(id);
    if (later == returns.end()) continue;
    for (std::size_t w = 0; w < kWindows.size(); ++w) {
      const Days last = add_months(end_day, kWindows[w]);
      for (const Days registered : later->second) {
        if (registered >= end_day && registered <= last) {
          ++counts.returned[w];
          break;
        }
      }
    }
  }
  boost::json::object out;
  for (const std::string_view c : kClasses) {
    const ClassCounts& n = by_class[c];
    out[c] = {{"ended", n.ended},
              {"returnedWithin6Months", n.returned[0]},
              {"returnedWithin12Months", n.returned[1]},
              {"returnedWithin24Months", n.returned[2]}};
  }
  return out;
}

}  // namespace perspectief
