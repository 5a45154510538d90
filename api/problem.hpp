#pragma once

#include <boost/json/object.hpp>

#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "domain/result.hpp"

namespace perspectief::api {

// The one place where errors become HTTP (RFC 9457 problem JSON).
unsigned http_status(ErrorCode code);

// At most this many entries of `fields` are listed in a problem's `errors`; the number left
// out is given as `moreErrors`.
inline constexpr std::size_t kMaxProblemErrors = 20;

// A problem response. `detail` and `fields` are shown to the client: they name rules and
// fields, never personal data.
Response problem(unsigned status, std::string_view detail,
                 const std::vector<FieldError>& fields = {}, std::string_view rule = {});

// The problem for `error`. A corrupt store, and an unavailable one with an internal cause
// (a RocksDB error), are also written to the operator's log (log_internal_error).
Response problem(const Error& error);

// One JSON line on stderr (the server's log) for an internal error: its code, the client's
// message and the internal one (positions, library messages), never a request's or record's
// contents. `where` names the source (a route template, "projector").
void log_internal_error(std::string_view where, const Error& error);
// The same with the code given as text ("internal" for an exception).
void log_internal_error(std::string_view where, std::string_view code, std::string_view message,
                        std::string_view internal);

// A JSON response with the given status.
Response json_response(unsigned status, const boost::json::value& body);
// The same for a body already serialised.
Response json_response(unsigned status, std::string body);

}  // namespace perspectief::api
