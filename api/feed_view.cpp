#include "api/feed_view.hpp"

#include <string>
#include <string_view>
#include <unordered_set>

namespace perspectief::api {
namespace {

constexpr std::string_view kCasePrefix = "case-";

// The case ids of the case streams among `events`, each once.
std::vector<std::string> cases_among(const std::vector<Envelope>& events) {
  std::vector<std::string> ids;
  std::unordered_set<std::string_view> seen;  // a page holds up to 1,000 events
  for (const auto& e : events) {
    if (e.stream.starts_with(kCasePrefix) && seen.insert(e.stream).second) {
      ids.push_back(e.stream.substr(kCasePrefix.size()));
    }
  }
  return ids;
}

}  // namespace

FeedView feed_view(Role role) {
  switch (role) {
    case Role::researcher:
      return FeedView::pseudonymised;
    case Role::participation:
    case Role::ops:
      return FeedView::without_personal;
    default:
      return FeedView::personal;
  }
}

Result<boost::json::array> feed_json(std::vector<Envelope>& events, const Actor& reader,
                                     std::string_view what,
                                     const privacy::Pseudonymiser& pseudonymiser,
                                     PersonalReads& reads) {
  boost::json::array out;
  switch (feed_view(reader.role)) {
    case FeedView::pseudonymised:
      out.reserve(events.size());
      for (const auto& e : events) out.push_back(pseudonymiser.envelope_json(e));
      return out;
    case FeedView::without_personal:
      out.reserve(events.size());
      for (const auto& e : events) out.push_back(to_json(e));
      return out;
    case FeedView::personal:
      break;
  }
  auto opened = reads.opened_json(events);
  if (!opened) return opened.take_error();
  if (auto recorded = reads.record(reader, cases_among(events), what); !recorded) {
    return recorded.take_error();
  }
  return std::move(*opened);
}

}  // namespace perspectief::api
