#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "eventstore/event_store.hpp"
#include "projections/feed_index.hpp"

namespace perspectief {

// The `categories` and `types` filters of a scoped feed or a subscription: a bit per stream
// kind (1 << StreamKind) and per type code (1 << FeedEntry::type); 0 lets every one through.
struct FeedFilter {
  std::uint32_t kinds = 0;
  std::uint64_t types = 0;
  bool operator==(const FeedFilter&) const = default;
};

// The filter of the names given (categories: case, location, activity, programme; types:
// event types of the catalogue); invalid naming the field ("categories" or "types") and,
// when it looks like one, the unknown name.
[[nodiscard]] Result<FeedFilter> feed_filter(const std::vector<std::string_view>& categories,
                                             const std::vector<std::string_view>& types);
// The names of a filter's categories and types, in a fixed order (empty: no filter).
std::vector<std::string_view> filter_categories(const FeedFilter& filter);
std::vector<std::string_view> filter_types(const FeedFilter& filter);

// The stream kinds a role's feed holds (spec/integrations.md, the role table of spec/api.md):
// a bit per StreamKind; kAllStreams (also the events of no stream of the programme) for regie
// and the researcher; 0 for ops.
inline constexpr std::uint32_t kAllStreams = 0xFFFFFFFFU;
std::uint32_t feed_streams(Role role);

// One reader's view of the feed index: its role's streams, for housing its organisation's
// locations and cases (decided per event when it was folded), and its filters.
class FeedScope {
 public:
  FeedScope(const FeedIndex& index, Role role, const std::string& organisation, FeedFilter filter);
  bool visible(const FeedEntry& entry) const;
  // The index's size when the scope was made: the entries it decides on. An organisation is
  // interned before the first entry naming it is published, so each of them is decided with
  // the organisation's id known (a later entry may name an organisation first seen after).
  std::uint64_t end() const { return end_; }

 private:
  std::uint64_t end_;
  std::uint32_t streams_;
  bool housing_;
  std::uint16_t organisation_ = FeedIndex::kNoHousing;  // kNoHousing: owns no location seen
  FeedFilter filter_;
};

// A page of a scoped feed: the visible events, and the last position examined (the `next`
// to follow, past the positions the reader may not see).
struct FeedPage {
  std::vector<Envelope> events;
  std::uint64_t next = 0;
};

// The events visible to `scope` with position > `after`, at most `limit`, among the events
// the index holds (the read models' position); at most `scan_limit` positions are examined,
// so a page of a reader that sees little comes back after bounded work with `next` further
// on; none after `until` (a webhook batch read again). Errors: those of EventStore::read_all
// (unavailable, corrupt).
struct FeedBounds {
  std::size_t limit = 1000;
  std::uint64_t scan_limit = 100'000;
  std::uint64_t until = UINT64_MAX;
};
[[nodiscard]] Result<FeedPage> read_feed(const EventStore& store, const FeedIndex& index,
                                         const FeedScope& scope, std::uint64_t after,
                                         FeedBounds bounds);
// The two halves of read_feed: the visible positions (from the index alone) with the last
// position examined, and the events at given positions (ascending) from the store.
struct FeedPositions {
  std::vector<std::uint64_t> positions;
  std::uint64_t next = 0;
};
FeedPositions visible_positions(const FeedIndex& index, const FeedScope& scope, std::uint64_t after,
                                FeedBounds bounds);
[[nodiscard]] Result<std::vector<Envelope>> read_positions(
    const EventStore& store, const std::vector<std::uint64_t>& positions);

[[nodiscard]] inline Result<FeedPage> read_feed(const EventStore& store, const FeedIndex& index,
                                                const FeedScope& scope, std::uint64_t after,
                                                std::size_t limit) {
  return read_feed(store, index, scope, after, FeedBounds{limit});
}

// How many events after `after` are visible to `scope` (a subscription's lag).
std::uint64_t count_visible(const FeedIndex& index, const FeedScope& scope, std::uint64_t after);

}  // namespace perspectief
