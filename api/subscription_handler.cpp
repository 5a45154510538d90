#include "api/subscription_handler.hpp"

#include <chrono>

#include "api/feed_poll.hpp"
#include "api/feed_view.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"
#include "api/reply.hpp"
#include "api/subscription_json.hpp"
#include "api/webhook_signature.hpp"
#include "eventstore/crypto.hpp"
#include "eventstore/keys.hpp"

namespace perspectief::api {
namespace {

Response no_such_subscription() {
  return problem(404, "no such subscription");
}

Response webhook_only(const Subscription& s) {
  return problem(409, s.spec.delivery == DeliveryKind::webhook
                          ? "this subscription is delivered by webhook, not pulled"
                          : "this subscription is pulled: it has no webhook batches");
}

// GET /v1/subscriptions/{id}/events: limit 1-10000 (default 100), wait 0-60 s.
struct PullQuery {
  std::uint64_t limit = 100;
  std::uint64_t wait_seconds = 0;
};
Result<PullQuery> parse_pull_query(std::string_view target) {
  auto params = target_query(target);
  if (!params) return params.take_error();
  if (auto field = unknown_param(*params, {"limit", "wait"})) {
    Error e = make_error(ErrorCode::invalid, "unknown query parameter");
    e.fields.push_back(*field);
    return e;
  }
  PullQuery q;
  auto limit = uint_param(*params, "limit", 100, 1, 10'000);
  if (!limit) return limit.take_error();
  auto wait = uint_param(*params, "wait", 0, 0, 60);
  if (!wait) return wait.take_error();
  q.limit = *limit;
  q.wait_seconds = *wait;
  return q;
}

}  // namespace

std::vector<Metrics::SubscriptionFigures> subscription_figures(
    const SubscriptionDependencies& deps) {
  std::vector<Metrics::SubscriptionFigures> out;
  for (const auto& s : deps.registry.all()) {
    out.push_back({s.spec.organisation + "/" + s.spec.id,
                   count_visible(deps.index, scope_of(deps.index, s), s.checkpoint), s.parked});
  }
  return out;
}

boost::asio::awaitable<Response> SubscriptionHandler::handle(const Request& req,
                                                             const RouteMatch& m,
                                                             const Actor& actor) {
  switch (m.route->id) {
    case RouteId::create_subscription:
      co_return create(req, actor);
    case RouteId::list_subscriptions:
      co_return list(actor);
    default:
      break;
  }
  auto found = deps_.registry.find(actor.organisation, m.id);
  if (!found) co_return no_such_subscription();
  switch (m.route->id) {
    case RouteId::read_subscription:
      co_return read(*found);
    case RouteId::delete_subscription:
      co_return remove(*found);
    case RouteId::pause_subscription:
      co_return set_paused(*found, true);
    case RouteId::resume_subscription:
      co_return set_paused(*found, false);
    case RouteId::pull_subscription:
      co_return co_await pull(req, *found, actor);
    case RouteId::ack_subscription:
      co_return ack(req, *found);
    case RouteId::list_parked:
      co_return parked(*found);
    default:
      co_return replay(*found);
  }
}

std::uint64_t SubscriptionHandler::lag(const Subscription& s) const {
  return count_visible(deps_.index, scope_of(deps_.index, s), s.checkpoint);
}

Response SubscriptionHandler::create(const Request& req, const Actor& actor) {
  if (!is_json_content_type(req[boost::beast::http::field::content_type])) {
    return not_json("subscription");
  }
  auto request = parse_subscription_request(req.body());
  if (!request) return problem(request.error());
  Subscription s;
  s.spec = std::move(request->spec);
  s.spec.organisation = actor.organisation;
  s.spec.role = actor.role;
  s.spec.subject = actor.subject;
  const std::uint64_t now = deps_.index.size();
  switch (request->start) {
    case SubscriptionRequest::Start::beginning:
      break;
    case SubscriptionRequest::Start::end:
      s.checkpoint = now;
      break;
    case SubscriptionRequest::Start::position:
      if (request->position > now) {
        return problem(400, "startAt is beyond the last position",
                       {{"startAt", "must be at most the last position"}});
      }
      s.checkpoint = request->position;
      break;
  }
  s.delivered = s.checkpoint;
  s.spec.log_id = keys::decode_u64(privacy::random_bytes(8));
  if (s.spec.delivery == DeliveryKind::webhook) {
    if (auto target = deps_.allow_list.check(s.spec.url); !target) {
      return problem(400, target.error().message, {{"delivery.url", target.error().message}});
    }
    s.spec.secret = new_webhook_secret();
  }
  auto created = deps_.registry.create(s);
  if (!created) return problem(created.error());
  auto& [stored, is_new] = *created;
  boost::json::object body = subscription_json(stored, lag(stored));
  if (is_new && stored.spec.delivery == DeliveryKind::webhook) body["secret"] = stored.spec.secret;
  return json_response(is_new ? 201 : 200, body);
}

Response SubscriptionHandler::list(const Actor& actor) const {
  boost::json::array out;
  for (const auto& s : deps_.registry.list(actor.organisation)) {
    out.push_back(subscription_json(s, lag(s)));
  }
  return json_response(200, {{"subscriptions", std::move(out)}});
}

Response SubscriptionHandler::read(const Subscription& s) const {
  return json_response(200, subscription_json(s, lag(s)));
}

Response SubscriptionHandler::remove(const Subscription& s) {
  if (auto removed = deps_.registry.remove(s.spec.organisation, s.spec.id); !removed) {
    return removed.error().code == ErrorCode::not_found ? no_such_subscription()
                                                        : problem(removed.error());
  }
  Response res{boost::beast::http::status::no_content, 11};
  return res;
}

Response SubscriptionHandler::set_paused(const Subscription& s, bool paused) {
  auto changed = deps_.registry.modify(
      s.spec.organisation, s.spec.id,
      [paused](Subscription& next) -> Status {
        next.paused = paused;
        return Ok{};
      },
      Durability::synced);
  if (!changed) return problem(changed.error());
  return json_response(200, subscription_json(*changed, lag(*changed)));
}

boost::asio::awaitable<Response> SubscriptionHandler::pull(const Request& req,
                                                           const Subscription& s,
                                                           const Actor& actor) {
  Response refused;
  const auto poll = pull_poll(req, s, refused);
  if (!poll) co_return refused;
  auto page = first_page(store_, deps_.index, *poll);
  if (!co_await wait_for_visible(store_, deps_.index, signal_, actor, *poll, page)) {
    co_return too_many_long_polls();
  }
  co_return pulled(page, s);
}

std::optional<FeedPoll> SubscriptionHandler::pull_poll(const Request& req, const Subscription& s,
                                                       Response& refused) const {
  if (s.spec.delivery != DeliveryKind::pull) {
    refused = webhook_only(s);
    return std::nullopt;
  }
  const auto query = parse_pull_query(req.target());
  if (!query) {
    refused = problem(query.error());
    return std::nullopt;
  }
  return FeedPoll{s.spec.role,  s.spec.organisation, s.spec.filter,
                  s.checkpoint, query->limit,        query->wait_seconds};
}

Response SubscriptionHandler::pulled(PolledPage& page, const Subscription& s) {
  if (page.error) return problem(*page.error);
  // Acks may go up to what was handed out.
  const std::uint64_t next = page.page->next;
  if (next > s.delivered) {
    auto moved = deps_.registry.modify(
        s.spec.organisation, s.spec.id,
        [next](Subscription& n) -> Status {
          n.delivered = std::max(n.delivered, next);
          return Ok{};
        },
        Durability::logged);
    if (!moved) return problem(moved.error());
  }
  auto events = feed_json(page.page->events, reader_of(s), "subscription", pseudonymiser_, reads_);
  if (!events) return problem(events.error());
  return json_response(200, {{"events", std::move(*events)}, {"next", next}});
}

Response SubscriptionHandler::ack(const Request& req, const Subscription& s) {
  if (s.spec.delivery != DeliveryKind::pull) return webhook_only(s);
  if (!is_json_content_type(req[boost::beast::http::field::content_type])) {
    return not_json("acknowledgement");
  }
  const auto position = parse_ack(req.body());
  if (!position) return problem(position.error());
  const std::uint64_t p = *position;
  auto changed = deps_.registry.modify(
      s.spec.organisation, s.spec.id,
      [p](Subscription& next) -> Status {
        if (p > next.delivered) {
          return make_error(ErrorCode::conflict, "position is beyond the last delivered position");
        }
        next.checkpoint = std::max(next.checkpoint, p);  // never backwards
        return Ok{};
      },
      Durability::logged);
  if (!changed) return problem(changed.error());
  return json_response(200, subscription_json(*changed, lag(*changed)));
}

Response SubscriptionHandler::parked(const Subscription& s) const {
  if (s.spec.delivery != DeliveryKind::webhook) return webhook_only(s);
  auto batches = deps_.registry.parked(s.spec.organisation, s.spec.id);
  if (!batches) return problem(batches.error());
  boost::json::array out;
  for (const auto& b : *batches) out.push_back(parked_json(b));
  return json_response(200, {{"parked", std::move(out)}});
}

Response SubscriptionHandler::replay(const Subscription& s) {
  if (s.spec.delivery != DeliveryKind::webhook) return webhook_only(s);
  auto changed = deps_.registry.modify(
      s.spec.organisation, s.spec.id,
      [](Subscription& next) -> Status {
        if (next.parked > 0) next.replay_after = 0;
        return Ok{};
      },
      Durability::synced);
  if (!changed) return problem(changed.error());
  return json_response(202, {{"replaying", changed->parked}});
}

}  // namespace perspectief::api
