#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/authorization.hpp"
#include "api/http_types.hpp"
#include "api/known_at_cache.hpp"
#include "api/router.hpp"
#include "domain/role.hpp"
#include "eventstore/event_store.hpp"
#include "projections/history.hpp"

namespace perspectief::api {

// The last "now" answer of GET /v1/occupancy (no query): reused, with asOf and knownAt set
// to the new now, while the history is at the same position and holds no event after the
// cached now, in which case a fresh fold gives the same figures. Spares one pass over every
// case per request.
class NowCache {
 public:
  // The serialised body with `now` as its asOf and knownAt, if the cache holds the answer for
  // this state.
  std::optional<std::string> find(std::uint64_t position, Micros latest_occurred_at,
                                  Micros now) const;
  void keep(std::uint64_t position, Micros now, const boost::json::object& body);

 private:
  mutable std::mutex mu_;
  std::uint64_t position_ = 0;
  Micros now_ = 0;
  bool held_ = false;
  // The serialised body cut where the quoted asOf and knownAt values go.
  std::vector<std::string> pieces_;
};

// What read_model() keeps between requests.
struct ReadModelCaches {
  NowCache now;
  KnownAtCache known;
};

// Answers GET on a read-model route: parses knownAt / asOf / from / to / status, renders the
// model from the history as known at knownAt, with "knownAt" and "position" (the last log
// position counted) added. `now` is the default knownAt; knownAt is the default asOf and
// the default end of a range. `log` gives the events recorded after a knownAt in the past
// (null: the history holds only what was known then, as `perspectief replay --known-at`
// folds it). `caches` (optional) serve repeated "now" occupancy requests (occupancy lists no
// case ids) and keep the events after the last few knownAt folded. `visible` (optional) leaves out
// of every list the entries of the cases it refuses (alerts and escalations are the read models
// that list case ids); totals are not changed.
Response read_model(RouteId route, std::string_view target, const History& history, Micros now,
                    const EventStore* log = nullptr, ReadModelCaches* caches = nullptr,
                    const CaseVisibility& visible = {});

}  // namespace perspectief::api
