#include "api/known_at_cache.hpp"

#include <algorithm>

#include "projections/known_at.hpp"

namespace perspectief::api {

std::shared_ptr<LateEvents> KnownAtCache::entry(Micros known_at) {
  std::lock_guard lock(mu_);
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const auto& e) { return e.first == known_at; });
  std::shared_ptr<LateEvents> found;
  if (it != entries_.end()) {
    found = it->second;
    entries_.erase(it);
  } else {
    found = std::make_shared<LateEvents>();
  }
  entries_.insert(entries_.begin(), {known_at, found});
  if (entries_.size() > capacity_) entries_.pop_back();
  return found;
}

void KnownAtCache::trim(Micros known_at, const LateEvents& entry) {
  if (entry.size() <= max_events_) return;
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& e) { return e.first == known_at; });
}

Status keep_forward(LateEvents& late, const EventStore& log, const CapacityFacts& defaults) {
  if (!late.settled || late.forward) return Ok{};
  History up_to_cut{defaults.places, defaults.lvv_places, defaults.max_stay_months};
  if (auto folded = fold_after(log, 0, late.cut, up_to_cut); !folded) return folded;
  late.events.restore(std::move(up_to_cut));
  late.forward = true;
  late.folded = late.cut;
  return Ok{};
}

Status catch_up(LateEvents& late, const EventStore& log, Micros known_at, std::uint64_t upto,
                const CapacityFacts& defaults) {
  if (!late.settled) {
    auto cut = recorded_by(log, known_at, upto);
    if (!cut) return cut.take_error();
    late.cut = *cut;
    if (*cut == upto) return Ok{};  // everything folded was recorded by knownAt, so far
    late.settled = true;
    late.forward = *cut < upto - *cut;
    late.folded = late.forward ? 0 : *cut;
    if (late.forward) {
      // The events up to the cut are the answer; it never changes.
      late.events.restore(History{defaults.places, defaults.lvv_places, defaults.max_stay_months});
      auto folded = fold_after(log, 0, *cut, late.events);
      late.folded = late.events.position();
      if (!folded) {
        late.settled = false;  // folded again from the start next time
        late.events.restore(History{0, 0, 0});
        return folded;
      }
      return Ok{};
    }
  }
  if (late.forward || late.folded >= upto) return Ok{};
  auto folded = fold_after(log, late.folded, upto, late.events);
  // What was folded, also when a later page failed: never folded twice.
  late.folded = folded ? upto : std::max(late.folded, late.events.position());
  return folded;
}

}  // namespace perspectief::api
