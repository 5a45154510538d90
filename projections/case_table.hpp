#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace perspectief {

// Per-stream state of a read model, found by id: the entries live in `Storage` at stable
// addresses (a std::map when the model lists them in id order, else a std::deque of pairs),
// and an open-addressing index of tagged pointers finds them. A lookup costs the index slot
// and the entry, and both can be prefetched: a fold over a page of the log looks many cases
// up ahead of use (prefetch_slot, then prefetch_entry), so their cache misses overlap instead
// of coming one after another (the rebuild is bound by them: docs/performance.md).
// The index grows by moving its slots to an array twice the size a few per add()
// (kMovesPerAdd), not all at once: moving every case at once held the fold (History, on the
// store's syncer thread) and the write model (on its writer thread) for tens of
// milliseconds at 65,536, 131,072 and 262,144 cases, and every append waited behind them
// ("Latency at a set rate" in docs/performance.md). While slots are moving, a lookup tries
// the new array, then the old one; the entries themselves never move.
// The hash of a case id in every CaseTable (an event's stream is parsed and hashed once for
// all the read models that fold it: parsed_envelope.hpp).
inline std::uint64_t case_id_hash(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}

template <class StorageT>
class CaseTable {
 public:
  using Storage = StorageT;
  using Entry = typename Storage::value_type;  // a pair: the id, then the state
  using Value = typename Entry::second_type;

  static std::uint64_t hash(std::string_view id) { return case_id_hash(id); }

  CaseTable() = default;
  CaseTable(const CaseTable& other) : entries_(other.entries_) { reindex(); }
  // Copy and swap: a copy that throws leaves this table as it was.
  CaseTable& operator=(const CaseTable& other) {
    CaseTable copy(other);
    swap(copy);
    return *this;
  }
  // Moving keeps the entries where they are (map nodes, deque blocks), so the index holds.
  // (Not noexcept for a deque: libstdc++'s deque allocates when moved.)
  CaseTable(CaseTable&&) = default;             // NOLINT(performance-noexcept-move-constructor)
  CaseTable& operator=(CaseTable&&) = default;  // NOLINT(performance-noexcept-move-constructor)
  void swap(CaseTable& other) noexcept {
    entries_.swap(other.entries_);
    slots_.swap(other.slots_);
    std::swap(mask_, other.mask_);
    old_.swap(other.old_);
    std::swap(old_mask_, other.old_mask_);
    std::swap(moved_, other.moved_);
  }

  // In id order for a map, in order of first sight for a deque.
  const Storage& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }

  const Value* find(std::string_view id) const { return find(id, hash(id)); }
  const Value* find(std::string_view id, std::uint64_t h) const {
    const Entry* e = find_entry(id, h);
    return e == nullptr ? nullptr : &e->second;
  }
  // The state of `id`, made (default) if it is new.
  Value& operator[](std::string_view id) { return get(id, hash(id)); }
  Value& get(std::string_view id, std::uint64_t h) {
    if (const Entry* e = find_entry(id, h)) return const_cast<Entry*>(e)->second;
    return add(std::string{id}, Value{}, h).second;
  }
  // Adds an id (snapshot loads, in the storage's order); an id already there keeps its first
  // value, as a map's emplace does (only a damaged snapshot repeats one).
  void add(std::string id, Value value) {
    const auto h = hash(id);
    if (find_entry(id, h) == nullptr) add(std::move(id), std::move(value), h);
  }
  // Sizes the index for `n` entries at once (snapshot loads).
  void reserve(std::size_t n) {
    if (capacity_for(n) > slots_.size()) rehash(capacity_for(n));
  }
  // Whether slots of the index are still moving to a larger array (for tests).
  bool growing() const { return !old_.empty(); }

  void prefetch_slot(std::uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & mask_]);
  }
  // Prefetches the entry the home slot points to (a guess: right unless the slot collides).
  void prefetch_entry(std::uint64_t h) const {
    if (slots_.empty()) return;
    if (const std::uint64_t s = slots_[h & mask_]; s != 0) __builtin_prefetch(entry_of(s));
  }

 private:
  static constexpr int kTagShift = 48;  // user-space pointers fit in 48 bits (x86-64, arm64)

  static std::size_t capacity_for(std::size_t n) {  // a power of two, at most half full
    std::size_t c = 16;
    while (c < 2 * n) c *= 2;
    return c;
  }
  static Entry* entry_of(std::uint64_t slot) {
    // A tagged pointer: the address in the low bits (see pack).
    return reinterpret_cast<Entry*>(  // NOLINT(performance-no-int-to-ptr)
        slot & ((std::uint64_t{1} << kTagShift) - 1));
  }
  static std::uint64_t pack(const Entry* e, std::uint64_t h) {
    const auto p = reinterpret_cast<std::uint64_t>(e);
    if ((p >> kTagShift) != 0) throw std::length_error("CaseTable: address beyond 48 bits");
    // The tag is never 0 so an occupied slot is never 0.
    return p | ((h >> kTagShift) | 1) << kTagShift;
  }

  const Entry* find_entry(std::string_view id, std::uint64_t h) const {
    if (slots_.empty()) return nullptr;
    if (const Entry* e = probe(slots_, mask_, id, h)) return e;
    // A slot not moved yet is in the old array only (one moved is in both).
    return old_.empty() ? nullptr : probe(old_, old_mask_, id, h);
  }
  static const Entry* probe(const std::vector<std::uint64_t>& slots, std::size_t mask,
                            std::string_view id, std::uint64_t h) {
    const std::uint64_t tag = (h >> kTagShift) | 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint64_t s = slots[i];
      if (s == 0) return nullptr;
      if ((s >> kTagShift) == tag) {
        const Entry* e = entry_of(s);
        if (e->first == id) return e;
      }
    }
  }

  Entry& add(std::string id, Value value, std::uint64_t h) {
    if (capacity_for(entries_.size() + 1) > slots_.size()) {
      grow(capacity_for(entries_.size() + 1));
    }
    move_some(kMovesPerAdd);
    if constexpr (std::is_same_v<Storage, std::deque<Entry>>) {
      Entry& e = entries_.emplace_back(std::move(id), std::move(value));
      index_or_undo(e, h, [this] { entries_.pop_back(); });
      return e;
    } else {
      const auto at = entries_.emplace_hint(entries_.end(), std::move(id), std::move(value));
      index_or_undo(*at, h, [this, at] { entries_.erase(at); });
      return *at;
    }
  }

  // Indexes a new entry; if it cannot be (an address beyond 48 bits), takes it back out, so
  // the table and its index agree, and throws.
  template <class Undo>
  void index_or_undo(Entry& e, std::uint64_t h, Undo undo) {
    std::uint64_t slot = 0;
    try {
      slot = pack(&e, h);
    } catch (...) {
      undo();
      throw;
    }
    place(slot, h);
  }

  void place(std::uint64_t slot, std::uint64_t h) {
    std::size_t i = h & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = slot;
  }

  // The array grows from c to 2c slots at c / 2 entries and again at c entries; moving
  // kMovesPerAdd slots per add() empties the old array after c / kMovesPerAdd adds, before
  // the next growth (grow() moves what is left first all the same).
  static constexpr std::size_t kMovesPerAdd = 4;

  void grow(std::size_t capacity) {
    if (slots_.empty()) return rehash(capacity);  // nothing to move
    // Allocated first: if that throws, the index is as it was.
    std::vector<std::uint64_t> larger(capacity, 0);
    move_some(old_.size());
    old_ = std::move(slots_);
    old_mask_ = mask_;
    moved_ = 0;
    slots_ = std::move(larger);
    mask_ = capacity - 1;
  }

  // Moves up to `n` slots of the old array into the current one (the same tagged pointer:
  // its hash is that of the entry's id), and drops the old array once all are moved.
  void move_some(std::size_t n) {
    if (old_.empty()) return;
    const std::size_t end = std::min(old_.size(), moved_ + n);
    for (; moved_ < end; ++moved_) {
      if (const std::uint64_t s = old_[moved_]; s != 0) place(s, hash(entry_of(s)->first));
    }
    if (moved_ == old_.size()) drop_old();
  }
  void drop_old() {
    std::vector<std::uint64_t>().swap(old_);
    old_mask_ = 0;
    moved_ = 0;
  }

  void rehash(std::size_t capacity) {
    drop_old();
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (auto& e : entries_) {
      const auto h = hash(e.first);
      place(pack(&e, h), h);
    }
  }
  void reindex() {
    slots_.clear();
    mask_ = 0;
    drop_old();
    if (!entries_.empty()) rehash(capacity_for(entries_.size()));
  }

  Storage entries_;
  std::vector<std::uint64_t> slots_;  // 0: empty; else tag << 48 | address of the entry
  std::size_t mask_ = 0;
  // While the index grows: the array before, and how many of its slots have moved.
  std::vector<std::uint64_t> old_;
  std::size_t old_mask_ = 0;
  std::size_t moved_ = 0;
};

}  // namespace perspectief
