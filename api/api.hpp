#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>

#include "api/auth.hpp"
#include "api/authorization.hpp"
#include "api/case_file_handler.hpp"
#include "api/commit_signal.hpp"
#include "api/erasure_handler.hpp"
#include "api/feed_handler.hpp"
#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/metrics_handler.hpp"
#include "api/personal_reads.hpp"
#include "api/read_model_routes.hpp"
#include "api/router.hpp"
#include "api/stream_handler.hpp"
#include "api/subscription_handler.hpp"
#include "eventstore/access_log.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "eventstore/sealer.hpp"
#include "projections/append_pipeline.hpp"
#include "projections/case_files.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"

namespace perspectief::api {

// Personal data: sealing before appends, opening for the roles that see it, the researcher's
// pseudonyms, the access log, and a hook that purges erased key material off the request path.
struct PersonalData {
  privacy::Sealer& sealer;
  const privacy::Pseudonymiser& pseudonymiser;
  privacy::AccessLog& access_log;
  std::function<void()> purge_soon;
};

// What the API answers from: the store, the tokens, the read side and the personal data.
struct ApiDependencies {
  EventStore& store;
  const TokenRegistry& tokens;
  CommitSignal& signal;
  const Clock& clock;
  const CaseFiles& case_files;
  const History& history;
  const FeedIndex& feed_index;
  Metrics& metrics;
  const Projector& projector;
  PersonalData personal;
  SubscriptionDependencies subscriptions;
};

// The REST API: matches the route, authenticates the token, applies the role's grant
// (api/authorization.hpp) and hands the request to the route's handler. Holds no state of
// its own beyond the handlers, the readiness flag and the occupancy cache.
class Api {
 public:
  explicit Api(ApiDependencies deps);
  Api(EventStore& store, const TokenRegistry& tokens, CommitSignal& signal, const Clock& clock,
      const CaseFiles& case_files, const History& history, const FeedIndex& feed_index,
      Metrics& metrics, const Projector& projector, PersonalData personal,
      SubscriptionDependencies subscriptions)
      : Api(ApiDependencies{store, tokens, signal, clock, case_files, history, feed_index, metrics,
                            projector, std::move(personal), subscriptions}) {}

  // Answers one request; never throws. `route_template` is set to the matched template (or
  // "unmatched") for logs and metrics.
  // `role` is set to the caller's role once the token is known ("-" before).
  boost::asio::awaitable<Response> handle(const Request& request, std::string_view& route_template,
                                          std::string_view& role);

  // Whether handle() refuses a request on its headers alone, without looking at its body: no
  // such path (404), a method the path does not take (405), or a route that needs a token
  // and a missing or unknown one (401). The server then answers with handle() before reading
  // the body, so a client without a token cannot make the server buffer one.
  bool refused_on_headers(boost::beast::http::verb method, std::string_view target,
                          std::string_view authorization) const;

  void set_ready(bool ready) { ready_.store(ready); }
  // Serve the dashboard's files from this directory when present there (development).
  void set_dashboard_dir(std::string dir) { dashboard_dir_ = std::move(dir); }

 private:
  // The routes that need no token: health, readiness, the contract, the dashboard.
  Response open_route(const RouteMatch& m) const;
  // The handler of a route, for an authenticated actor the grant lets through.
  boost::asio::awaitable<Response> route(const Request& req, const RouteMatch& m,
                                         const Actor& actor);
  Response read_model_route(const Request& req, RouteId id, const Actor& actor);

  ApiDependencies deps_;
  AppendAuthorization append_authorization_;
  AppendPipeline pipeline_;
  PersonalReads reads_;
  StreamHandler streams_;
  FeedHandler feed_;
  SubscriptionHandler subscriptions_;
  CaseFileHandler case_file_handler_;
  ErasureHandler erasure_;
  MetricsHandler metrics_handler_;
  std::atomic<bool> ready_{false};
  ReadModelCaches read_model_caches_;
  std::string dashboard_dir_;
};

}  // namespace perspectief::api
