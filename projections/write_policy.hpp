#pragma once

#include "eventstore/append_policy.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "projections/programme_model.hpp"

namespace perspectief {

// The programme's rules inside the store's single writer: every append is decided against
// the state of all streams as admitted so far (committed or in the batch being written), so
// capacity holds under any concurrency (rule 12).
class WritePolicy final : public AppendPolicy {
 public:
  WritePolicy(ProgrammeState defaults, const Clock& clock) : model_(defaults), clock_(clock) {}

  // Folds the whole log into the model; call once before the store takes appends.
  [[nodiscard]] Status load(const EventStore& store);

  Status admit(const AppendRequest& request, const std::vector<Envelope>& events) override;

  // Starts from a snapshot's model (before load(), which then folds only what follows).
  void restore(ProgrammeModel model) { model_ = std::move(model); }

  // The model as admitted so far. The store's writer thread changes it: read it only while
  // no append is under way (tests, tools).
  const ProgrammeModel& model() const { return model_; }

 private:
  friend struct SnapshotAccess;
  ProgrammeModel model_;
  const Clock& clock_;
};

}  // namespace perspectief
