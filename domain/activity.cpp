#include "domain/activity.hpp"

#include <variant>

#include "domain/untyped_event.hpp"

namespace perspectief {
namespace {

// After ActivityScheduled, an activity is held once or cancelled, and then nothing more.
Status rule(const ActivityState& s, const ActivityScheduled& /*e*/) {
  if (s.scheduled) return refuse("activity-scheduled-first", "the activity is already scheduled");
  return Ok{};
}
Status rule_after_scheduled(const ActivityState& s) {
  if (!s.scheduled) {
    return refuse("activity-scheduled-first",
                  "the first event of an activity is ActivityScheduled");
  }
  if (s.cancelled) return refuse("activity-cancelled", "the activity was cancelled");
  if (s.held) return refuse("activity-held-once", "the activity was already held");
  return Ok{};
}
Status rule(const ActivityState& s, const ActivityHeld& /*e*/) {
  return rule_after_scheduled(s);
}
Status rule(const ActivityState& s, const ActivityCancelled& /*e*/) {
  return rule_after_scheduled(s);
}

void apply(ActivityState& s, const ActivityScheduled& e) {
  s.scheduled = true;
  s.category = e.category;
  s.organisation = e.organisation;
  s.co_designed = e.co_designed;
}
void apply(ActivityState& s, const ActivityHeld& /*e*/) {
  s.held = true;
}
void apply(ActivityState& s, const ActivityCancelled& /*e*/) {
  s.cancelled = true;
}

}  // namespace

Status decide(const ActivityState& state, const ActivityEvent& event, Micros occurred_at,
              Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, occurred_at, now); !t) return t;
  return std::visit([&](const auto& e) { return rule(state, e); }, event);
}

void evolve_in_place(ActivityState& state, const ActivityEvent& event, Micros occurred_at) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  count_event(state, occurred_at);
}

Result<std::vector<DomainEvent>> decide(const ActivityState& state, const DomainEvent& event,
                                        Micros now) {
  return decide_untyped<ActivityEvent>(state, event, now);
}

ActivityState evolve(ActivityState state, const EventRef& event) {
  evolve_untyped<ActivityEvent>(state, event);
  return state;
}

}  // namespace perspectief
