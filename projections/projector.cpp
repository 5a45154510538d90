#include "projections/projector.hpp"

#include <algorithm>
#include <cassert>

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
  const bool for_folds = std::all_of(projections_.begin(), projections_.end(),
                                     [](const Projection* p) { return p->folds_typed_events(); });
  for (;;) {
    // 40 fold pages (eventstore/fold_pages.hpp): reads after the first start on a page.
    constexpr std::size_t kRead = 10'240;
    auto page = for_folds ? store_.read_all_for_folds(position_.load(), kRead)
                          : store_.read_all(position_.load(), kRead);
    if (!page) return page.take_error();
    if (page->empty()) return Ok{};
    fold(*page);
  }
}

void Projector::fold(std::span<Envelope> page) {
  // The log is gapless: a fold sees every position once, each one more than the last, so
  // no read model skips or repeats an event.
  assert([&] {
    std::uint64_t next = position_.load() + 1;
    for (const auto& e : page) {
      if (e.position != next++) return false;
    }
    return true;
  }());
  // Each envelope parsed once for every projection.
  fold_parsed_chunks(page, parser_, parsed_,
                     [this](std::span<Envelope> chunk, std::span<const ParsedEnvelope> parsed) {
                       for (auto* p : projections_) p->apply_parsed(chunk, parsed);
                     });
  position_.store(page.back().position);
}

}  // namespace perspectief
