#include "eventstore/key_ring.hpp"

#include <vector>

#include "eventstore/keys.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::privacy {
namespace {

constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kMaxCached = 1 << 16;

Error store_error(Error e) {
  return restated(std::move(e), "the key store cannot serve this now");
}

}  // namespace

KeyRing::KeyRing(SideTable& table, KeysDir keys) : table_(table), keys_(std::move(keys)) {}

std::string KeyRing::wrap(std::string_view stream, const SecretKey& key,
                          const std::string& master) const {
  return from_hex(master).value() + aes_gcm_seal(keys_.masters.at(master), stream, key);
}

Result<KeyRing::Lookup> KeyRing::unwrap(std::string_view stream, std::string_view stored) const {
  if (stored == keys::kErasedDataKey) return Lookup{State::erased, {}};
  if (stored.size() <= kIdBytes) {
    return make_error(ErrorCode::corrupt, "a stored data key is damaged");
  }
  const auto master =
      keys_.masters.find(to_hex(reinterpret_cast<const std::uint8_t*>(stored.data()), kIdBytes));
  if (master == keys_.masters.end()) {
    return make_error(ErrorCode::unavailable,
                      "a data key is wrapped with a master key that is not in the keys directory");
  }
  auto key = aes_gcm_open(master->second, stream, stored.substr(kIdBytes));
  if (!key || key->size() != kKeyBytes) {
    return make_error(ErrorCode::corrupt, "a stored data key does not unwrap with its master key");
  }
  return Lookup{State::present, std::move(*key)};
}

std::optional<SecretKey> KeyRing::cached(std::string_view stream, std::uint64_t& generation) const {
  ReaderLock lock(cache_mu_);
  generation = generation_;
  if (auto it = cache_.find(std::string{stream}); it != cache_.end()) return it->second;
  return std::nullopt;
}

void KeyRing::remember(std::string stream, SecretKey key) const {
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_.emplace(std::move(stream), std::move(key));
}

Result<KeyRing::Lookup> KeyRing::find(std::string_view stream) const {
  for (;;) {
    std::uint64_t generation = 0;
    if (auto key = cached(stream, generation)) return Lookup{State::present, std::move(*key)};
    // Nothing stored: no key yet (or a store from before encryption at rest).
    auto stored = table_.get(stream);
    if (!stored) return store_error(stored.take_error());
    if (after_store_read_) after_store_read_(stream);
    Result<Lookup> found = *stored ? unwrap(stream, **stored) : Result<Lookup>{Lookup{}};
    if (!found) return found.take_error();
    WriterLock lock(cache_mu_);
    // A forget() since the read: the read may predate an erasure. Read again (the
    // erasure is durable before forget() runs, so the next read sees its marker).
    if (generation != generation_) continue;
    if (found->state == State::present) remember(std::string{stream}, found->key);
    return found;
  }
}

Mutex& KeyRing::creator_of(std::string_view stream) {
  return create_mu_[std::hash<std::string_view>{}(stream) % kCreateStripes];
}

Result<KeyRing::DataKey> KeyRing::get_or_create(std::string_view stream) {
  // The generation before the store read below (no later), for release().
  std::uint64_t generation = 0;
  if (auto key = cached(stream, generation)) return DataKey{std::move(*key), {}};
  MutexLock create(creator_of(stream));
  {
    MutexLock lock(pending_mu_);
    if (auto it = pending_.find(std::string{stream}); it != pending_.end()) {
      ++it->second.users;  // another request's new key, not stored yet: use it too
      return DataKey{it->second.key, it->second.wrapped};
    }
  }
  // The store's key (one creator per stream at a time: none can be stored between this read
  // and the pending key below, as appends carry only keys from pending_).
  auto found = find(stream);
  if (!found) return found.take_error();
  if (found->state == State::present) return DataKey{std::move(found->key), {}};
  if (found->state == State::erased) {
    Error e = make_error(ErrorCode::conflict,
                         "the personal data of this case was erased: new events may not carry "
                         "personal data or free text");
    e.rule = "personal-data-erased";
    return e;
  }
  Pending p{secret_random_bytes(kKeyBytes), {}, 1, generation};
  p.wrapped = wrap(stream, p.key, keys_.current);
  DataKey out{p.key, p.wrapped};
  MutexLock lock(pending_mu_);
  pending_.emplace(std::string{stream}, std::move(p));
  return out;
}

void KeyRing::release(std::string_view stream, bool appended, bool key_stored) {
  std::optional<Pending> stored;  // the key, when it goes into the cache
  {
    MutexLock lock(pending_mu_);
    const auto it = pending_.find(std::string{stream});
    if (it == pending_.end()) return;
    // Once appended, the key is read back from the store (where it may also have met an
    // erasure marker) unless it goes into the cache below; unused, nothing was stored with
    // it.
    if (!appended && --it->second.users > 0) return;
    if (appended && key_stored) stored = std::move(it->second);
    pending_.erase(it);
  }
  if (!stored) return;
  WriterLock lock(cache_mu_);
  // A forget() since the key was made: an erasure may follow the append; the next find()
  // reads the store.
  if (stored->generation != generation_) return;
  remember(std::string{stream}, std::move(stored->key));
}

void KeyRing::forget(std::string_view stream) {
  {
    MutexLock create(creator_of(stream));  // after a creator's store read and its pending key
    MutexLock lock(pending_mu_);
    pending_.erase(std::string{stream});
  }
  WriterLock lock(cache_mu_);
  cache_.erase(std::string{stream});
  ++generation_;
  forgotten_.fetch_add(1, std::memory_order_acq_rel);
}

Status KeyRing::purge_erased_keys() {
  if (auto purged = table_.purge_replaced(); !purged) return store_error(purged.take_error());
  return Ok{};
}

Status KeyRing::check_master_keys() const {
  Status usable = Ok{};
  const auto scanned = table_.scan("", [&](std::string_view stream, std::string_view stored) {
    auto found = unwrap(stream, stored);
    if (!found) usable = found.take_error();
    return usable.ok() && found->state != State::present;  // one key that unwraps is enough
  });
  if (!scanned) return store_error(scanned.error());
  return usable;
}

Result<std::size_t> KeyRing::rewrap_all(const std::string& to) {
  if (keys_.masters.count(to) == 0) return make_error(ErrorCode::not_found, "no master key " + to);
  std::vector<SideEntry> rewrapped;
  Status unwrapped = Ok{};
  const auto scanned = table_.scan("", [&](std::string_view stream, std::string_view stored) {
    auto found = unwrap(stream, stored);
    if (!found) {
      unwrapped = found.take_error();
      return false;
    }
    if (found->state == State::present) {
      rewrapped.push_back({std::string{stream}, wrap(stream, found->key, to)});
    }
    return true;
  });
  if (!scanned) return store_error(scanned.error());
  if (!unwrapped) return unwrapped.take_error();
  if (auto s = table_.write(rewrapped, Durability::synced); !s) return store_error(s.take_error());
  WriterLock lock(cache_mu_);
  cache_.clear();
  ++generation_;
  return rewrapped.size();
}

}  // namespace perspectief::privacy
