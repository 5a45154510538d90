#pragma once

#include "api/http_types.hpp"
#include "eventstore/access_log.hpp"
#include "eventstore/event_store.hpp"

namespace perspectief::api {

// GET /v1/access-log?caseId=&after=&limit=: who read a case's personal data, oldest first.
// The case's events' positions come from `store` (the webhook batches that showed them).
Response read_access_log(const Request& req, const privacy::AccessLog& access_log,
                         const EventStore& store);

}  // namespace perspectief::api
