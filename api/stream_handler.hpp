#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/personal_reads.hpp"
#include "api/router.hpp"
#include "eventstore/event_store.hpp"
#include "projections/append_pipeline.hpp"
#include "projections/case_files.hpp"

namespace perspectief::api {

// The kind of stream an event route (append or read) names; nullopt for other routes.
std::optional<StreamKind> stream_kind_of(RouteId route);

// The stream an event route names (case, location, activity or the programme); nullopt for
// another route or an id that is not one.
std::optional<AppendTarget> stream_of(const RouteMatch& m);

// POST and GET on /v1/{cases,locations,activities}/{id}/events and /v1/programme/events.
// The dispatcher has checked the path's id and the role's grant; appends go through the
// append pipeline, which authorizes each event.
class StreamHandler {
 public:
  StreamHandler(EventStore& store, const CaseFiles& case_files, AppendPipeline& pipeline,
                PersonalReads& reads, Metrics& metrics)
      : store_(store),
        case_files_(case_files),
        pipeline_(pipeline),
        reads_(reads),
        metrics_(metrics) {}

  boost::asio::awaitable<Response> append(const Request& req, const RouteMatch& m,
                                          const Actor& actor);
  Response read(const RouteMatch& m, const Actor& actor);

 private:
  // The reply to an append that reached the store.
  Response appended(AppendOutcome& outcome, const Actor& actor, double seconds);
  // The events of an append's reply: opened from the store for a resend, else the stored
  // envelopes with the personal fields sent (sealed plaintext per event) put back.
  Result<boost::json::array> reply_events(AppendOutcome& outcome);
  // For a scoped grant: the refusal when the stream lies outside the reader's scope.
  std::optional<Response> out_of_scope(const AppendTarget& target, const Actor& actor) const;

  EventStore& store_;
  const CaseFiles& case_files_;
  AppendPipeline& pipeline_;
  PersonalReads& reads_;
  Metrics& metrics_;
};

}  // namespace perspectief::api
