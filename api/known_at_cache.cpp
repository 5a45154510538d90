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

Status catch_up(LateEvents& late, const EventStore& log, Micros known_at, std::uint64_t upto) {
  if (!late.found) {
    auto cut = recorded_by(log, known_at, upto);
    if (!cut) return cut.take_error();
    late.cut = *cut;
    late.folded = *cut;
    late.found = true;
  }
  if (late.folded >= upto) return Ok{};
  auto folded = fold_after(log, late.folded, upto, late.late);
  // What was folded, also when a later page failed: never folded twice.
  late.folded = folded ? upto : std::max(late.folded, late.late.position());
  return folded;
}

}  // namespace perspectief::api
