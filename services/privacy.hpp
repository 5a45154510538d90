#pragma once

#include <memory>

#include "api/api.hpp"
#include "domain/result.hpp"
#include "eventstore/access_log.hpp"
#include "eventstore/erasure_overlay.hpp"
#include "eventstore/erasure_purger.hpp"
#include "eventstore/follower_store.hpp"
#include "eventstore/key_ring.hpp"
#include "eventstore/keys_dir.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sealer.hpp"

namespace perspectief {

// The server's personal-data parts over one store: the key ring (per-case data keys wrapped
// with the master key), the sealer, the research pseudonyms, the access log, and the purger
// that pushes erased key material out of the store's files off the request path.
class Privacy {
 public:
  // Over a writer's store; `store` must outlive this object; stop() before it closes.
  Privacy(RocksEventStore& store, const privacy::KeysDir& keys);
  // Over a read follower's: the writer's data keys (read-only), the follower's access log.
  // An erasure the writer made takes the stream's key (ErasureOverlay, and the ring's cache)
  // at the catch-up that brings its PersonalDataErased, before that catch-up's events are
  // readable (FollowerStore::before_publish). `store` must outlive this object.
  Privacy(FollowerStore& store, const privacy::KeysDir& keys);
  ~Privacy();
  Privacy(const Privacy&) = delete;
  Privacy& operator=(const Privacy&) = delete;

  // Whether the keys directory's master keys open this store's data keys.
  Status check_master_keys() const { return ring_.check_master_keys(); }
  privacy::Sealer& sealer() { return sealer_; }
  privacy::AccessLog& access_log() { return access_log_; }
  const privacy::Pseudonymiser& pseudonymiser() const { return pseudonymiser_; }
  // What the API needs of personal data; its purge hook requests a purge.
  api::PersonalData for_api();
  void request_purge() { purger_.request(); }
  // Finishes a requested purge and stops the purger's thread.
  void stop() { purger_.stop(); }

 private:
  // The follower's view of the writer's data keys (null on a writer): before ring_, which
  // reads through it.
  std::unique_ptr<ErasureOverlay> overlay_;
  privacy::KeyRing ring_;
  privacy::Sealer sealer_;
  const privacy::Pseudonymiser pseudonymiser_;
  privacy::AccessLog access_log_;
  privacy::ErasurePurger purger_;
  FollowerStore* followed_ = nullptr;  // a follower's store (its before_publish calls us)
};

}  // namespace perspectief
