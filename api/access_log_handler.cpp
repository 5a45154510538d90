#include "api/access_log_handler.hpp"

#include "api/problem.hpp"
#include "api/query.hpp"
#include "api/reply.hpp"
#include "domain/stream_name.hpp"

namespace perspectief::api {

Response read_access_log(const Request& req, const privacy::AccessLog& access_log,
                         const EventStore& store) {
  const auto query = parse_access_log_query(req.target());
  if (!query) return problem(query.error());
  const auto events = store.read_stream(stream_name(StreamKind::case_file, query->case_id), 1,
                                        SIZE_MAX, Direction::forwards);
  if (!events) return problem(events.error());
  std::vector<std::uint64_t> positions;
  positions.reserve(events->size());
  for (const auto& e : *events) positions.push_back(e.position);
  auto page = access_log.list(query->case_id, positions, query->after, query->limit);
  if (!page) return problem(page.error());
  boost::json::array out;
  out.reserve(page->entries.size());
  for (const auto& e : page->entries) {
    out.push_back(boost::json::object{{"at", format_rfc3339(e.at)},
                                      {"subject", e.actor.subject},
                                      {"organisation", e.actor.organisation},
                                      {"role", to_string(e.actor.role)},
                                      {"what", e.what}});
  }
  return json_response(
      200,
      {{"caseId", query->case_id}, {"entries", std::move(out)}, {"next", next_cursor(page->next)}});
}

}  // namespace perspectief::api
