#include "projections/start_up.hpp"

#include "domain/upcasters.hpp"
#include "projections/snapshot_store.hpp"

namespace perspectief {

void upcast_envelope(Envelope& e) {
  e.schema_version = upcast(e.type, e.schema_version, e.data);
}

Result<std::uint64_t> start_models(EventStore& store, const ProgrammeState& defaults,
                                   WritePolicy& policy, const SnapshotModels& models,
                                   Projector& projector) {
  std::optional<ProgrammeModel> write_model;
  const std::uint64_t from = load_snapshot(store, defaults, models, &write_model);
  CaseFiles& case_files = models.case_files;
  if (models.feed != nullptr) case_files.observe(models.feed);
  projector.add(case_files);
  projector.add(models.history);
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
