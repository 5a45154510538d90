#include "projections/write_policy.hpp"

namespace perspectief {

Status WritePolicy::load(const EventStore& store) {
  std::uint64_t after = model_.position();
  for (;;) {
    auto page = store.read_all(after, 10'000);
    if (!page) return page.take_error();
    if (page->empty()) return Ok{};
    for (const auto& e : *page) model_.apply(e);
    after = page->back().position;
  }
}

Status WritePolicy::admit(const AppendRequest& request, const std::vector<Envelope>& events) {
  std::vector<DomainEvent> domain_events;
  domain_events.reserve(events.size());
  for (const auto& e : events) domain_events.push_back(to_domain_event(e));
  return model_.admit(request.actor, request.stream, domain_events, clock_.now());
}

}  // namespace perspectief
