#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "api/normal_priority_thread.hpp"
#include "api/personal_reads.hpp"
#include "api/rendered_events.hpp"
#include "api/subscription_handler.hpp"
#include "api/webhook_client.hpp"
#include "domain/retry_schedule.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"

namespace perspectief::api {

struct WebhookOptions {
  RetryPolicy retry;
  std::chrono::milliseconds timeout{10000};  // a 2xx within it acknowledges a batch
  // A batch short of maxBatch waits until this long after the subscription's previous batch,
  // so that a busy log goes out in full batches rather than one request per commit.
  std::chrono::milliseconds linger{100};
};

// Webhook delivery (spec/integrations.md), off the request path: one thread of its own runs a
// delivery loop per webhook subscription. A loop sends the visible events after the
// subscription's checkpoint in batches of at most maxBatch, one batch at a time, each under a
// webhook id stored before its first attempt (so a batch in flight at a crash goes again with
// the same id); a 2xx moves the checkpoint past it, anything else is retried after
// retry_delay, and a batch that should_park is parked and the loop goes on. Replays of parked
// batches go before new batches. Every attempt takes the events as they show now
// (RenderedEvents, shared by the loops), so an event of a case erased meanwhile goes without
// personal data. The thread runs under SCHED_IDLE: it takes only processor time that the
// request threads and the store leave, so under a sustained full load delivery falls behind
// (the lag metric shows it) and catches up when the load drops. Its writes to the store (the
// subscriptions' checkpoints and batches, the access log) run on a thread at normal priority
// (NormalPriorityThread), so that it never holds up the store's writes.
class WebhookDispatcher {
 public:
  struct Dependencies {
    SubscriptionDependencies subscriptions;
    EventStore& store;  // read, and followed for commits
    const privacy::Pseudonymiser& pseudonymiser;
    PersonalReads& reads;
    const Clock& clock;
    boost::asio::ssl::context& tls;
    // Told of each attempt's result: "ok", "retry" or "parked" (the metrics).
    std::function<void(std::string_view)> on_delivery;
  };
  WebhookDispatcher(Dependencies deps, WebhookOptions options);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Starts the thread and a loop for every stored webhook subscription; from then on follows
  // the registry's changes and the store's commits.
  void start();
  // Stops the loops (an attempt in flight is abandoned: its batch goes again after a
  // restart) and joins the thread.
  void stop();

 private:
  struct Loop;
  using Key = std::pair<std::string, std::string>;

  void wake(const Key& key);
  void wake_all();
  boost::asio::awaitable<void> run(std::shared_ptr<Loop> loop);
  boost::asio::awaitable<void> step(Loop& loop, const Subscription& s);
  boost::asio::awaitable<void> deliver(Loop& loop, const Subscription& s, InFlightBatch batch);
  boost::asio::awaitable<void> replay(Loop& loop, const Subscription& s);
  // One POST of `batch` over the loop's connection (kept open between batches).
  boost::asio::awaitable<WebhookResponse> attempt(Loop& loop, const Subscription& s,
                                                  const InFlightBatch& batch);
  // The next batch after `after` if a whole one (maxBatch events) is there to send.
  std::optional<InFlightBatch> full_batch_after(const Subscription& s, std::uint64_t after) const;
  // Plain functions for what a coroutine would otherwise keep as a Result across a co_await
  // (GCC 12 miscompiles a std::variant held in a coroutine frame there).
  std::optional<Subscription> begin_batch(const Subscription& s, const InFlightBatch& batch);
  std::optional<ParkedBatch> parked_after(const Subscription& s, std::uint64_t after) const;
  // The request of an attempt, or the response that ends it before sending.
  std::optional<WebhookResponse> prepare(const Subscription& s, const InFlightBatch& batch,
                                         WebhookTarget& target, WebhookRequest& request);
  // {"subscriptionId", "events"} of a batch as it shows now; its personal reads logged.
  Result<std::string> batch_body(const Subscription& s, const InFlightBatch& batch);
  // Runs a write (the registry's, the access log's) on writes_, not at SCHED_IDLE.
  void write(const std::function<void()>& work) { writes_->run(work); }
  using Change = SubscriptionRegistry::Change;
  void record(const Subscription& s, const Change& change,
              const std::optional<ParkedBatch>& parked = {});

  Dependencies deps_;
  WebhookOptions options_;
  RenderedEvents rendered_;
  boost::asio::io_context ioc_{1};
  std::thread thread_;
  std::optional<NormalPriorityThread> writes_;  // from start() to stop()
  std::map<Key, std::shared_ptr<Loop>> loops_;  // on the dispatcher's thread only
  std::uint64_t commit_subscription_ = 0;
  std::atomic<bool> started_{false};
  // Loops napping until a commit (caught up). A commit wakes the thread only if there is one,
  // and only once until the thread has run the wake: under load (every loop delivering or
  // lingering) the committing thread posts nothing.
  std::atomic<int> awaiting_commit_{0};
  std::atomic<bool> wake_posted_{false};
};

}  // namespace perspectief::api
