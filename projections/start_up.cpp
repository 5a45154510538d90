#include "projections/start_up.hpp"

#include "domain/upcasters.hpp"
#include "projections/snapshot_store.hpp"

namespace perspectief {

void upcast_envelope(Envelope& e) {
  e.schema_version = upcast(e.type, e.schema_version, e.data);
}

Result<std::uint64_t> start_models(EventStore& store, const ProgrammeState& defaults,
                                   WritePolicy& policy, CaseFiles& case_files, History& history,
                                   Projector& projector) {
  std::optional<ProgrammeModel> write_model;
  const std::uint64_t from = load_snapshot(store, defaults, case_files, history, &write_model);
  projector.add(case_files);
  projector.add(history);
  if (auto started = projector.start(from); !started) return started.take_error();
  if (write_model) {
    // Decoded from the snapshot beside the read side: fold the same tail into it.
    policy.restore(std::move(*write_model));
    if (auto loaded = policy.load(store); !loaded) return loaded.take_error();
  } else {
    policy.restore(case_files.with_model([](const ProgrammeModel& model) { return model; }));
  }
  return from;
}

}  // namespace perspectief
