#pragma once

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/result.hpp"
#include "eventstore/keys_dir.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace perspectief::privacy {

// The per-stream data keys (one per case, and one per location or activity stream that holds
// free text), kept in the store's `data_keys` column family wrapped with a master key:
// value = master id (8 bytes) || AES-256-GCM(master, aad = stream, data key). Erasure
// replaces a stream's value by keys::kErasedDataKey (in the same write as the
// PersonalDataErased event), after which nothing can unwrap that stream's data again.
class KeyRing {
 public:
  // `db` and `cf` (the data_keys column family) must outlive the ring.
  KeyRing(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, KeysDir keys);

  enum class State { none, erased, present };
  struct Lookup {
    State state = State::none;
    SecretKey key;  // when present
  };

  // The stream's key, from the cache or the store. unavailable if it cannot be read or
  // unwrapped (a missing master key).
  Result<Lookup> find(std::string_view stream) const;

  // The stream's key, creating and storing it first if there is none. The new key is written
  // to the WAL unsynced: the sync that makes the stream's first sealed event durable makes
  // the key durable too (one WAL, written in order). conflict (rule personal-data-erased) if
  // the stream's personal data was erased.
  Result<SecretKey> get_or_create(std::string_view stream);

  // Drops a stream from the cache (after its erasure is durable).
  void forget(std::string_view stream);

  // Pushes erased key material out of RocksDB's files: flushes the memtables (so the WAL
  // files that still hold the wrapped key become obsolete and are deleted) and compacts the
  // data_keys column family (so no table file keeps an older value). Slow; run off the
  // request path. `all` are every column family of the store.
  Status purge_erased_keys(const std::vector<rocksdb::ColumnFamilyHandle*>& all);

  // Whether the keys directory can unwrap this store's data keys (tries the first one): a
  // wrong or fresh --keys-dir beside a store with personal data is refused at start.
  Status check_master_keys() const;

  // Rewraps every data key with the master `to` in one synced write (key rotation).
  // Returns the number of keys rewrapped.
  Result<std::size_t> rewrap_all(const std::string& to);

  const KeysDir& keys() const { return keys_; }

 private:
  Result<Lookup> unwrap(std::string_view stream, std::string_view stored) const;
  std::string wrap(std::string_view stream, const SecretKey& key, const std::string& master) const;

  rocksdb::DB& db_;
  rocksdb::ColumnFamilyHandle* cf_;
  KeysDir keys_;
  std::mutex create_mu_;  // one creator at a time, so a stream never gets two keys
  mutable std::shared_mutex cache_mu_;
  mutable std::unordered_map<std::string, SecretKey> cache_;  // bounded: cleared when full
};

}  // namespace perspectief::privacy
