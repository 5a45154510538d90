#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>

#include "api/auth.hpp"
#include "api/commit_signal.hpp"
#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "api/read_model_routes.hpp"
#include "api/router.hpp"
#include "eventstore/access_log.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "eventstore/sealer.hpp"
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

// The REST handlers: parse, authorise, call the store (or, later, a read model), map the
// result. Holds no state of its own beyond references.
class Api {
 public:
  Api(EventStore& store, const TokenRegistry& tokens, CommitSignal& signal, const Clock& clock,
      const CaseFiles& case_files, const History& history, Metrics& metrics,
      const Projector& projector, PersonalData personal);

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
  boost::asio::awaitable<Response> append(const Request& req, const RouteMatch& m,
                                          const Actor& actor);
  Response read_stream(const RouteMatch& m, const Actor& actor);
  boost::asio::awaitable<Response> read_feed(const Request& req, const Actor& actor);
  Response feed_page(const Actor& actor, std::vector<Envelope>& events, std::uint64_t next);
  Response read_case(const RouteMatch& m, const Actor& actor);
  Response list_cases(const Request& req, const Actor& actor);
  boost::asio::awaitable<Response> erase(const RouteMatch& m, const Actor& actor);
  Response read_access_log(const Request& req, const Actor& actor);
  // The person of a case from its CaseRegistered event; null once erased or absent.
  Result<boost::json::value> person_of(const std::string& case_id, const CaseFileView& view);
  // The envelopes as JSON with their personal fields opened (for roles that may see them).
  Result<boost::json::array> opened_json(std::vector<Envelope>& events);
  // The events of an append's reply: opened from the store for a resend, else the stored
  // envelopes with the personal fields `sent` (sealed plaintext per event) put back.
  Result<boost::json::array> reply_events(AppendResult& result,
                                          const std::vector<std::string>& sent);
  // Which case ids the actor may see in a read model's lists (a housing organisation's
  // scope, as for case files); empty (every case) for the other roles.
  CaseVisibility case_visibility(const Actor& actor) const;
  // Records a read of personal data of each case among `case_ids`.
  Status record_access(const Actor& actor, const std::vector<std::string>& case_ids,
                       std::string_view what);

  EventStore& store_;
  const TokenRegistry& tokens_;
  CommitSignal& signal_;
  const Clock& clock_;
  const CaseFiles& case_files_;
  const History& history_;
  Metrics& metrics_;
  const Projector& projector_;
  PersonalData personal_;
  std::atomic<bool> ready_{false};
  NowCache now_cache_;
  std::string dashboard_dir_;
};

}  // namespace perspectief::api
