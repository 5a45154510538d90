#include "projections/feed_scope.hpp"

#include <algorithm>
#include <array>

namespace perspectief {
namespace {

constexpr std::uint32_t bit(StreamKind kind) {
  return std::uint32_t{1} << static_cast<unsigned>(kind);
}

// Reading a span of the log whole is cheaper than a seek per event while at least this
// share of it is visible.
constexpr std::uint64_t kSpanPerEvent = 4;

constexpr std::array kKinds{StreamKind::case_file, StreamKind::location, StreamKind::activity,
                            StreamKind::programme};

// Names are client text: an unknown one is named back only when it looks like a name.
bool looks_like_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

Error unknown_name(std::string_view field, std::string_view name, std::string_view what) {
  Error e =
      make_error(ErrorCode::invalid, "unknown " + std::string{what} + " in " + std::string{field});
  e.fields.push_back({std::string{field}, looks_like_name(name) ? "unknown " + std::string{what} +
                                                                      " " + std::string{name}
                                                                : "unknown " + std::string{what}});
  return e;
}

}  // namespace

Result<FeedFilter> feed_filter(const std::vector<std::string_view>& categories,
                               const std::vector<std::string_view>& types) {
  FeedFilter f;
  for (const auto name : categories) {
    const auto it = std::find_if(kKinds.begin(), kKinds.end(),
                                 [name](StreamKind k) { return to_string(k) == name; });
    if (it == kKinds.end()) return unknown_name("categories", name, "category");
    f.kinds |= bit(*it);
  }
  for (const auto name : types) {
    const std::uint8_t code = feed_type_code(name);
    if (code == 0) return unknown_name("types", name, "event type");
    f.types |= std::uint64_t{1} << code;
  }
  return f;
}

std::vector<std::string_view> filter_categories(const FeedFilter& filter) {
  std::vector<std::string_view> names;
  for (const auto k : kKinds) {
    if ((filter.kinds & bit(k)) != 0) names.push_back(to_string(k));
  }
  return names;
}

std::vector<std::string_view> filter_types(const FeedFilter& filter) {
  std::vector<std::string_view> names;
  const auto& types = feed_event_types();
  for (std::size_t i = 0; i < types.size(); ++i) {
    if ((filter.types & (std::uint64_t{1} << (i + 1))) != 0) names.push_back(types[i]);
  }
  return names;
}

std::uint32_t feed_streams(Role role) {
  switch (role) {
    case Role::intake:
    case Role::housing:
      return bit(StreamKind::case_file) | bit(StreamKind::location) | bit(StreamKind::programme);
    case Role::legal:
    case Role::return_support:
      return bit(StreamKind::case_file) | bit(StreamKind::programme);
    case Role::participation:
      return bit(StreamKind::case_file) | bit(StreamKind::activity) | bit(StreamKind::programme);
    case Role::regie:
    case Role::researcher:
      return kAllStreams;
    case Role::ops:
      break;
  }
  return 0;
}

FeedScope::FeedScope(const FeedIndex& index, Role role, const std::string& organisation,
                     FeedFilter filter)
    : end_(index.size()),
      streams_(feed_streams(role)),
      housing_(role == Role::housing),
      filter_(filter) {
  if (housing_) organisation_ = index.organisation(organisation).value_or(FeedIndex::kNoHousing);
}

bool FeedScope::visible(const FeedEntry& entry) const {
  const auto kind = entry.stream_kind();
  if (!kind) return streams_ == kAllStreams && filter_.kinds == 0 && filter_.types == 0;
  if ((streams_ & bit(*kind)) == 0) return false;
  if (filter_.kinds != 0 && (filter_.kinds & bit(*kind)) == 0) return false;
  if (filter_.types != 0 && (filter_.types & (std::uint64_t{1} << entry.type)) == 0) return false;
  if (!housing_) return true;
  switch (*kind) {
    case StreamKind::case_file:
      return entry.housing_after == FeedIndex::kEveryHousing ||
             (organisation_ != FeedIndex::kNoHousing &&
              (entry.housing_after == organisation_ || entry.housing_before == organisation_));
    case StreamKind::location:
      return organisation_ != FeedIndex::kNoHousing && entry.housing_after == organisation_;
    default:
      return true;
  }
}

std::uint64_t count_visible(const FeedIndex& index, const FeedScope& scope, std::uint64_t after) {
  std::uint64_t n = 0;
  const std::uint64_t end = scope.end();
  for (std::uint64_t p = after + 1; p <= end; ++p) n += scope.visible(index.at(p)) ? 1 : 0;
  return n;
}

FeedPositions visible_positions(const FeedIndex& index, const FeedScope& scope, std::uint64_t after,
                                FeedBounds bounds) {
  FeedPositions out;
  const std::uint64_t scan_end =
      after > UINT64_MAX - bounds.scan_limit ? UINT64_MAX : after + bounds.scan_limit;
  const std::uint64_t end = std::min({scope.end(), scan_end, std::max(after, bounds.until)});
  std::uint64_t p = after;
  while (p < end && out.positions.size() < bounds.limit) {
    ++p;
    if (scope.visible(index.at(p))) out.positions.push_back(p);
  }
  out.next = p;
  return out;
}

Result<std::vector<Envelope>> read_positions(const EventStore& store,
                                             const std::vector<std::uint64_t>& positions) {
  std::vector<Envelope> events;
  events.reserve(positions.size());
  std::size_t i = 0;
  while (i < positions.size()) {
    // A run of positions close enough together is read as one span, the rest skipped.
    std::size_t j = i + 1;
    while (j < positions.size() && positions[j] - positions[j - 1] <= kSpanPerEvent) ++j;
    const std::uint64_t first = positions[i];
    auto span = store.read_all(first - 1, positions[j - 1] - first + 1);
    if (!span) return span.take_error();
    for (auto& e : *span) {
      if (i < j && e.position == positions[i]) {
        events.push_back(std::move(e));
        ++i;
      }
    }
    if (i != j) return make_error(ErrorCode::unavailable, "the log is behind the feed index");
  }
  return events;
}

Result<FeedPage> read_feed(const EventStore& store, const FeedIndex& index, const FeedScope& scope,
                           std::uint64_t after, FeedBounds bounds) {
  FeedPositions found = visible_positions(index, scope, after, bounds);
  auto events = read_positions(store, found.positions);
  if (!events) return events.take_error();
  return FeedPage{std::move(*events), found.next};
}

}  // namespace perspectief
