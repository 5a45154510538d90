#include "api/rendered_events.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

#include "projections/feed_scope.hpp"

namespace perspectief::api {
namespace {

constexpr std::string_view kCasePrefix = "case-";

}  // namespace

bool RenderedEvents::usable(const Entry& e) const {
  if (!e.personal) return true;
  const auto key = sealer_.ring().find(e.stream);
  return key && key->state == privacy::KeyRing::State::present;
}

Status RenderedEvents::fill(FeedView view, const std::vector<std::uint64_t>& missing) {
  auto events = read_positions(store_, missing);
  if (!events) return events.take_error();
  for (auto& e : *events) {
    Entry entry{{}, e.stream, false};
    switch (view) {
      case FeedView::pseudonymised:
        entry.json = boost::json::serialize(pseudonymiser_.envelope_json(e));
        break;
      case FeedView::without_personal:
        entry.json = boost::json::serialize(to_json(e));
        break;
      case FeedView::personal: {
        auto opened = sealer_.open(e);
        if (!opened) return opened.take_error();
        entry.personal = *opened == privacy::Sealer::Opened::opened;
        entry.json = boost::json::serialize(to_json(e));
        break;
      }
    }
    entries_.insert_or_assign(Key{e.position, view}, std::move(entry));
  }
  return Ok{};
}

Result<RenderedEvents::Rendered> RenderedEvents::render(
    FeedView view, const std::vector<std::uint64_t>& positions) {
  // Forget the oldest positions first: the loops deliver near the end of the log.
  while (entries_.size() > capacity_) entries_.erase(entries_.begin());
  std::vector<std::uint64_t> missing;
  for (const auto p : positions) {
    const auto it = entries_.find(Key{p, view});
    if (it == entries_.end() || !usable(it->second)) missing.push_back(p);
  }
  if (!missing.empty()) {
    if (auto filled = fill(view, missing); !filled) return filled.take_error();
  }
  Rendered out;
  out.events.reserve(positions.size());
  for (const auto p : positions) {
    const Entry& e = entries_.at(Key{p, view});
    out.events.push_back(&e.json);
    if (e.personal && e.stream.starts_with(kCasePrefix)) {
      std::string id = e.stream.substr(kCasePrefix.size());
      if (std::find(out.cases_opened.begin(), out.cases_opened.end(), id) ==
          out.cases_opened.end()) {
        out.cases_opened.push_back(std::move(id));
      }
    }
  }
  return out;
}

}  // namespace perspectief::api
