#include "services/models.hpp"

#include "projections/snapshot_store.hpp"
#include "projections/start_up.hpp"

namespace perspectief {

Models::Models(EventStore& store, const ProgrammeState& defaults)
    : store_(store),
      defaults_(defaults),
      case_files_(defaults),
      history_(defaults.places, defaults.lvv_places, defaults.max_stay_months),
      projector_(store) {}

Result<std::uint64_t> Models::start(WritePolicy& policy) {
  return start_models(store_, defaults_, policy, {case_files_, history_, &feed_index_}, projector_);
}

Result<std::uint64_t> Models::save_snapshot() {
  return perspectief::save_snapshot(store_, projector_, {case_files_, history_, &feed_index_},
                                    defaults_);
}

}  // namespace perspectief
