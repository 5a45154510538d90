#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>

#include "api/http_types.hpp"
#include "api/router.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/key_ring.hpp"
#include "projections/case_files.hpp"

namespace perspectief::api {

// DELETE /v1/cases/{caseId}/personal-data: appends PersonalDataErased with the stream's data
// key shredded in the same write (not through the append pipeline: no client sends that
// type), then drops the key from the ring and asks for the erased key material to be purged.
class ErasureHandler {
 public:
  ErasureHandler(EventStore& store, const CaseFiles& case_files, privacy::KeyRing& ring,
                 std::function<void()> purge_soon)
      : store_(store), case_files_(case_files), ring_(ring), purge_soon_(std::move(purge_soon)) {}

  boost::asio::awaitable<Response> erase(const RouteMatch& m, const Actor& actor);

 private:
  EventStore& store_;
  const CaseFiles& case_files_;
  privacy::KeyRing& ring_;
  std::function<void()> purge_soon_;
};

}  // namespace perspectief::api
