#pragma once

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

#include "domain/role.hpp"
#include "tests/support/fake_event_store.hpp"

namespace perspectief::testing {

// Appends one event to `store` as regie, with an eventId made from its position, and returns
// it as stored (an empty envelope, with a test failure, if the store refuses it).
inline Envelope append_event(FakeEventStore& store, const std::string& stream,
                             const std::string& type, const std::string& data, Micros occurred_at) {
  AppendRequest request;
  request.stream = stream;
  request.actor = Actor{"anna", "regiegroep", Role::regie};
  NewEvent e;
  e.event_id = "00000000-0000-4000-8000-" + std::to_string(100000000001 + store.last_position());
  e.type = type;
  e.occurred_at = occurred_at;
  e.data = boost::json::parse(data).as_object();
  request.events.push_back(std::move(e));
  Envelope stored;
  store.append(std::move(request), [&stored](Result<AppendResult> r) {
    if (r.ok() && !r->events.empty()) stored = r->events.front();
  });
  EXPECT_EQ(stored.type, type) << "the store refused " << type;
  return stored;
}

}  // namespace perspectief::testing
