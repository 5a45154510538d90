#include "projections/known_at.hpp"

#include <algorithm>

namespace perspectief {

Result<std::uint64_t> recorded_by(const EventStore& store, Micros known_at, std::uint64_t upto) {
  std::uint64_t lo = 0;  // recorded by then (0: before the log)
  std::uint64_t hi = upto;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    auto event = store.read_all(mid - 1, 1);
    if (!event) return event.take_error();
    if (event->empty()) return make_error(ErrorCode::unavailable, "the log could not be read");
    if (event->front().recorded_at <= known_at) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

Status fold_after(const EventStore& store, std::uint64_t after, std::uint64_t upto, History& late) {
  constexpr std::size_t kPage = 4096;
  while (after < upto) {
    auto page = store.read_all(
        after, static_cast<std::size_t>(std::min<std::uint64_t>(kPage, upto - after)));
    if (!page) return page.take_error();
    if (page->empty()) return make_error(ErrorCode::unavailable, "the log could not be read");
    late.apply_all(*page);
    after = page->back().position;
  }
  return Ok{};
}

}  // namespace perspectief
