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
  // Before a catch-up's events are readable: the erasures among them take their streams'
  // keys, so no read opens what the writer erased, not even between the publishing and the
  // folding. A failed read leaves the catch-up unpublished (tried again at the next one).
  store.before_publish([this, &store](std::uint64_t after, std::uint64_t last) -> Status {
    while (after < last) {
      auto page = store.read_ahead(after, 4096, last);
      if (!page) return page.take_error();
      if (page->empty()) break;
      for (const Envelope& e : *page) {
        if (e.type != PersonalDataErased::kType) continue;
        overlay_->erased(e.stream);
        ring_.forget(e.stream);
      }
      after = page->back().position;
    }
    return Ok{};
  });
}

// The follower's catch-ups call into this object: they end first.
Privacy::~Privacy() {
  if (followed_ != nullptr) followed_->stop();
}

api::PersonalData Privacy::for_api() {
  return api::PersonalData{sealer_, pseudonymiser_, access_log_, [this] { request_purge(); }};
}

}  // namespace perspectief
