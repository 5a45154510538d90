#pragma once

#include "api/http_types.hpp"
#include "api/personal_reads.hpp"
#include "api/router.hpp"
#include "eventstore/event_store.hpp"
#include "projections/case_files.hpp"

namespace perspectief::api {

// GET /v1/cases/{caseId} and GET /v1/cases: the case files read model, with the person
// (from the case's CaseRegistered event) for the roles that may see it.
class CaseFileHandler {
 public:
  CaseFileHandler(const EventStore& store, const CaseFiles& case_files, PersonalReads& reads)
      : store_(store), case_files_(case_files), reads_(reads) {}

  Response read(const RouteMatch& m, const Actor& actor);
  Response list(const Request& req, const Actor& actor) const;

 private:
  // The person of a case from its CaseRegistered event; null once erased or absent.
  Result<boost::json::value> person_of(const std::string& case_id, const CaseFileView& view);

  const EventStore& store_;
  const CaseFiles& case_files_;
  PersonalReads& reads_;
};

}  // namespace perspectief::api
