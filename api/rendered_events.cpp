#include "api/rendered_events.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <bit>

#include "projections/feed_scope.hpp"

namespace perspectief::api {
RenderedEvents::RenderedEvents(const EventStore& store, const privacy::Pseudonymiser& pseudonymiser,
                               privacy::Sealer& sealer, std::size_t capacity)
    : store_(store),
      pseudonymiser_(pseudonymiser),
      sealer_(sealer),
      mask_(std::bit_ceil(std::max<std::size_t>(capacity, 1)) - 1) {}

bool RenderedEvents::usable(Entry& e) const {
  if (!e.personal) return true;
  const std::uint64_t forgotten = sealer_.ring().forgotten();
  if (e.forgotten == forgotten) return true;
  const auto key = sealer_.ring().find(e.stream);
  if (!key || key->state != privacy::KeyRing::State::present) return false;
  e.forgotten = forgotten;  // still present after those erasures
  return true;
}

RenderedEvents::Entry& RenderedEvents::slot(FeedView view, std::uint64_t position) {
  auto& ring = rings_.at(static_cast<std::size_t>(view));
  if (ring.empty()) ring.resize(mask_ + 1);
  return ring[position & mask_];
}

Status RenderedEvents::render_into(FeedView view, const std::vector<std::uint64_t>& positions,
                                   const std::function<Entry&(std::uint64_t)>& out) {
  auto events = read_positions(store_, positions);
  if (!events) return events.take_error();
  for (auto& e : *events) {
    Entry& entry = out(e.position);
    entry.position = e.position;
    entry.stream = e.stream;
    entry.personal = false;
    entry.forgotten = sealer_.ring().forgotten();  // before opening
    switch (view) {
      case FeedView::pseudonymised:
        entry.json = boost::json::serialize(pseudonymiser_.envelope_json(e));
        break;
      case FeedView::without_personal:
        entry.json = boost::json::serialize(to_json(e));
        break;
      case FeedView::personal: {
        auto opened = sealer_.open(e);
        if (!opened) {
          entry.position = 0;
          return opened.take_error();
        }
        entry.personal = *opened == privacy::Sealer::Opened::opened;
        entry.json = boost::json::serialize(to_json(e));
        break;
      }
    }
  }
  return Ok{};
}

Result<RenderedEvents::Rendered> RenderedEvents::render(
    FeedView view, const std::vector<std::uint64_t>& positions) {
  spilled_.clear();
  std::vector<std::uint64_t> missing;
  for (const auto p : positions) {
    Entry& e = slot(view, p);
    if (e.position != p || !usable(e)) missing.push_back(p);
  }
  if (!missing.empty()) {
    const auto into_slot = [this, view](std::uint64_t p) -> Entry& { return slot(view, p); };
    if (auto filled = render_into(view, missing, into_slot); !filled) return filled.take_error();
  }
  // Two positions of one render in the same slot: the later took it; the others again, aside.
  std::vector<std::uint64_t> displaced;
  for (const auto p : positions) {
    if (slot(view, p).position != p) displaced.push_back(p);
  }
  if (!displaced.empty()) {
    const auto aside = [this](std::uint64_t) -> Entry& { return spilled_.emplace_back(); };
    if (auto filled = render_into(view, displaced, aside); !filled) return filled.take_error();
  }
  Rendered out;
  out.events.reserve(positions.size());
  for (const auto p : positions) {
    Entry* e = &slot(view, p);
    if (e->position != p) {
      const auto aside = std::find_if(spilled_.begin(), spilled_.end(),
                                      [p](const Entry& s) { return s.position == p; });
      if (aside == spilled_.end()) {
        return make_error(ErrorCode::unavailable, "an event could not be read");
      }
      e = &*aside;
    }
    out.events.push_back(&e->json);
    if (e->personal && e->stream.starts_with("case-")) out.positions_opened.push_back(p);
  }
  return out;
}

}  // namespace perspectief::api
