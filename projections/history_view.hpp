#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

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
  const std::map<std::string, LocationFacts>& locations() const { return *locations_; }
  const std::map<std::string, ActivityFacts>& activities() const { return *activities_; }
  CapacityFacts capacity_at(Micros t) const;
  const std::string& text(std::uint32_t id) const { return history_->text(id); }
  std::uint32_t location_ref(const std::string& location_id) const {
    return history_->location_ref(location_id);
  }
  // The last log position shown.
  std::uint64_t position() const { return position_; }

 private:
  CaseFactsView facts_of(const CaseFacts& c) const;

  const History* history_;
  std::uint64_t position_;
  // Cases with late facts: how many of their facts are shown.
  std::unordered_map<const CaseFacts*, std::size_t> shown_;
  std::span<const CapacityFacts> capacity_;
  const std::map<std::string, LocationFacts>* locations_;
  const std::map<std::string, ActivityFacts>* activities_;
  // Copies with the late events' changes undone, when there are any.
  std::optional<std::map<std::string, LocationFacts>> own_locations_;
  std::optional<std::map<std::string, ActivityFacts>> own_activities_;
};

}  // namespace perspectief
