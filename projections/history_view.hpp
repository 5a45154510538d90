#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/history.hpp"

namespace perspectief {

// A case's facts as a view shows them: all of them, or those recorded by its position.
struct CaseFactsView {
  std::span<const Fact> facts;
};

// The History as it stood at a log position (spec/evaluation.md, "Known-at"): what the read
// models read. Made from a History alone it shows everything folded; made with `late`, a
// History of the events after that position folded on their own, it leaves those out. Each
// case's, location's and the programme's facts are in log order, so the facts the late events
// added are the last ones: the view shows a prefix of each. Cases with no fact shown are
// skipped. Valid while the History is (read it inside History::read()).
class HistoryView {
 public:
  // Everything folded (implicit: a read model takes a History as it is).
  HistoryView(const History& h);  // NOLINT(google-explicit-constructor)
  // What `h` held before the events folded into `late` (those after the position `position`).
  HistoryView(const History& h, const History& late, std::uint64_t position);
  // It points into itself (its own copies of the locations and activities): not copied.
  HistoryView(const HistoryView&) = delete;
  HistoryView& operator=(const HistoryView&) = delete;

  struct CaseEntry {
    std::string_view id;
    CaseFactsView facts;
  };
  class CaseIterator {
   public:
    CaseIterator(const HistoryView& view, const History::Cases::Storage::const_iterator& at);
    CaseEntry operator*() const { return {at_->first, view_->facts_of(at_->second)}; }
    CaseIterator& operator++();
    bool operator!=(const CaseIterator& o) const { return at_ != o.at_; }

   private:
    void skip_empty();
    const HistoryView* view_;
    History::Cases::Storage::const_iterator at_;
  };
  struct Cases {
    const HistoryView* view;
    CaseIterator begin() const;
    CaseIterator end() const;
    // The number of cases in the History (an upper bound of those shown).
    std::size_t size() const { return view->history_->cases().size(); }
  };
  // In order of first sight.
  Cases cases() const { return Cases{this}; }
  // Copies with the late events' changes undone, made on first use (a read model that reads
  // no activity does not pay for their copy).
  const std::map<std::string, LocationFacts>& locations() const;
  const std::map<std::string, ActivityFacts>& activities() const;
  CapacityFacts capacity_at(Micros t) const;
  const std::string& text(std::uint32_t id) const { return history_->text(id); }
  std::uint32_t location_ref(const std::string& location_id) const {
    return history_->location_ref(location_id);
  }
  // The last log position shown.
  std::uint64_t position() const { return position_; }

 private:
  CaseFactsView facts_of(const CaseFacts& c) const;

  // Cases with late facts: how many of their facts are shown. An open-addressing table on the
  // case's address: every case of every read is looked up in it, so it must cost a multiply
  // and one load from a table that stays in the cache (a std::unordered_map cost 1.4-1.7x
  // the whole read: docs/performance.md, "Known-at").
  class ShownFacts {
   public:
    void reserve(std::size_t n);
    void set(const CaseFacts* c, std::size_t shown);
    // nullopt: every fact of `c` is shown.
    std::optional<std::size_t> find(const CaseFacts* c) const;
    bool empty() const { return count_ == 0; }

   private:
    std::size_t slot_of(const CaseFacts* c) const;
    std::vector<std::pair<const CaseFacts*, std::size_t>> slots_;
    std::size_t count_ = 0;
    int shift_ = 64;
  };

  const History* history_;
  const History* late_ = nullptr;
  std::uint64_t position_;
  ShownFacts shown_;
  std::span<const CapacityFacts> capacity_;
  mutable std::optional<std::map<std::string, LocationFacts>> own_locations_;
  mutable std::optional<std::map<std::string, ActivityFacts>> own_activities_;
};

}  // namespace perspectief
