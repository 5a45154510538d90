#include "domain/activity.hpp"

namespace perspectief {

Result<std::vector<DomainEvent>> decide(const ActivityState& state, const DomainEvent& event,
                                        Micros now) {
  if (auto t = check_occurred_at(state.last_occurred, event.occurred_at, now); !t)
    return t.take_error();
  if (event.type == "ActivityScheduled") {
    if (state.scheduled)
      return refuse("activity-scheduled-first", "the activity is already scheduled");
  } else if (!state.scheduled) {
    return refuse("activity-scheduled-first",
                  "the first event of an activity is ActivityScheduled");
  } else if (state.cancelled) {
    return refuse("activity-cancelled", "the activity was cancelled");
  } else if (state.held) {
    return refuse("activity-held-once", "the activity was already held");
  }
  return std::vector<DomainEvent>{event};
}

ActivityState evolve(ActivityState state, const EventRef& event) {
  if (event.type == "ActivityScheduled") {
    state.scheduled = true;
    state.category = text_of(event.data, "category");
    state.organisation = text_of(event.data, "organisation");
    state.co_designed = bool_of(event.data, "coDesigned");
  } else if (event.type == "ActivityHeld") {
    state.held = true;
  } else if (event.type == "ActivityCancelled") {
    state.cancelled = true;
  }
  state.last_occurred = std::max(state.last_occurred, event.occurred_at);
  ++state.version;
  return state;
}

}  // namespace perspectief
