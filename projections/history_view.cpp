#include "projections/history_view.hpp"

#include <algorithm>

namespace perspectief {
namespace {

// `n` less `late`, never below 0.
std::size_t less_by(std::size_t n, std::size_t late) {
  return n > late ? n - late : 0;
}

}  // namespace

HistoryView::HistoryView(const History& h)
    : history_(&h),
      position_(h.position()),
      capacity_(h.capacity()),
      locations_(&h.locations()),
      activities_(&h.activities()) {}

HistoryView::HistoryView(const History& h, const History& late, std::uint64_t position)
    : HistoryView(h) {
  position_ = position;
  for (const auto& [id, facts] : late.cases()) {
    if (const CaseFacts* c = h.find_case(id)) {
      shown_[c] = less_by(c->facts.size(), facts.facts.size());
    }
  }
  // The late History starts with the configured defaults, as every History does.
  capacity_ = capacity_.first(
      std::max<std::size_t>(1, less_by(capacity_.size(), late.capacity().size() - 1)));
  if (!late.locations().empty()) {
    auto& own = own_locations_.emplace(h.locations());
    for (const auto& [id, l] : late.locations()) {
      const auto it = own.find(id);
      if (it == own.end()) continue;
      if (l.exists()) {  // opened after the position: not there yet
        own.erase(it);
        continue;
      }
      LocationFacts& shown = it->second;
      if (l.closed != kNever) shown.closed = kNever;
      shown.beds.resize(less_by(shown.beds.size(), l.beds.size()));
      shown.contacts.resize(less_by(shown.contacts.size(), l.contacts.size()));
    }
    locations_ = &own;
  }
  if (!late.activities().empty()) {
    auto& own = own_activities_.emplace(h.activities());
    for (const auto& [id, a] : late.activities()) {
      const auto it = own.find(id);
      if (it == own.end()) continue;
      // Held after the position (scheduled after it too, or not): not held yet. Read models
      // count held activities only.
      if (a.held != kNever) it->second = ActivityFacts{};
    }
    activities_ = &own;
  }
}

CapacityFacts HistoryView::capacity_at(Micros t) const {
  return perspectief::capacity_at(capacity_, t);
}

CaseFactsView HistoryView::facts_of(const CaseFacts& c) const {
  std::span<const Fact> all{c.facts};
  if (shown_.empty()) return {all};
  const auto it = shown_.find(&c);
  return {it == shown_.end() ? all : all.first(it->second)};
}

HistoryView::CaseIterator::CaseIterator(const HistoryView& view,
                                        const History::Cases::Storage::const_iterator& at)
    : view_(&view), at_(at) {
  skip_empty();
}

HistoryView::CaseIterator& HistoryView::CaseIterator::operator++() {
  ++at_;
  skip_empty();
  return *this;
}

void HistoryView::CaseIterator::skip_empty() {
  const auto end = view_->history_->cases().end();
  while (at_ != end && view_->facts_of(at_->second).facts.empty()) ++at_;
}

HistoryView::CaseIterator HistoryView::Cases::begin() const {
  return {*view, view->history_->cases().begin()};
}

HistoryView::CaseIterator HistoryView::Cases::end() const {
  return {*view, view->history_->cases().end()};
}

}  // namespace perspectief
