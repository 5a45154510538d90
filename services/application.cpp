#include "services/application.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "api/api.hpp"
#include "api/commit_signal.hpp"
#include "api/http_server.hpp"
#include "api/metrics.hpp"
#include "api/problem.hpp"
#include "api/webhook_dispatcher.hpp"
#include "services/demo.hpp"
#include "services/log_writer.hpp"
#include "services/request_log_line.hpp"

namespace perspectief {

namespace {

Status failure(std::string message) {
  return make_error(ErrorCode::invalid, std::move(message));
}

// Why keys missing beside a store that holds events are not made: a new master key cannot
// open the stored data keys, a new research key changes every pseudonym.
std::string missing_keys_problem(const privacy::KeysDir& keys, const std::string& data_dir) {
  if (keys.current.empty()) {
    return "the keys directory " + keys.path +
           " holds no master key, so it cannot open this store's personal data (the store at " +
           data_dir +
           " holds events): is --keys-dir right? New keys are made only beside an empty store; "
           "nothing was created";
  }
  return keys.path +
         "/research.key is missing: a new one would change every pseudonym in the research "
         "feed. Restore it from the backup of the keys, or make a new one on purpose with "
         "`perspectief new-research-key --keys-dir " +
         keys.path + "` (every pseudonym then changes); nothing was created";
}

// Many idle keep-alive connections must not starve the server of descriptors: take the
// hard limit.
void raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &lim);
  }
}

api::ServerOptions server_options(const ServerConfig& c) {
  api::ServerOptions o;
  o.max_body = c.max_body;
  o.max_connections = c.max_connections;
  o.max_buffered_bytes = c.max_buffered_bytes;
  o.read_timeout = std::chrono::seconds(c.request_timeout_s);
  o.idle_timeout = std::chrono::seconds(c.idle_timeout_s);
  o.tls = c.tls;
  return o;
}

std::string url_host(const boost::asio::ip::address& addr) {
  return addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
}

}  // namespace

// Declared in the order of construction; destroyed in reverse.
struct Application::Serving {
  Serving(Application& app, const ServerConfig& c)
      // Before the io_context: a long poll's frame still pending when the io_context is
      // destroyed gives its place back to the signal then.
      : signal(app.storage_->log(), api::CommitSignalOptions{c.max_long_polls_per_token}),
        ioc(static_cast<int>(c.threads)),
        last_commit(app.storage_->log().last_position()),
        registry(app.storage_->subscription_table()),
        handlers(app.storage_->log(), c.tokens, signal, app.storage_->clock(),
                 app.models_->case_files(), app.models_->history(), app.models_->feed_index(),
                 metrics, app.models_->projector(), app.privacy_->for_api(), subscriptions(app, c)),
        server(ioc, handlers, server_options(c)),
        webhook_reads(app.privacy_->sealer(), app.privacy_->access_log(), app.storage_->clock()),
        dispatcher(
            api::WebhookDispatcher::Dependencies{
                subscriptions(app, c), app.storage_->log(), app.privacy_->pseudonymiser(),
                webhook_reads, app.storage_->clock(), *c.webhook_tls,
                [this](std::string_view result) { metrics.on_webhook_delivery(result); }},
            webhook_options(c)),
        snapshot_timer(ioc),
        last_snapshot(app.snapshot_at_) {
    commit_subscription = app.storage_->log().subscribe([this](std::uint64_t last) {
      metrics.on_commit(last - last_commit);  // the store calls this on one thread, in order
      last_commit = last;
    });
    handlers.set_dashboard_dir(c.dashboard_dir);
    // The request log: one JSON line per request on stderr, written in batches off the
    // request threads (services/log_writer.hpp); everything is out before the process exits.
    server.on_request([this, &clock = app.storage_->clock()](const api::RequestLog& r) {
      metrics.on_request(r.method, r.route, r.status, r.seconds);
      request_log.write(request_log_line(r, clock.now()));
    });
  }

  api::CommitSignal signal;
  boost::asio::io_context ioc;
  api::SubscriptionDependencies subscriptions(Application& app, const ServerConfig& c) {
    return {registry, app.models_->feed_index(), c.webhook_allow};
  }
  static api::WebhookOptions webhook_options(const ServerConfig& c) {
    api::WebhookOptions o;
    o.timeout = std::chrono::milliseconds(c.webhook_timeout_ms);
    o.retry.base = std::chrono::milliseconds(c.webhook_retry_base_ms);
    o.retry.cap = std::chrono::milliseconds(c.webhook_retry_max_ms);
    return o;
  }

  api::Metrics metrics;
  std::uint64_t last_commit;
  std::uint64_t commit_subscription = 0;
  SubscriptionRegistry registry;
  api::Api handlers;
  api::HttpServer server;
  api::PersonalReads webhook_reads;
  api::WebhookDispatcher dispatcher;
  LogWriter request_log{STDERR_FILENO};
  boost::asio::steady_timer snapshot_timer;
  std::uint64_t last_snapshot;
  // Made once the server listens, as the last step of the start.
  std::optional<boost::asio::signal_set> signals;
};

Application::Application(ServerConfig config) : config_(std::move(config)) {}

Application::~Application() = default;

Result<std::unique_ptr<Application>> Application::start(ServerConfig config) {
  raise_open_files_limit();
  std::unique_ptr<Application> app{new Application(std::move(config))};
  if (auto s = app->open_store(); !s) return s.error();
  if (auto s = app->open_keys(); !s) return s.error();
  // The write model and the read models are ready before the first request: from the last
  // snapshot, folding only the events after it.
  const auto load_started = std::chrono::steady_clock::now();
  if (auto s = app->start_models(); !s) return s.error();
  if (auto s = app->load_demo(); !s) return s.error();
  std::cerr << "perspectief-server: read models at position "
            << app->models_->projector().position() << " (snapshot at " << app->snapshot_at_
            << ") in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - load_started)
                   .count()
            << " ms\n";
  if (auto s = app->serve(); !s) return s.error();
  return app;
}

Status Application::open_store() {
  const std::string& dir = config_.data_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return failure("cannot create --data-dir " + dir + ": " + ec.message());
  if (!config_.follow.empty()) {
    auto follower =
        Storage::follow(config_.follow, dir, std::chrono::milliseconds(config_.follow_interval_ms),
                        config_.defaults);
    if (!follower) {
      return failure("cannot follow the store at " + config_.follow + ": " +
                     follower.error().message + " (" + follower.error().internal + ")");
    }
    storage_ = std::move(follower).value();
    return Ok{};
  }
  auto storage = Storage::open(dir, config_.defaults);
  if (!storage) return failure("cannot open the store at " + dir + ": " + storage.error().internal);
  storage_ = std::move(storage).value();
  if (const auto pages = storage_->store().backfilled_fold_pages(); pages > 0) {
    std::cerr << "perspectief-server: wrote " << pages
              << " fold pages for the events stored before them\n";
  }
  return Ok{};
}

// Personal data is sealed with per-case data keys in the store, wrapped with the master key
// of the keys directory. Missing keys are made only beside an empty store.
Status Application::open_keys() {
  privacy::KeysDir& keys = config_.keys;
  if (!keys.complete() && storage_->follower() != nullptr) {
    return failure("the keys directory " + keys.path +
                   " lacks the writer's keys (master and research): a follower uses the "
                   "writer's --keys-dir and never makes keys");
  }
  if (!keys.complete()) {
    if (storage_->log().last_position() != 0) {
      return failure(missing_keys_problem(keys, config_.data_dir));
    }
    if (auto made = privacy::create_missing_keys(keys); !made) {
      return failure("cannot create keys in --keys-dir " + config_.keys_dir + ": " +
                     made.error().message);
    }
  }
  if (FollowerStore* follower = storage_->follower()) {
    privacy_ = std::make_unique<Privacy>(*follower, keys);
  } else {
    privacy_ = std::make_unique<Privacy>(storage_->store(), keys);
  }
  if (auto usable = privacy_->check_master_keys(); !usable) {
    return failure("the keys directory " + config_.keys_dir +
                   " cannot open this store's personal data (" + usable.error().message +
                   "): is --keys-dir right?");
  }
  return Ok{};
}

Status Application::start_models() {
  models_ = std::make_unique<Models>(storage_->log(), config_.defaults);
  // A fold that fails after a commit leaves the read models behind: the operator hears of it.
  models_->projector().on_error([](const Error& e) { api::log_internal_error("projector", e); });
  const auto started = models_->start(storage_->policy());
  if (!started) return failure("cannot fold the log: " + started.error().message);
  snapshot_at_ = *started;
  return Ok{};
}

Status Application::load_demo() {
  if (!config_.demo || storage_->writer() == nullptr) return Ok{};
  RocksEventStore& store = storage_->store();
  if (store.last_position() != 0) return Ok{};
  DemoOptions d;
  d.end = storage_->clock().now();
  d.sealer = &privacy_->sealer();
  auto report = generate_demo(store, d);
  if (!report) return failure("cannot load the demo programme: " + report.error().message);
  if (auto compacted = store.compact(); !compacted) {
    return failure("cannot compact the demo store: " + compacted.error().internal);
  }
  std::cerr << "perspectief-server: --demo: loaded " << report->events << " events for "
            << report->cases << " invented cases over " << d.years << " years\n";
  return Ok{};
}

Status Application::serve() {
  serving_ = std::make_unique<Serving>(*this, config_);
  Serving& s = *serving_;
  if (auto loaded = s.registry.load(); !loaded) {
    return failure("cannot read the subscriptions: " + loaded.error().message);
  }
  auto endpoint = s.server.listen(config_.listen.host, config_.listen.port);
  if (!endpoint) return failure(endpoint.error().message);
  s.server.start();
  if (FollowerStore* follower = storage_->follower()) {
    // The models hold what the follower saw at its open: from here on it catches up.
    follower->start();
  } else {
    s.dispatcher.start();
  }
  s.handlers.set_ready(true);
  // The snapshot age counts from the start until the first check (snapshot_if_behind).
  s.metrics.on_snapshot_current(storage_->clock().now());
  schedule_snapshot();
  // An erasure's purge may not have run before the last stop (a crash): run one now.
  if (storage_->writer() != nullptr) privacy_->request_purge();
  s.signals.emplace(s.ioc, SIGTERM, SIGINT);
  s.signals->async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop_serving();
  });
  if (storage_->follower() != nullptr) {
    std::cerr << "perspectief-server: a read follower of " << config_.follow
              << ": appends, erasures and subscriptions answer 503\n";
  }
  std::printf("listening on %s://%s:%u\n", config_.tls ? "https" : "http",
              url_host(endpoint->address()).c_str(), static_cast<unsigned>(endpoint->port()));
  std::fflush(stdout);
  return Ok{};
}

// Snapshots while running, so a restart after a crash folds at most the last interval.
void Application::schedule_snapshot() {
  serving_->snapshot_timer.expires_after(std::chrono::seconds(config_.snapshot_interval_s));
  serving_->snapshot_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    snapshot_if_behind();
    schedule_snapshot();
  });
}

void Application::snapshot_if_behind() {
  const Micros now = storage_->clock().now();
  if (models_->projector().position() <= serving_->last_snapshot) {
    serving_->metrics.on_snapshot_current(now);  // nothing folded since: still current
    return;
  }
  if (auto saved = models_->save_snapshot()) {
    serving_->last_snapshot = *saved;
    serving_->metrics.on_snapshot_current(now);
    std::cerr << "perspectief-server: snapshot saved at position " << *saved << "\n";
  } else {
    std::cerr << "perspectief-server: snapshot not saved: " << saved.error().message << "\n";
  }
}

// On SIGTERM or SIGINT: not ready (load balancers stop sending), long polls answered, no
// more snapshots, connections drained; the io_context stops when the server has.
void Application::stop_serving() {
  Serving& s = *serving_;
  s.handlers.set_ready(false);
  s.signal.shutdown();
  s.snapshot_timer.cancel();
  s.server.stop(std::chrono::seconds(10), [&s] { s.ioc.stop(); });
}

int Application::run() {
  Serving& s = *serving_;
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < config_.threads; ++i) pool.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : pool) t.join();
  // Requests are over: nothing changes a subscription now but its delivery loop.
  s.dispatcher.stop();
  s.request_log.flush();
  // A snapshot at the end, so the next start folds (almost) nothing.
  if (auto saved = models_->save_snapshot(); !saved) {
    std::cerr << "perspectief-server: snapshot not saved: " << saved.error().message << "\n";
  }
  storage_->log().unsubscribe(s.commit_subscription);
  privacy_->stop();
  storage_->close();
  return 0;
}

}  // namespace perspectief
