#include "api/subscription_json.hpp"

#include <boost/json/parse.hpp>

#include <string>
#include <vector>

#include "domain/stream_name.hpp"
#include "domain/time.hpp"

namespace perspectief::api {
namespace {

namespace json = boost::json;

constexpr std::uint32_t kMaxBatch = 1000;

Error invalid(std::string field, std::string message) {
  Error e = make_error(ErrorCode::invalid, "the subscription is not valid");
  e.fields.push_back({std::move(field), std::move(message)});
  return e;
}

Result<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return make_error(ErrorCode::invalid, "the body is not valid JSON");
  if (!v.is_object()) return make_error(ErrorCode::invalid, "the body must be a JSON object");
  return std::move(v.as_object());
}

Status only_members(const json::object& o, std::string_view where,
                    std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : o) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view{key}) == allowed.end()) {
      const std::string name{key};
      return invalid(std::string{where} + (is_valid_id(name) ? "." + name : ""),
                     "is not a member of a subscription");
    }
  }
  return Ok{};
}

// The strings of an array member (absent: none); invalid naming `field` otherwise.
Result<std::vector<std::string_view>> names(const json::object& o, std::string_view key,
                                            const std::string& field) {
  std::vector<std::string_view> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return invalid(field, "must be an array of names");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return invalid(field, "must be an array of names");
    out.emplace_back(item.as_string());
  }
  return out;
}

Status parse_filter(const json::object& body, SubscriptionSpec& spec) {
  const auto* f = body.if_contains("filter");
  if (f == nullptr) return Ok{};
  if (!f->is_object()) return invalid("filter", "must be an object");
  const auto& o = f->as_object();
  if (auto s = only_members(o, "filter", {"categories", "types"}); !s) return s;
  auto categories = names(o, "categories", "filter.categories");
  if (!categories) return categories.take_error();
  auto types = names(o, "types", "filter.types");
  if (!types) return types.take_error();
  auto filter = feed_filter(*categories, *types);
  if (!filter) {
    Error e = filter.take_error();
    for (auto& fe : e.fields) fe.field = "filter." + fe.field;
    return e;
  }
  spec.filter = *filter;
  return Ok{};
}

Status parse_start(const json::object& body, SubscriptionRequest& r) {
  const auto* v = body.if_contains("startAt");
  if (v == nullptr) return invalid("startAt", "is required");
  if (v->is_string() && (v->as_string() == "beginning" || v->as_string() == "end")) {
    r.start = v->as_string() == "beginning" ? SubscriptionRequest::Start::beginning
                                            : SubscriptionRequest::Start::end;
    r.spec.start_at = std::string{v->as_string()};
    return Ok{};
  }
  if (v->is_uint64() || (v->is_int64() && v->as_int64() >= 0)) {
    r.start = SubscriptionRequest::Start::position;
    r.position = v->is_uint64() ? v->as_uint64() : static_cast<std::uint64_t>(v->as_int64());
    r.spec.start_at = std::to_string(r.position);
    return Ok{};
  }
  return invalid("startAt", R"(must be "beginning", "end" or a position)");
}

Status parse_delivery(const json::object& body, SubscriptionSpec& spec) {
  const auto* v = body.if_contains("delivery");
  if (v == nullptr || !v->is_object()) return invalid("delivery", "is required, as an object");
  const auto& o = v->as_object();
  const auto* kind = o.if_contains("kind");
  if (kind != nullptr && kind->is_string() && kind->as_string() == "pull") {
    if (auto s = only_members(o, "delivery", {"kind"}); !s) return s;
    spec.delivery = DeliveryKind::pull;
    return Ok{};
  }
  if (kind == nullptr || !kind->is_string() || kind->as_string() != "webhook") {
    return invalid("delivery.kind", R"(must be "pull" or "webhook")");
  }
  if (auto s = only_members(o, "delivery", {"kind", "url", "maxBatch"}); !s) return s;
  spec.delivery = DeliveryKind::webhook;
  const auto* url = o.if_contains("url");
  if (url == nullptr || !url->is_string() || url->as_string().empty()) {
    return invalid("delivery.url", "is required for a webhook");
  }
  spec.url = std::string{url->as_string()};
  if (const auto* m = o.if_contains("maxBatch")) {
    if (!m->is_int64() || m->as_int64() < 1 || m->as_int64() > kMaxBatch) {
      return invalid("delivery.maxBatch", "must be a whole number from 1 to 1000");
    }
    spec.max_batch = static_cast<std::uint32_t>(m->as_int64());
  }
  return Ok{};
}

json::array name_array(const std::vector<std::string_view>& names) {
  json::array a;
  for (const auto n : names) a.emplace_back(n);
  return a;
}

}  // namespace

Result<SubscriptionRequest> parse_subscription_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.take_error();
  const json::object& o = *parsed;
  if (auto s = only_members(o, "body", {"subscriptionId", "filter", "startAt", "delivery"}); !s)
    return s.take_error();
  SubscriptionRequest r;
  const auto* id = o.if_contains("subscriptionId");
  if (id == nullptr || !id->is_string() || !is_valid_id(id->as_string())) {
    return invalid("subscriptionId", "must be 1-64 characters of [A-Za-z0-9_-]");
  }
  r.spec.id = std::string{id->as_string()};
  if (auto s = parse_filter(o, r.spec); !s) return s.take_error();
  if (auto s = parse_start(o, r); !s) return s.take_error();
  if (auto s = parse_delivery(o, r.spec); !s) return s.take_error();
  return r;
}

boost::json::object subscription_json(const Subscription& s, std::uint64_t lag) {
  const SubscriptionSpec& p = s.spec;
  json::object delivery{{"kind", p.delivery == DeliveryKind::webhook ? "webhook" : "pull"}};
  if (p.delivery == DeliveryKind::webhook) {
    delivery["url"] = p.url;
    delivery["maxBatch"] = p.max_batch;
  }
  return {{"subscriptionId", p.id},
          {"organisation", p.organisation},
          {"role", to_string(p.role)},
          {"filter", json::object{{"categories", name_array(filter_categories(p.filter))},
                                  {"types", name_array(filter_types(p.filter))}}},
          {"startAt", p.start_at},
          {"delivery", std::move(delivery)},
          {"checkpoint", s.checkpoint},
          {"lag", lag},
          {"state", to_string(state_of(s))},
          {"lastError", s.last_error.empty() ? json::value(nullptr) : json::value(s.last_error)},
          {"parked", s.parked}};
}

boost::json::object parked_json(const ParkedBatch& b) {
  return {{"webhookId", b.webhook_id},
          {"after", b.from},
          {"through", b.to},
          {"attempts", b.attempts},
          {"parkedAt", format_rfc3339(b.parked_at)},
          {"lastError", b.last_error}};
}

Result<std::uint64_t> parse_ack(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.take_error();
  if (auto s = only_members(*parsed, "body", {"position"}); !s) return s.take_error();
  const auto* p = parsed->if_contains("position");
  if (p != nullptr && p->is_uint64()) return p->as_uint64();
  if (p != nullptr && p->is_int64() && p->as_int64() >= 0)
    return static_cast<std::uint64_t>(p->as_int64());
  return invalid("position", "must be a position (a whole number)");
}

}  // namespace perspectief::api
