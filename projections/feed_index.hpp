#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/stream_name.hpp"
#include "projections/programme_model.hpp"

namespace perspectief {

// One event as the scoped feeds decide on it without reading it (spec/integrations.md): its
// stream kind, its type and the housing organisations that may see it, decided once, when
// the event is folded, from where it left its case.
struct FeedEntry {
  std::uint8_t kind = 0;  // 1 + StreamKind; 0: not a stream of the programme
  std::uint8_t type = 0;  // 1 + index in feed_event_types(); 0: a type the catalogue lacks
  // Interned housing organisations (FeedIndex::organisation): a case event's operator after
  // it (or kEveryHousing while the case waits for a bed) and before it; a location event's
  // operator in housing_after.
  std::uint16_t housing_after = 0;
  std::uint16_t housing_before = 0;

  std::optional<StreamKind> stream_kind() const {
    return kind == 0 ? std::nullopt : std::optional{static_cast<StreamKind>(kind - 1)};
  }
};

// Every event type of the catalogue, in a fixed order (FeedEntry::type - 1).
const std::vector<std::string_view>& feed_event_types();
// 1 + the index of `type` in feed_event_types(); 0 if the catalogue has no such type.
std::uint8_t feed_type_code(std::string_view type);

// The FeedEntry of every folded event, by position: what lets a scoped feed, a subscription's
// lag or a webhook batch skip the events a reader may not see without reading them. Fed by
// the read side's case-file fold (CaseFiles::observe); one writer, many readers without a
// lock: entries live in chunks that never move, and size() is published after the entry.
class FeedIndex final : public FoldObserver {
 public:
  static constexpr std::uint16_t kNoHousing = 0;
  static constexpr std::uint16_t kEveryHousing = 1;

  FeedIndex();
  ~FeedIndex() override;
  FeedIndex(const FeedIndex&) = delete;
  FeedIndex& operator=(const FeedIndex&) = delete;

  void folded(const Envelope& envelope, const FoldedEvent& where) override;

  // The position of the last entry (0: none).
  std::uint64_t size() const { return size_.load(std::memory_order_acquire); }
  // The entry at `position` (1 <= position <= size()).
  FeedEntry at(std::uint64_t position) const;

  // The interned id of a housing organisation; nullopt if no location of it was ever seen
  // (it then sees only the cases waiting for a bed).
  std::optional<std::uint16_t> organisation(std::string_view id) const;

  // The entries and organisations as bytes (for a snapshot), and back: decode fills a fresh
  // index with exactly `positions` entries; false (index unchanged) if the bytes are damaged,
  // of another format or hold another number of entries.
  std::string encode() const;
  bool decode(std::string_view bytes, std::uint64_t positions);

 private:
  static constexpr std::size_t kChunkBits = 16;
  static constexpr std::size_t kChunkSize = std::size_t{1} << kChunkBits;
  static constexpr std::size_t kMaxChunks = std::size_t{1} << 16;
  using Chunk = std::array<FeedEntry, kChunkSize>;

  void push(const FeedEntry& entry);
  std::uint16_t intern(std::string_view organisation);

  std::unique_ptr<std::array<std::atomic<Chunk*>, kMaxChunks>> chunks_;
  std::atomic<std::uint64_t> size_{0};
  mutable std::shared_mutex names_mu_;  // organisations_ and ids_ (interned while folding)
  std::vector<std::string> organisations_;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint16_t, NameHash, std::equal_to<>> ids_;
};

}  // namespace perspectief
