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
  const std::uint64_t from = load_snapshot(store, defaults, case_files, history);
  projector.add(case_files);
  projector.add(history);
  if (auto started = projector.start(from); !started) return started.take_error();
  policy.restore(case_files.with_model([](const ProgrammeModel& model) { return model; }));
  return from;
}

}  // namespace perspectief
