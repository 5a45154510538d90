#include "services/privacy.hpp"

#include <iostream>

#include "domain/events.hpp"

namespace perspectief {

Privacy::Privacy(RocksEventStore& store, const privacy::KeysDir& keys)
    : ring_(store.data_key_table(), keys),
      sealer_(ring_),
      pseudonymiser_(keys.research),
      access_log_(store.access_log_table()),
      purger_([this] {
        if (auto purged = ring_.purge_erased_keys(); !purged) {
          std::cerr << "perspectief-server: erased keys not purged yet: " << purged.error().internal
                    << "\n";
        }
      }) {}

// The follower's purger is never asked to run: erasures are the writer's.
Privacy::Privacy(FollowerStore& store, const privacy::KeysDir& keys)
    : overlay_(std::make_unique<ErasureOverlay>(store.data_key_table())),
      ring_(*overlay_, keys),
      sealer_(ring_),
      pseudonymiser_(keys.research),
      access_log_(store.access_log_table()),
      purger_([] {}),
      followed_(&store) {
  erasures_subscription_ =
      store.subscribe([this, &store, seen = store.last_position()](std::uint64_t last) mutable {
        // Runs on the follower's catch-up thread, one catch-up at a time.
        while (seen < last) {
          auto page = store.read_all(seen, 4096);
          if (!page || page->empty()) break;  // read again at the next catch-up
          for (const Envelope& e : *page) {
            if (e.type != PersonalDataErased::kType) continue;
            overlay_->erased(e.stream);
            ring_.forget(e.stream);
          }
          seen = page->back().position;
        }
      });
}

Privacy::~Privacy() {
  if (followed_ != nullptr) followed_->unsubscribe(erasures_subscription_);
}

api::PersonalData Privacy::for_api() {
  return api::PersonalData{sealer_, pseudonymiser_, access_log_, [this] { request_purge(); }};
}

}  // namespace perspectief
