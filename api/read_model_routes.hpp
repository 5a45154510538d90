#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "api/authorization.hpp"
#include "api/http_types.hpp"
#include "api/router.hpp"
#include "domain/role.hpp"
#include "projections/history.hpp"

namespace perspectief::api {

// The last "now" answer of GET /v1/occupancy (no query): reused, with asOf set to the new now,
// while the history is at the same position and holds no event after the cached asOf, in
// which case a fresh fold gives the same figures. Spares one pass over every case per request.
class NowCache {
 public:
  // The serialised body with `as_of` as its asOf, if the cache holds the answer for this state.
  std::optional<std::string> find(std::uint64_t position, Micros latest_occurred_at,
                                  Micros as_of) const;
  void keep(std::uint64_t position, Micros as_of, const boost::json::object& body);

 private:
  mutable std::mutex mu_;
  std::uint64_t position_ = 0;
  Micros as_of_ = 0;
  bool held_ = false;
  // The serialised body without its asOf value: before and after the quoted time.
  std::string before_as_of_;
  std::string after_as_of_;
};

// Answers GET on a read-model route: parses asOf / from / to / status, renders the model
// from the history. `now` is the default asOf and the default end of a range. `cache`
// (optional) serves repeated "now" occupancy requests (occupancy lists no case ids).
// `visible` (optional) leaves out of every list the entries of the cases it refuses (alerts
// and escalations are the read models that list case ids); totals are not changed.
Response read_model(RouteId route, std::string_view target, const History& history, Micros now,
                    NowCache* cache = nullptr, const CaseVisibility& visible = {});

}  // namespace perspectief::api
