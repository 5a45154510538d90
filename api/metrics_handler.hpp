#pragma once

#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/subscription_handler.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "projections/case_files.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"

namespace perspectief::api {

// GET /metrics: the Prometheus text, from the counters and from memory (the store's and the
// projector's positions, the case files' figures, the history's participation counts).
class MetricsHandler {
 public:
  MetricsHandler(Metrics& metrics, const EventStore& store, const Projector& projector,
                 const CaseFiles& case_files, const History& history, const Clock& clock,
                 SubscriptionDependencies subscriptions)
      : metrics_(metrics),
        store_(store),
        projector_(projector),
        case_files_(case_files),
        history_(history),
        clock_(clock),
        subscriptions_(subscriptions) {}

  Response render() const;

 private:
  Metrics& metrics_;
  const EventStore& store_;
  const Projector& projector_;
  const CaseFiles& case_files_;
  const History& history_;
  const Clock& clock_;
  SubscriptionDependencies subscriptions_;
};

}  // namespace perspectief::api
