#pragma once

#include "api/http_types.hpp"
#include "eventstore/access_log.hpp"

namespace perspectief::api {

// GET /v1/access-log?caseId=&after=&limit=: who read a case's personal data, oldest first.
Response read_access_log(const Request& req, const privacy::AccessLog& access_log);

}  // namespace perspectief::api
