#include "api/case_file_handler.hpp"

#include "api/authorization.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"
#include "api/reply.hpp"

namespace perspectief::api {

Response CaseFileHandler::read(const RouteMatch& m, const Actor& actor) {
  if (!is_valid_id(m.id)) return bad_path_id();
  const auto view = case_files_.get(m.id);
  if (!view) return problem(404, "no such case");
  const CaseAccess access = case_access(actor, *view);
  if (access == CaseAccess::none) {
    return problem(403, "this case is neither waiting for a bed nor housed in a location of yours");
  }
  boost::json::value person = nullptr;
  if (access == CaseAccess::with_pii) {
    auto found = person_of(m.id, *view);
    if (!found) return problem(found.error());
    if (auto recorded = reads_.record(actor, {m.id}, "case-file"); !recorded) {
      return problem(recorded.error());
    }
    person = std::move(*found);
  }
  Response res = json_response(200, case_file_json(*view, std::move(person)));
  set_etag(res, view->state.version);
  return res;
}

Result<boost::json::value> CaseFileHandler::person_of(const std::string& case_id,
                                                      const CaseFileView& view) {
  if (view.state.erased) return boost::json::value(nullptr);
  auto first =
      store_.read_stream(stream_name(StreamKind::case_file, case_id), 1, 1, Direction::forwards);
  if (!first) return first.take_error();
  if (first->empty()) return boost::json::value(nullptr);
  Envelope& registered = first->front();
  auto opened = reads_.sealer().open(registered);
  if (!opened) return opened.take_error();
  const auto* person = registered.data.if_contains("person");
  return person != nullptr ? *person : boost::json::value(nullptr);
}

Response CaseFileHandler::list(const Request& req, const Actor& actor) const {
  auto filter = parse_case_filter(req.target());
  if (!filter) return problem(filter.error());
  filter->visible = [&actor](const CaseFileView& v) {
    return case_access(actor, v) != CaseAccess::none;
  };
  const CasePage page = case_files_.list(*filter);
  boost::json::array cases;
  cases.reserve(page.cases.size());
  for (const auto& v : page.cases) cases.push_back(case_summary_json(v));
  return json_response(200, {{"cases", std::move(cases)}, {"next", next_cursor(page.next)}});
}

}  // namespace perspectief::api
