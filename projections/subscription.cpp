#include "projections/subscription.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include <exception>

namespace perspectief {
namespace {

namespace json = boost::json;

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string{v->as_string()} : std::string{};
}

template <class T>
T number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? json::value_to<T>(*v) : T{};
}

json::object batch_json(const InFlightBatch& b) {
  return {{"webhookId", b.webhook_id},
          {"from", b.from},
          {"to", b.to},
          {"attempts", b.attempts},
          {"firstAttempt", b.first_attempt},
          {"nextAttempt", b.next_attempt}};
}

InFlightBatch batch_of(const json::object& o) {
  return {text(o, "webhookId"),
          number<std::uint64_t>(o, "from"),
          number<std::uint64_t>(o, "to"),
          number<int>(o, "attempts"),
          number<Micros>(o, "firstAttempt"),
          number<Micros>(o, "nextAttempt")};
}

// The log id of a subscription stored before log ids were: derived from its organisation and
// id (FNV-1a), so it stays the same across restarts.
std::uint64_t fallback_log_id(const SubscriptionSpec& p) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const std::string_view part :
       {std::string_view{p.organisation}, std::string_view{"\0", 1}, std::string_view{p.id}}) {
    for (const char c : part) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  }
  return h;
}

}  // namespace

FeedScope scope_of(const FeedIndex& index, const Subscription& s) {
  return FeedScope{index, s.spec.role, s.spec.organisation, s.spec.filter};
}

Actor reader_of(const Subscription& s) {
  return Actor{s.spec.subject, s.spec.organisation, s.spec.role};
}

bool SubscriptionSpec::same_request(const SubscriptionSpec& o) const {
  return id == o.id && organisation == o.organisation && role == o.role && filter == o.filter &&
         start_at == o.start_at && delivery == o.delivery && url == o.url &&
         max_batch == o.max_batch;
}

SubscriptionState state_of(const Subscription& s) {
  if (s.paused) return SubscriptionState::paused;
  return s.last_error.empty() ? SubscriptionState::active : SubscriptionState::failing;
}

std::string_view to_string(SubscriptionState state) {
  switch (state) {
    case SubscriptionState::active:
      return "active";
    case SubscriptionState::paused:
      return "paused";
    case SubscriptionState::failing:
      return "failing";
  }
  return "active";
}

std::string encode(const Subscription& s) {
  const SubscriptionSpec& p = s.spec;
  json::object o{{"id", p.id},
                 {"organisation", p.organisation},
                 {"role", to_string(p.role)},
                 {"subject", p.subject},
                 {"kinds", p.filter.kinds},
                 {"types", p.filter.types},
                 {"startAt", p.start_at},
                 {"delivery", p.delivery == DeliveryKind::webhook ? "webhook" : "pull"},
                 {"url", p.url},
                 {"maxBatch", p.max_batch},
                 {"secret", p.secret},
                 {"logId", p.log_id},
                 {"checkpoint", s.checkpoint},
                 {"delivered", s.delivered},
                 {"paused", s.paused},
                 {"lastError", s.last_error},
                 {"parked", s.parked}};
  if (s.batch) o["batch"] = batch_json(*s.batch);
  if (s.replay_after) o["replayAfter"] = *s.replay_after;
  return json::serialize(o);
}

std::optional<Subscription> decode_subscription(std::string_view bytes) {
  try {
    const json::object o = json::parse(bytes).as_object();
    Subscription s;
    SubscriptionSpec& p = s.spec;
    p.id = text(o, "id");
    p.organisation = text(o, "organisation");
    const auto role = parse_role(text(o, "role"));
    if (!role || p.id.empty()) return std::nullopt;
    p.role = *role;
    p.subject = text(o, "subject");
    p.filter = {number<std::uint32_t>(o, "kinds"), number<std::uint64_t>(o, "types")};
    p.start_at = text(o, "startAt");
    p.delivery = text(o, "delivery") == "webhook" ? DeliveryKind::webhook : DeliveryKind::pull;
    p.url = text(o, "url");
    p.max_batch = number<std::uint32_t>(o, "maxBatch");
    p.secret = text(o, "secret");
    p.log_id = o.contains("logId") ? number<std::uint64_t>(o, "logId") : fallback_log_id(p);
    s.checkpoint = number<std::uint64_t>(o, "checkpoint");
    s.delivered = number<std::uint64_t>(o, "delivered");
    s.paused = o.at("paused").as_bool();
    s.last_error = text(o, "lastError");
    s.parked = number<std::uint64_t>(o, "parked");
    if (const auto* b = o.if_contains("batch")) s.batch = batch_of(b->as_object());
    if (o.contains("replayAfter")) s.replay_after = number<std::uint64_t>(o, "replayAfter");
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string encode(const ParkedBatch& b) {
  return json::serialize(json::object{{"webhookId", b.webhook_id},
                                      {"from", b.from},
                                      {"to", b.to},
                                      {"attempts", b.attempts},
                                      {"parkedAt", b.parked_at},
                                      {"lastError", b.last_error}});
}

std::optional<ParkedBatch> decode_parked(std::string_view bytes) {
  try {
    const json::object o = json::parse(bytes).as_object();
    return ParkedBatch{text(o, "webhookId"),           number<std::uint64_t>(o, "from"),
                       number<std::uint64_t>(o, "to"), number<int>(o, "attempts"),
                       number<Micros>(o, "parkedAt"),  text(o, "lastError")};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace perspectief
