#include "eventstore/key_ring.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>

#include "eventstore/keys.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::privacy {
namespace {

constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kMaxCached = 1 << 16;

rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}

Error store_error(const rocksdb::Status& s) {
  Error e = make_error(ErrorCode::unavailable, "the key store cannot serve this now");
  e.internal = "rocksdb: " + s.ToString();
  return e;
}

}  // namespace

KeyRing::KeyRing(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, KeysDir keys)
    : db_(db), cf_(cf), keys_(std::move(keys)) {}

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

Result<KeyRing::Lookup> KeyRing::find(std::string_view stream) const {
  const std::string name{stream};
  for (;;) {
    std::uint64_t generation = 0;
    {
      std::shared_lock lock(cache_mu_);
      if (auto it = cache_.find(name); it != cache_.end()) {
        return Lookup{State::present, it->second};
      }
      generation = generation_;
    }
    if (cf_ == nullptr) return Lookup{};  // a store from before encryption at rest
    std::string stored;
    const auto s = db_.Get({}, cf_, slice(stream), &stored);
    if (!s.ok() && !s.IsNotFound()) return store_error(s);
    if (after_store_read_) after_store_read_(stream);
    Result<Lookup> found = s.IsNotFound() ? Result<Lookup>{Lookup{}} : unwrap(stream, stored);
    if (!found) return found.take_error();
    std::unique_lock lock(cache_mu_);
    // A forget() since the read: the read may predate an erasure. Read again (the
    // erasure is durable before forget() runs, so the next read sees its marker).
    if (generation != generation_) continue;
    if (found->state == State::present) {
      if (cache_.size() >= kMaxCached) cache_.clear();
      cache_.emplace(name, found->key);
    }
    return found;
  }
}

Result<KeyRing::DataKey> KeyRing::get_or_create(std::string_view stream) {
  auto found = find(stream);
  if (!found) return found.take_error();
  if (found->state == State::present) return DataKey{std::move(found->key), {}};
  std::lock_guard create(create_mu_);
  if (auto it = pending_.find(std::string{stream}); it != pending_.end()) {
    ++it->second.users;  // another request's new key, not stored yet: use it too
    return DataKey{it->second.key, it->second.wrapped};
  }
  found = find(stream);  // another request may have stored one meanwhile
  if (!found) return found.take_error();
  if (found->state == State::present) return DataKey{std::move(found->key), {}};
  if (found->state == State::erased) {
    Error e = make_error(ErrorCode::conflict,
                         "the personal data of this case was erased: new events may not carry "
                         "personal data or free text");
    e.rule = "personal-data-erased";
    return e;
  }
  Pending p{secret_random_bytes(kKeyBytes), {}, 1};
  p.wrapped = wrap(stream, p.key, keys_.current);
  DataKey out{p.key, p.wrapped};
  pending_.emplace(std::string{stream}, std::move(p));
  return out;
}

void KeyRing::release(std::string_view stream, bool appended) {
  std::lock_guard create(create_mu_);
  const auto it = pending_.find(std::string{stream});
  if (it == pending_.end()) return;
  // Once appended, the key is read back from the store (where it may also have met an
  // erasure marker); unused, nothing was stored with it.
  if (appended || --it->second.users <= 0) pending_.erase(it);
}

void KeyRing::forget(std::string_view stream) {
  {
    std::lock_guard create(create_mu_);
    pending_.erase(std::string{stream});
  }
  std::unique_lock lock(cache_mu_);
  cache_.erase(std::string{stream});
  ++generation_;
}

Status KeyRing::purge_erased_keys(const std::vector<rocksdb::ColumnFamilyHandle*>& all) {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  // Once every column family with data in a WAL file is flushed, RocksDB deletes that file.
  auto s = db_.Flush(fo, all);
  if (!s.ok()) return store_error(s);
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  s = db_.CompactRange(co, cf_, nullptr, nullptr);
  if (!s.ok()) return store_error(s);
  return Ok{};
}

Status KeyRing::check_master_keys() const {
  if (cf_ == nullptr) return Ok{};
  std::unique_ptr<rocksdb::Iterator> it{db_.NewIterator({}, cf_)};
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto found = unwrap(it->key().ToStringView(), it->value().ToStringView());
    if (!found) return found.take_error();
    if (found->state == State::present) return Ok{};
  }
  if (!it->status().ok()) return store_error(it->status());
  return Ok{};
}

Result<std::size_t> KeyRing::rewrap_all(const std::string& to) {
  if (keys_.masters.count(to) == 0) return make_error(ErrorCode::not_found, "no master key " + to);
  rocksdb::WriteBatch batch;
  std::size_t count = 0;
  std::unique_ptr<rocksdb::Iterator> it{db_.NewIterator({}, cf_)};
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string stream = it->key().ToString();
    auto found = unwrap(stream, it->value().ToStringView());
    if (!found) return found.take_error();
    if (found->state != State::present) continue;
    batch.Put(cf_, slice(stream), wrap(stream, found->key, to));
    ++count;
  }
  if (!it->status().ok()) return store_error(it->status());
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const auto s = db_.Write(wo, &batch);
  if (!s.ok()) return store_error(s);
  std::unique_lock lock(cache_mu_);
  cache_.clear();
  ++generation_;
  return count;
}

}  // namespace perspectief::privacy
