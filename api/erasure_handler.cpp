#include "api/erasure_handler.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "api/async_append.hpp"
#include "api/problem.hpp"
#include "api/reply.hpp"
#include "domain/events.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::api {
namespace {

// A plain function, not coroutine locals (GCC 12 and Result locals in coroutine frames).
AppendRequest erasure_request(const std::string& case_id, const Actor& actor) {
  AppendRequest request{
      stream_name(StreamKind::case_file, case_id),
      ExpectedVersion::any(),
      {make_new_event(random_uuid(), std::string{PersonalDataErased::kType}, std::nullopt, {})},
      actor};
  request.shred_data_key = true;
  return request;
}

}  // namespace

boost::asio::awaitable<Response> ErasureHandler::erase(const RouteMatch& m, const Actor& actor) {
  if (!is_valid_id(m.id)) co_return bad_path_id();
  const auto view = case_files_.get(m.id);
  if (!view) co_return problem(404, "no such case");
  if (view->state.erased) {
    // Erasing twice changes nothing: the answer is the case as it is.
    co_return json_response(200, {{"caseId", m.id}, {"version", view->state.version}});
  }
  AppendRequest request = erasure_request(m.id, actor);
  const std::string stream = request.stream;
  auto result = co_await async_append(store_, std::move(request), boost::asio::use_awaitable);
  if (!result) co_return problem(result.error());
  ring_.forget(stream);
  if (purge_soon_) purge_soon_();
  co_return json_response(
      200, {{"caseId", m.id}, {"version", result->version}, {"position", result->position}});
}

}  // namespace perspectief::api
