#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/mutex.hpp"
#include "domain/result.hpp"
#include "domain/thread_annotations.hpp"
#include "eventstore/keys_dir.hpp"
#include "eventstore/side_table.hpp"

namespace perspectief::privacy {

// The per-stream data keys (one per case, and one per location or activity stream that holds
// free text), kept in a SideTable (the store's `data_keys` column family, or memory in unit
// tests) wrapped with a master key:
// value = master id (8 bytes) || AES-256-GCM(master, aad = stream, data key). Erasure
// replaces a stream's value by keys::kErasedDataKey (in the same write as the
// PersonalDataErased event), after which nothing can unwrap that stream's data again.
class KeyRing {
 public:
  // `table` (RocksEventStore::data_key_table()) must outlive the ring.
  KeyRing(SideTable& table, KeysDir keys);

  enum class State { none, erased, present };
  struct Lookup {
    State state = State::none;
    SecretKey key;  // when present
  };

  // The stream's key, from the cache or the store. unavailable if it cannot be read or
  // unwrapped (a missing master key). Atomic with forget(): a key read from the store
  // before an erasure is neither cached nor returned once forget() ran (the lookup is
  // repeated and finds the erasure marker).
  Result<Lookup> find(std::string_view stream) const;

  // A key to seal with. `wrapped` is set while the key is new (not yet stored): the append
  // that uses it must carry it (AppendRequest::new_data_key), and the store writes it in
  // the same atomic write as the events, so key and events are durable together. Every
  // pending key handed out must be given back with release().
  struct DataKey {
    SecretKey key;
    std::string wrapped;  // empty once the key is in the store
  };

  // The stream's key, creating a pending one if there is none. conflict (rule
  // personal-data-erased) if the stream's personal data was erased.
  Result<DataKey> get_or_create(std::string_view stream);

  // The append that carried a pending key is answered: `appended` (then the key is in the
  // store, or the stream was erased meanwhile and the key is void) or refused. A pending key
  // nobody uses any more is dropped: no event was stored with it. `key_stored`: the append's
  // own write stored the key (AppendResult::data_key_stored), so no erasure marker preceded
  // it; then the key goes into the cache, unless a forget() ran since it was made (an
  // erasure after the append), and the reply's find() needs no store read and no unwrap.
  void release(std::string_view stream, bool appended, bool key_stored = false);

  // Drops a stream from the cache (after its erasure is durable); a find() under way that
  // read the key before the erasure does not put it back.
  void forget(std::string_view stream);

  // How many forget()s have run. Without a lock: a reader that keeps what it opened can ask
  // find() again only when this has moved since it opened it.
  std::uint64_t forgotten() const { return forgotten_.load(std::memory_order_acquire); }

  // Test seam: runs inside find() between its store read and its cache insert, so a test
  // can run forget() exactly there. Set before the ring is shared; never outside tests.
  void pause_after_store_read_for_testing(std::function<void(std::string_view)> hook) {
    after_store_read_ = std::move(hook);
  }

  // Pushes erased key material out of the store's files (SideTable::purge_replaced: on
  // RocksDB, flushes the memtables so the WAL files that still hold the wrapped key are
  // deleted, and compacts the data keys so no table file keeps an older value). Slow; run
  // off the request path (ErasurePurger).
  Status purge_erased_keys();

  // Whether the keys directory can unwrap this store's data keys (tries the first one): a
  // wrong or fresh --keys-dir beside a store with personal data is refused at start.
  Status check_master_keys() const;

  // Rewraps every data key with the master `to` in one synced write (key rotation).
  // Returns the number of keys rewrapped.
  Result<std::size_t> rewrap_all(const std::string& to);

  const KeysDir& keys() const { return keys_; }

 private:
  Result<Lookup> unwrap(std::string_view stream, std::string_view stored) const;
  // The stream's cached key, if any; `generation` is set to generation_ at the lookup.
  std::optional<SecretKey> cached(std::string_view stream, std::uint64_t& generation) const;
  // Into the bounded cache (cleared when full); a key already there stays.
  void remember(std::string stream, SecretKey key) const REQUIRES(cache_mu_);
  std::string wrap(std::string_view stream, const SecretKey& key, const std::string& master) const;

  SideTable& table_;
  KeysDir keys_;
  struct Pending {
    SecretKey key;
    std::string wrapped;
    int users = 0;
    std::uint64_t generation = 0;  // generation_ before the store read that found no key
  };
  // One creator per stream at a time, so a stream never gets two keys: held across the store
  // read and the new key, by stream (a stripe of kCreateStripes), so new cases on other
  // connections do not wait for each other's store reads. Taken before pending_mu_ and
  // cache_mu_ (find() takes it under the stripe). A stream enters pending_ only under its
  // stripe: the annotations cannot say so (the stripe depends on the stream), the code does
  // (get_or_create).
  Mutex& creator_of(std::string_view stream);
  static constexpr std::size_t kCreateStripes = 64;
  std::array<Mutex, kCreateStripes> create_mu_;
  Mutex pending_mu_;
  std::unordered_map<std::string, Pending> pending_ GUARDED_BY(pending_mu_);  // never evicted
  mutable SharedMutex cache_mu_;
  // Bounded: cleared when full.
  mutable std::unordered_map<std::string, SecretKey> cache_ GUARDED_BY(cache_mu_);
  // Under cache_mu_: bumped by forget() and rewrap_all(). A find() caches (and returns) what
  // it read from the store only if no forget() ran since before that read.
  mutable std::uint64_t generation_ GUARDED_BY(cache_mu_) = 0;
  std::atomic<std::uint64_t> forgotten_{0};
  std::function<void(std::string_view)> after_store_read_;
};

}  // namespace perspectief::privacy
