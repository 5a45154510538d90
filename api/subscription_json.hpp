#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string_view>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "projections/subscription.hpp"

namespace perspectief::api {

// POST /v1/subscriptions as parsed: the subscription's spec without its owner and secret,
// and where it starts (spec/integrations.md).
struct SubscriptionRequest {
  SubscriptionSpec spec;
  enum class Start { beginning, end, position } start = Start::beginning;
  std::uint64_t position = 0;  // Start::position
};

// The body of POST /v1/subscriptions: subscriptionId (the id rules of cases), filter
// (categories, types; optional), startAt ("beginning", "end" or a position), delivery
// ({"kind":"pull"} or {"kind":"webhook","url":...,"maxBatch":1..1000}). invalid with one
// field error per fault (never echoing values); unknown members are refused.
Result<SubscriptionRequest> parse_subscription_request(std::string_view body);

// The subscription as GET /v1/subscriptions/{id} shows it (no secret); `lag` is the number of
// visible events after its checkpoint.
boost::json::object subscription_json(const Subscription& s, std::uint64_t lag);

// A parked batch as GET /v1/subscriptions/{id}/parked lists it.
boost::json::object parked_json(const ParkedBatch& b);

// The body of POST /v1/subscriptions/{id}/ack: {"position": p}.
Result<std::uint64_t> parse_ack(std::string_view body);

}  // namespace perspectief::api
