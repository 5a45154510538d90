#include "services/privacy.hpp"

#include <iostream>

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

api::PersonalData Privacy::for_api() {
  return api::PersonalData{sealer_, pseudonymiser_, access_log_, [this] { request_purge(); }};
}

}  // namespace perspectief
