#include <map>
#include <utility>

#include "projections/read_models.hpp"

namespace perspectief {

boost::json::object caseload_json(const HistoryView& h, Micros as_of) {
  std::map<std::pair<std::string, std::string>, std::int64_t> load;
  for (const auto& [id, facts] : h.cases()) {
    const CaseAt c = History::case_at(facts.facts, as_of);
    if (!c.active() || c.manager == 0) continue;
    const std::string& pair = h.text(c.manager);
    const auto sep = pair.find('\x1f');
    ++load[{pair.substr(0, sep), sep == std::string::npos ? std::string{} : pair.substr(sep + 1)}];
  }
  boost::json::array managers;
  for (const auto& [key, n] : load) {
    managers.push_back(
        {{"caseManager", key.first}, {"organisation", key.second}, {"activeCases", n}});
  }
  return {{"asOf", format_rfc3339(as_of)}, {"caseManagers", std::move(managers)}};
}

}  // namespace perspectief
