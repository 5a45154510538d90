#include "projections/projector.hpp"

#include <algorithm>
#include <cassert>
#include <cstddef>

namespace perspectief {

Projector::~Projector() {
  if (subscribed_) store_.unsubscribe(subscription_);
}

Status Projector::start(std::uint64_t from) {
  position_.store(from);
  subscription_ = store_.subscribe([this](std::uint64_t) {
    if (auto folded = catch_up(); !folded && on_error_) on_error_(folded.error());
  });
  subscribed_ = true;
  return catch_up();
}

Status Projector::catch_up() {
  MutexLock lock(mu_);
  for (;;) {
    auto page = store_.read_all(position_.load(), 10'000);
    if (!page) return page.take_error();
    if (page->empty()) return Ok{};
    fold(*page);
  }
}

void Projector::fold(std::span<const Envelope> page) {
  // The log is gapless: a fold sees every position once, each one more than the last, so
  // no read model skips or repeats an event.
  assert([&] {
    std::uint64_t next = position_.load() + 1;
    for (const auto& e : page) {
      if (e.position != next++) return false;
    }
    return true;
  }());
  // A chunk at a time: each envelope parsed once for every projection, and still in the
  // cache when they fold it.
  constexpr std::size_t kChunk = 256;
  for (std::size_t start = 0; start < page.size(); start += kChunk) {
    const auto chunk = page.subspan(start, std::min(kChunk, page.size() - start));
    parse_page(chunk, parsed_);
    for (auto* p : projections_) p->apply_parsed(chunk, parsed_);
  }
  position_.store(page.back().position);
}

}  // namespace perspectief
