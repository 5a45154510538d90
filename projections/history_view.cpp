#include "projections/history_view.hpp"

#include <algorithm>

namespace perspectief {
namespace {

// `n` less `late`, never below 0.
std::size_t less_by(std::size_t n, std::size_t late) {
  return n > late ? n - late : 0;
}

}  // namespace

void HistoryView::ShownFacts::reserve(std::size_t n) {
  std::size_t size = 16;
  shift_ = 60;
  while (size < 2 * n) {
    size *= 2;
    --shift_;
  }
  slots_.assign(size, {nullptr, 0});
}

std::size_t HistoryView::ShownFacts::slot_of(const CaseFacts* c) const {
  // Fibonacci hashing of the address (its low bits are alignment: the multiply mixes them up).
  return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(c) * 0x9E3779B97F4A7C15ULL) >>
                                  shift_);
}

void HistoryView::ShownFacts::set(const CaseFacts* c, std::size_t shown) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = slot_of(c);; i = (i + 1) & mask) {
    if (slots_[i].first == nullptr) ++count_;
    if (slots_[i].first == nullptr || slots_[i].first == c) {
      slots_[i] = {c, shown};
      return;
    }
  }
}

std::optional<std::size_t> HistoryView::ShownFacts::find(const CaseFacts* c) const {
  if (count_ == 0) return std::nullopt;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = slot_of(c);; i = (i + 1) & mask) {
    if (slots_[i].first == c) return slots_[i].second;
    if (slots_[i].first == nullptr) return std::nullopt;
  }
}

HistoryView::HistoryView(const History& h)
    : history_(&h), position_(h.position()), capacity_(h.capacity()) {}

HistoryView::HistoryView(const History& h, const History& late, std::uint64_t position)
    : HistoryView(h) {
  late_ = &late;
  position_ = position;
  shown_.reserve(late.cases().size());
  for (const auto& [id, facts] : late.cases()) {
    if (const CaseFacts* c = h.find_case(id)) {
      shown_.set(c, less_by(c->facts.size(), facts.facts.size()));
    }
  }
  // The late History starts with the configured defaults, as every History does.
  capacity_ = capacity_.first(
      std::max<std::size_t>(1, less_by(capacity_.size(), late.capacity().size() - 1)));
}

const std::map<std::string, LocationFacts>& HistoryView::locations() const {
  if (late_ == nullptr || late_->locations().empty()) return history_->locations();
  if (!own_locations_) {
    auto& own = own_locations_.emplace(history_->locations());
    for (const auto& [id, l] : late_->locations()) {
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
  }
  return *own_locations_;
}

const std::map<std::string, ActivityFacts>& HistoryView::activities() const {
  if (late_ == nullptr || late_->activities().empty()) return history_->activities();
  if (!own_activities_) {
    auto& own = own_activities_.emplace(history_->activities());
    for (const auto& [id, a] : late_->activities()) {
      const auto it = own.find(id);
      if (it == own.end()) continue;
      // Held after the position (scheduled after it too, or not): not held yet. Read models
      // count held activities only.
      if (a.held != kNever) it->second = ActivityFacts{};
    }
  }
  return *own_activities_;
}

CapacityFacts HistoryView::capacity_at(Micros t) const {
  return perspectief::capacity_at(capacity_, t);
}

CaseFactsView HistoryView::facts_of(const CaseFacts& c) const {
  std::span<const Fact> all{c.facts};
  const auto shown = shown_.find(&c);
  return {shown ? all.first(*shown) : all};
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
