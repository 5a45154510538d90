#include "projections/feed_index.hpp"

#include <cassert>
#include <mutex>
#include <unordered_map>

#include "domain/events.hpp"
#include "projections/snapshot_codec.hpp"

namespace perspectief {
namespace {

constexpr std::uint64_t kFeedIndexFormat = 1;
// FeedEntry::kind is 0 or 1 + a StreamKind (programme, location, case_file, activity).
constexpr std::uint8_t kStreamKinds = 4;

std::vector<std::string_view> all_event_types() {
  std::vector<std::string_view> types;
  for_each_event_type([&types](auto tag) { types.push_back(decltype(tag)::type::kType); });
  return types;
}

}  // namespace

const std::vector<std::string_view>& feed_event_types() {
  static const std::vector<std::string_view> kTypes = all_event_types();
  return kTypes;
}

std::uint8_t feed_type_code(std::string_view type) {
  // Every folded event asks: one hash lookup instead of comparing against each type.
  static const std::unordered_map<std::string_view, std::uint8_t> kCodes = [] {
    std::unordered_map<std::string_view, std::uint8_t> codes;
    const auto& types = feed_event_types();
    for (std::size_t i = 0; i < types.size(); ++i) {
      codes.emplace(types[i], static_cast<std::uint8_t>(i + 1));
    }
    return codes;
  }();
  const auto it = kCodes.find(type);
  return it == kCodes.end() ? 0 : it->second;
}

FeedIndex::FeedIndex()
    : chunks_(std::make_unique<std::array<std::atomic<Chunk*>, kMaxChunks>>()),
      organisations_{"", "*"} {
  for (auto& c : *chunks_) c.store(nullptr, std::memory_order_relaxed);
}

FeedIndex::~FeedIndex() {
  for (auto& c : *chunks_) delete c.load(std::memory_order_relaxed);
}

FeedEntry FeedIndex::at(std::uint64_t position) const {
  assert(position >= 1 && position <= size());
  const std::uint64_t i = position - 1;
  return (*(*chunks_)[i >> kChunkBits].load(std::memory_order_acquire))[i & (kChunkSize - 1)];
}

void FeedIndex::push(const FeedEntry& entry) {
  const std::uint64_t i = size_.load(std::memory_order_relaxed);
  auto& slot = (*chunks_)[i >> kChunkBits];
  Chunk* chunk = slot.load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new Chunk{};
    slot.store(chunk, std::memory_order_release);
  }
  (*chunk)[i & (kChunkSize - 1)] = entry;
  size_.store(i + 1, std::memory_order_release);
}

std::uint16_t FeedIndex::intern(std::string_view organisation) {
  if (organisation.empty()) return kNoHousing;
  // The folding thread is the only one that changes ids_: it reads them without the lock.
  if (const auto it = ids_.find(organisation); it != ids_.end()) return it->second;
  std::unique_lock lock(names_mu_);
  if (organisations_.size() > UINT16_MAX) return kNoHousing;  // beyond any real programme
  const auto id = static_cast<std::uint16_t>(organisations_.size());
  organisations_.emplace_back(organisation);
  ids_.emplace(std::string{organisation}, id);
  return id;
}

std::optional<std::uint16_t> FeedIndex::organisation(std::string_view id) const {
  std::shared_lock lock(names_mu_);
  const auto it = ids_.find(id);
  return it == ids_.end() ? std::nullopt : std::optional{it->second};
}

void FeedIndex::folded(const Envelope& envelope, const FoldedEvent& where) {
  // Positions are gapless from 1; an index restored at another position than the fold's
  // would misplace every entry after it.
  assert(envelope.position == size() + 1);
  FeedEntry entry;
  entry.kind = where.kind ? static_cast<std::uint8_t>(static_cast<int>(*where.kind) + 1) : 0;
  entry.type = feed_type_code(envelope.type);
  entry.housing_after = where.waiting_after ? kEveryHousing : intern(where.housing_after);
  entry.housing_before = intern(where.housing_before);
  push(entry);
}

std::string FeedIndex::encode() const {
  SnapshotWriter w;
  w.u64(kFeedIndexFormat);
  {
    std::shared_lock lock(names_mu_);
    w.u64(organisations_.size());
    for (const auto& o : organisations_) w.str(o);
  }
  const auto& types = feed_event_types();
  w.u64(types.size());
  for (const auto t : types) w.str(t);
  const std::uint64_t n = size();
  w.u64(n);
  for (std::uint64_t p = 1; p <= n; ++p) w.pod(at(p));
  return std::move(w.bytes());
}

bool FeedIndex::decode(std::string_view bytes, std::uint64_t positions) {
  SnapshotReader r{bytes};
  if (r.u64() != kFeedIndexFormat) return false;
  std::vector<std::string> organisations(r.count(sizeof(std::uint64_t)));
  for (auto& o : organisations) o = r.str();
  // Type codes of the snapshot, mapped onto this build's catalogue order.
  std::vector<std::uint8_t> type_map(r.count(sizeof(std::uint64_t)) + 1, 0);
  for (std::size_t i = 1; i < type_map.size(); ++i) type_map[i] = feed_type_code(r.str());
  const std::uint64_t n = r.count(sizeof(FeedEntry));
  if (!r.ok() || n != positions || organisations.size() < 2 ||
      organisations.size() > UINT16_MAX + 1)
    return false;
  std::vector<FeedEntry> entries(n);
  for (auto& e : entries) {
    e = r.pod<FeedEntry>();
    e.type = e.type < type_map.size() ? type_map[e.type] : 0;
    if (e.kind > kStreamKinds || e.housing_after >= organisations.size() ||
        e.housing_before >= organisations.size())
      return false;
  }
  if (!r.done() || size() != 0) return false;
  {
    std::unique_lock lock(names_mu_);
    organisations_ = std::move(organisations);
    ids_.clear();
    for (std::size_t i = 2; i < organisations_.size(); ++i)
      ids_.emplace(organisations_[i], static_cast<std::uint16_t>(i));
  }
  for (const auto& e : entries) push(e);
  return true;
}

}  // namespace perspectief
