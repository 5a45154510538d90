#include "api/webhook_dispatcher.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include "api/feed_view.hpp"
#include "api/webhook_signature.hpp"
#include "eventstore/random.hpp"

namespace perspectief::api {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// How long an idle loop sleeps when no commit or change wakes it (a safety net only).
constexpr auto kIdle = std::chrono::seconds(30);
// After a store or registry failure: try again soon, not in a tight loop.
constexpr auto kAfterFailure = std::chrono::seconds(1);
// Where SCHED_IDLE is refused, delivery still yields the processor to the request threads.
constexpr int kDeliveryNice = 19;

double jitter01() {
  std::uint32_t draw = 0;
  fill_random(&draw, sizeof draw);
  return static_cast<double>(draw) / 4294967296.0;
}

milliseconds since(Micros earlier, Micros now) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::microseconds(now - earlier));
}

// A change that applies only while the subscription still has `batch` in flight (it may have
// been deleted and created again meanwhile).
bool in_flight(const Subscription& s, const InFlightBatch& batch) {
  return s.batch && s.batch->webhook_id == batch.webhook_id;
}

Error gone() {
  return make_error(ErrorCode::conflict, "the subscription moved on");
}

}  // namespace

struct WebhookDispatcher::Loop {
  Key key;
  asio::steady_timer timer;
  bool woken = false;
  bool stopped = false;
  bool awaiting_commit = false;  // caught up: the next commit wakes it
  std::chrono::steady_clock::time_point last_batch{};
  // Kept open between the subscription's batches to the same receiver; closed with the loop.
  WebhookConnection connection{};
};

WebhookDispatcher::WebhookDispatcher(Dependencies deps, WebhookOptions options)
    : deps_(std::move(deps)),
      options_(options),
      rendered_(deps_.store, deps_.pseudonymiser, deps_.reads.sealer()) {}

WebhookDispatcher::~WebhookDispatcher() {
  stop();
}

void WebhookDispatcher::start() {
  if (started_.exchange(true)) return;
  deps_.subscriptions.registry.on_change(
      [this](const std::string& organisation, const std::string& id) {
        wake(Key{organisation, id});
      });
  for (const auto& s : deps_.subscriptions.registry.all()) {
    wake(Key{s.spec.organisation, s.spec.id});
  }
  commit_subscription_ = deps_.store.subscribe([this](std::uint64_t) { wake_all(); });
  writes_.emplace();  // made here, at the caller's priority
  thread_ = std::thread([this] {
    // SCHED_IDLE: only processor time no other thread wants; nice 19 where it is refused.
    const sched_param idle{};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle) != 0) {
      setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kDeliveryNice);
    }
    auto guard = asio::make_work_guard(ioc_);
    ioc_.run();
  });
}

void WebhookDispatcher::stop() {
  if (!started_.exchange(false)) return;
  deps_.store.unsubscribe(commit_subscription_);
  deps_.subscriptions.registry.on_change({});
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
  writes_.reset();
}

void WebhookDispatcher::wake(const Key& key) {
  asio::post(ioc_, [this, key] {
    if (const auto it = loops_.find(key); it != loops_.end()) {
      it->second->woken = true;
      it->second->timer.cancel();
      return;
    }
    const auto s = deps_.subscriptions.registry.find(key.first, key.second);
    if (!s || s->spec.delivery != DeliveryKind::webhook) return;
    auto loop = std::make_shared<Loop>(Loop{key, asio::steady_timer{ioc_}});
    loops_.emplace(key, loop);
    asio::co_spawn(ioc_, run(std::move(loop)), asio::detached);
  });
}

// Called on the store's committing thread after the projector's fold of the commit: the
// projector subscribes to the store before the dispatcher starts (services/application.cpp),
// and subscribers are called in the order they subscribed, so the feed index already holds
// the commit here.
void WebhookDispatcher::wake_all() {
  // Pairs with the fence in step(): either that loop sees the new index size, or this
  // thread sees its count.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (awaiting_commit_.load(std::memory_order_relaxed) == 0) return;
  if (wake_posted_.exchange(true)) return;
  asio::post(ioc_, [this] {
    wake_posted_.store(false);
    for (auto& [key, loop] : loops_) {
      if (!loop->awaiting_commit) continue;
      loop->woken = true;
      loop->timer.cancel();
    }
  });
}

namespace {

// Sleeps for `d` unless woken before or while it sleeps.
template <class Loop, class Duration>
asio::awaitable<void> nap(Loop& loop, Duration d) {
  if (!loop.woken) {
    loop.timer.expires_after(d);
    boost::system::error_code ec;
    co_await loop.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  loop.woken = false;
}

}  // namespace

asio::awaitable<void> WebhookDispatcher::run(std::shared_ptr<Loop> loop) {
  while (!loop->stopped) {
    const auto s = deps_.subscriptions.registry.find(loop->key.first, loop->key.second);
    if (!s || s->spec.delivery != DeliveryKind::webhook) break;
    if (s->paused) {
      co_await nap(*loop, kIdle);
      continue;
    }
    co_await step(*loop, *s);
  }
  loops_.erase(loop->key);
}

asio::awaitable<void> WebhookDispatcher::step(Loop& loop, const Subscription& s) {
  if (s.replay_after) {
    co_await replay(loop, s);
    co_return;
  }
  if (s.batch) {
    const Micros now = deps_.clock.now();
    if (s.batch->next_attempt > now) {
      co_await nap(loop, std::chrono::microseconds(s.batch->next_attempt - now));
      co_return;
    }
    co_await deliver(loop, s, *s.batch);
    co_return;
  }
  const auto& index = deps_.subscriptions.index;
  const std::uint64_t folded = index.size();
  const FeedPositions page =
      visible_positions(index, scope_of(index, s), s.checkpoint, FeedBounds{s.spec.max_batch});
  const std::uint64_t next = page.next;
  const auto since_last = std::chrono::steady_clock::now() - loop.last_batch;
  if (!page.positions.empty() && page.positions.size() < s.spec.max_batch &&
      since_last < options_.linger) {
    // Commits do not wake it: it waits to fill a batch.
    co_await nap(loop, options_.linger - since_last);
    co_return;
  }
  if (page.positions.empty()) {
    if (next <= s.checkpoint) {
      loop.awaiting_commit = true;
      awaiting_commit_.fetch_add(1, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      // A commit folded after the page was read did not count this loop: look again.
      if (index.size() == folded) {
        co_await nap(loop, kIdle);
      }
      awaiting_commit_.fetch_sub(1, std::memory_order_relaxed);
      loop.awaiting_commit = false;
      co_return;
    }
    // Nothing visible among them: move past without a delivery.
    record(s, [&s, next](Subscription& n) -> Status {
      if (n.batch || n.checkpoint != s.checkpoint) return gone();
      n.checkpoint = n.delivered = next;
      return Ok{};
    });
    co_return;
  }
  const Micros now = deps_.clock.now();
  const InFlightBatch batch{new_webhook_id(), s.checkpoint, next, 0, now, now};
  loop.last_batch = std::chrono::steady_clock::now();
  // Stored before the first attempt: after a crash it goes again under the same id.
  const auto stored = begin_batch(s, batch);
  if (!stored) {
    co_await nap(loop, kAfterFailure);
    co_return;
  }
  co_await deliver(loop, *stored, batch);
}

std::optional<Subscription> WebhookDispatcher::begin_batch(const Subscription& s,
                                                           const InFlightBatch& batch) {
  std::optional<Subscription> out;
  write([&] {
    auto stored = deps_.subscriptions.registry.modify(
        s.spec.organisation, s.spec.id,
        [&s, &batch](Subscription& n) -> Status {
          if (n.batch || n.checkpoint != s.checkpoint) return gone();
          n.batch = batch;
          return Ok{};
        },
        Durability::logged);
    if (stored) out = std::move(*stored);
  });
  return out;
}

asio::awaitable<void> WebhookDispatcher::deliver(Loop& loop, const Subscription& s,
                                                 InFlightBatch batch) {
  const WebhookResponse response = co_await attempt(loop, s, batch);
  if (loop.stopped) co_return;
  const Micros now = deps_.clock.now();
  if (response.delivered) {
    // A full batch waiting behind this one is stored in the same write as the acknowledgement.
    const auto next = full_batch_after(s, batch.to);
    record(s, [&batch, &next](Subscription& n) -> Status {
      if (!in_flight(n, batch)) return gone();
      n.checkpoint = n.delivered = std::max(n.checkpoint, batch.to);
      n.batch = next;
      n.last_error.clear();
      return Ok{};
    });
    if (next) loop.last_batch = std::chrono::steady_clock::now();
    deps_.on_delivery("ok");
    co_return;
  }
  batch.attempts += 1;
  const auto& policy = options_.retry;
  if (should_park(policy, batch.attempts, since(batch.first_attempt, now))) {
    const ParkedBatch parked{batch.webhook_id, batch.from, batch.to,
                             batch.attempts,   now,        response.error};
    record(
        s,
        [&batch, &response](Subscription& n) -> Status {
          if (!in_flight(n, batch)) return gone();
          n.checkpoint = n.delivered = std::max(n.checkpoint, batch.to);
          n.batch.reset();
          n.parked += 1;
          n.last_error = response.error;
          return Ok{};
        },
        parked);
    deps_.on_delivery("parked");
    co_return;
  }
  batch.next_attempt = now + std::chrono::duration_cast<std::chrono::microseconds>(
                                 retry_delay(policy, batch.attempts, jitter01()))
                                 .count();
  record(s, [&batch, &response](Subscription& n) -> Status {
    if (!in_flight(n, batch)) return gone();
    n.batch = batch;
    n.last_error = response.error;
    return Ok{};
  });
  deps_.on_delivery("retry");
}

asio::awaitable<void> WebhookDispatcher::replay(Loop& loop, const Subscription& s) {
  const std::uint64_t after = *s.replay_after;
  const std::optional<ParkedBatch> next = parked_after(s, after);
  if (!next) {
    record(s, [after](Subscription& n) -> Status {
      if (n.replay_after != after) return gone();
      n.replay_after.reset();
      return Ok{};
    });
    co_return;
  }
  const ParkedBatch& batch = *next;
  // A named batch: GCC 12 destroys a temporary made inside a co_await expression twice.
  const InFlightBatch replayed{batch.webhook_id, batch.from, batch.to};
  const WebhookResponse response = co_await attempt(loop, s, replayed);
  if (response.delivered) {
    write(
        [&] { (void)deps_.subscriptions.registry.unpark(s.spec.organisation, s.spec.id, batch); });
  }
  // One attempt each: a batch that fails again stays parked for a later replay.
  deps_.on_delivery(response.delivered ? "ok" : "parked");
  record(s, [after, &batch, &response](Subscription& n) -> Status {
    if (n.replay_after != after) return gone();
    n.replay_after = batch.to;
    if (!response.delivered) {
      n.last_error = response.error;
    } else if (!n.batch) {
      n.last_error.clear();  // nothing else is failing now
    }
    return Ok{};
  });
}

std::optional<ParkedBatch> WebhookDispatcher::parked_after(const Subscription& s,
                                                           std::uint64_t after) const {
  auto parked = deps_.subscriptions.registry.parked(s.spec.organisation, s.spec.id);
  if (!parked) return std::nullopt;
  for (auto& b : *parked) {
    if (b.to > after) return std::move(b);
  }
  return std::nullopt;
}

asio::awaitable<WebhookResponse> WebhookDispatcher::attempt(Loop& loop, const Subscription& s,
                                                            const InFlightBatch& batch) {
  WebhookTarget target;
  WebhookRequest request;
  if (auto refused = prepare(s, batch, target, request)) co_return *refused;
  co_return co_await post_webhook(deps_.subscriptions.allow_list, deps_.tls, std::move(request),
                                  loop.connection);
}

std::optional<WebhookResponse> WebhookDispatcher::prepare(const Subscription& s,
                                                          const InFlightBatch& batch,
                                                          WebhookTarget& target,
                                                          WebhookRequest& request) {
  auto checked = deps_.subscriptions.allow_list.check(s.spec.url);
  if (!checked) return WebhookResponse{false, 0, checked.error().message};
  target = std::move(*checked);
  auto body = batch_body(s, batch);
  if (!body) return WebhookResponse{false, 0, "the events cannot be read now"};
  request.target = &target;
  request.body = std::move(*body);
  const std::int64_t timestamp = deps_.clock.now() / 1'000'000;
  request.headers = {{"webhook-id", batch.webhook_id},
                     {"webhook-timestamp", std::to_string(timestamp)},
                     {"webhook-signature",
                      sign_webhook(s.spec.secret, batch.webhook_id, timestamp, request.body)}};
  request.timeout = options_.timeout;
  return std::nullopt;
}

std::optional<InFlightBatch> WebhookDispatcher::full_batch_after(const Subscription& s,
                                                                 std::uint64_t after) const {
  const auto& index = deps_.subscriptions.index;
  const FeedPositions page =
      visible_positions(index, scope_of(index, s), after, FeedBounds{s.spec.max_batch});
  if (page.positions.size() < s.spec.max_batch) return std::nullopt;
  const Micros now = deps_.clock.now();
  return InFlightBatch{new_webhook_id(), after, page.next, 0, now, now};
}

Result<std::string> WebhookDispatcher::batch_body(const Subscription& s,
                                                  const InFlightBatch& batch) {
  const auto& index = deps_.subscriptions.index;
  const FeedPositions found = visible_positions(index, scope_of(index, s), batch.from,
                                                FeedBounds{s.spec.max_batch, UINT64_MAX, batch.to});
  const FeedView view = feed_view(s.spec.role);
  auto rendered = rendered_.render(view, found.positions);
  if (!rendered) return rendered.take_error();
  if (!rendered->positions_opened.empty()) {
    // Delivered personal data is a read by the subscription's organisation: logged first, as
    // one record of the batch (the access log finds it from a case's positions).
    const SideEntry entry = deps_.reads.delivery(reader_of(s), s.spec.log_id, batch.to,
                                                 rendered->positions_opened, "webhook");
    Status logged = Ok{};
    write([&] { logged = deps_.reads.write({&entry, 1}); });
    if (!logged) return logged.take_error();
  }
  std::string body = R"({"subscriptionId":)";
  body += boost::json::serialize(boost::json::value(s.spec.id));
  body += R"(,"events":[)";
  for (std::size_t i = 0; i < rendered->events.size(); ++i) {
    if (i > 0) body += ',';
    body += *rendered->events[i];
  }
  body += "]}";
  return body;
}

void WebhookDispatcher::record(const Subscription& s, const Change& change,
                               const std::optional<ParkedBatch>& parked) {
  // A failed write leaves the subscription as stored: the loop reads it again and repeats
  // the step (the batch goes again under its id).
  write([&] {
    (void)deps_.subscriptions.registry.modify(s.spec.organisation, s.spec.id, change,
                                              Durability::logged, parked);
  });
}

}  // namespace perspectief::api
