// perspectief-server: wiring, flags and signals; the logic lives in the libraries.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>

#include <sys/stat.h>
#include <cstdio>

#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "api/api.hpp"
#include "api/auth.hpp"
#include "api/commit_signal.hpp"
#include "api/http_server.hpp"
#include "api/problem.hpp"
#include "api/tls_context.hpp"
#include "domain/json_text.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/erasure_purger.hpp"
#include "eventstore/keys_dir.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "projections/case_files.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"
#include "projections/snapshot_store.hpp"
#include "projections/start_up.hpp"
#include "projections/write_policy.hpp"
#include "services/demo.hpp"
#include "services/flags.hpp"
#include "services/log_writer.hpp"

namespace {

using namespace perspectief;

// One request-log line (JSON), written directly: this runs for every request.
std::string request_log_line(const api::RequestLog& r, Micros now) {
  std::string line;
  line.reserve(192);
  line += R"({"time":")";
  line += format_rfc3339(now);
  line += R"(","requestId":)";
  append_json_string(line, r.request_id);
  line += R"(,"method":)";
  append_json_string(line, r.method);
  line += R"(,"route":)";
  append_json_string(line, r.route);
  line += R"(,"status":)";
  line += std::to_string(r.status);
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", r.seconds * 1000.0);
  line += R"(,"durationMs":)";
  line += ms;
  line += R"(,"role":)";
  append_json_string(line, r.role);
  line += '}';
  return line;
}

int fail(const std::string& message) {
  std::cerr << "perspectief-server: " << message << "\n";
  return 2;
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

const std::vector<std::string> kFlags{"data-dir",
                                      "listen",
                                      "tokens",
                                      "keys-dir",
                                      "tls-cert",
                                      "tls-key",
                                      "threads",
                                      "max-body",
                                      "places",
                                      "lvv-places",
                                      "max-stay-months",
                                      "demo",
                                      "help",
                                      "request-timeout",
                                      "idle-timeout",
                                      "snapshot-interval",
                                      "dashboard-dir",
                                      "max-connections",
                                      "max-buffered-bytes",
                                      "max-long-polls-per-token"};

constexpr const char* kUsage =
    "usage: perspectief-server --tokens FILE [--data-dir DIR] [--listen HOST:PORT]\n"
    "       [--keys-dir DIR] [--tls-cert FILE --tls-key FILE] [--threads N] [--max-body BYTES]\n"
    "       [--request-timeout SECONDS] [--idle-timeout SECONDS] [--snapshot-interval SECONDS]\n"
    "       [--max-connections N] [--max-buffered-bytes BYTES] [--max-long-polls-per-token N]\n"
    "       [--places N --lvv-places N --max-stay-months N] [--demo]\n"
    "       [--dashboard-dir DIR]  (serve the dashboard's files from DIR: development)\n"
    "Each flag can also be set as PERSPECTIEF_<FLAG> in the environment.\n";

}  // namespace

// Many idle keep-alive connections must not starve the server of descriptors: take the
// hard limit.
static void raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &lim);
  }
}

int main(int argc, char** argv) {
  ::umask(0077);  // stores, keys and snapshots hold personal data: owner only
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto flags = Flags::parse(args, kFlags, {"demo", "help"});
  if (!flags) return fail(flags.error().message + "\n" + kUsage);
  const auto help = flags->enabled("help");
  const auto demo = flags->enabled("demo");
  if (!help || !demo) return fail((!help ? help.error() : demo.error()).message);
  raise_open_files_limit();
  if (*help) {
    std::cout << kUsage;
    return 0;
  }
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (flags->has("tls-cert") || flags->has("tls-key")) {
    if (!flags->has("tls-cert") || !flags->has("tls-key")) {
      return fail("--tls-cert and --tls-key go together");
    }
    auto context = api::make_tls_context(*flags->get("tls-cert"), *flags->get("tls-key"));
    if (!context) return fail(context.error().message);
    tls = *context;
  }
  const auto tokens_path = flags->get("tokens");
  if (!tokens_path) return fail(std::string{"--tokens is required\n"} + kUsage);
  auto tokens = api::TokenRegistry::load(*tokens_path);
  if (!tokens) return fail(tokens.error().message);
  auto listen = parse_listen(flags->get_or("listen", "127.0.0.1:8080"));
  if (!listen) return fail(listen.error().message);
  auto threads = flags->get_uint("threads", std::max(1U, std::thread::hardware_concurrency()));
  if (!threads || *threads == 0 || *threads > 256) return fail("--threads must be 1..256");
  auto max_body = flags->get_uint("max-body", 1 << 20);
  if (!max_body || *max_body == 0) return fail("--max-body must be a positive number of bytes");

  // Connections open at once, and request bodies held at once (the --max-body of one request
  // must fit).
  auto max_connections = flags->get_uint("max-connections", 1024);
  if (!max_connections || *max_connections == 0 || *max_connections > 1'000'000)
    return fail("--max-connections must be 1..1000000");
  auto max_buffered = flags->get_uint("max-buffered-bytes", std::uint64_t{256} << 20);
  if (!max_buffered || *max_buffered < *max_body)
    return fail("--max-buffered-bytes must be a number of bytes >= --max-body");

  // Long polls (GET /v1/events?wait=) one token may hold open at once.
  auto max_long_polls = flags->get_uint("max-long-polls-per-token", 16);
  if (!max_long_polls || *max_long_polls == 0 || *max_long_polls > 100'000)
    return fail("--max-long-polls-per-token must be 1..100000");

  auto snapshot_interval = flags->get_uint("snapshot-interval", 300);
  if (!snapshot_interval || *snapshot_interval == 0)
    return fail("--snapshot-interval takes seconds > 0");
  auto request_timeout = flags->get_uint("request-timeout", 15);
  auto idle_timeout = flags->get_uint("idle-timeout", 60);
  if (!request_timeout || !idle_timeout || *request_timeout == 0 || *idle_timeout == 0 ||
      *request_timeout > 3600 || *idle_timeout > 3600) {
    return fail("--request-timeout and --idle-timeout take 1..3600 seconds");
  }

  const std::string data_dir = flags->get_or("data-dir", "./var/data");
  // The keys are read and checked before anything is created: a wrong --keys-dir or an
  // exposed key file leaves no trace.
  const std::string keys_dir = flags->get_or("keys-dir", default_keys_dir(data_dir));
  auto keys = privacy::read_keys_dir(keys_dir);
  if (!keys) return fail("cannot use --keys-dir " + keys_dir + ": " + keys.error().message);

  auto places = flags->get_uint("places", 500);
  auto lvv_places = flags->get_uint("lvv-places", 360);
  auto max_stay = flags->get_uint("max-stay-months", 18);
  if (!places || !lvv_places || !max_stay)
    return fail("--places, --lvv-places, --max-stay-months take whole numbers");
  if (*lvv_places > *places || *places > 1'000'000 || *max_stay < 1 || *max_stay > 120) {
    return fail("need lvv-places <= places <= 1000000 and 1 <= max-stay-months <= 120");
  }
  const ProgrammeState defaults =
      initial_programme(static_cast<std::int64_t>(*places), static_cast<std::int64_t>(*lvv_places),
                        static_cast<std::int64_t>(*max_stay));
  SystemClock clock;
  WritePolicy policy{defaults, clock};
  RocksStoreOptions store_options;
  store_options.path = data_dir;
  store_options.clock = &clock;
  store_options.policy = &policy;
  store_options.upcast = upcast_envelope;
  std::error_code fs_ec;
  std::filesystem::create_directories(data_dir, fs_ec);
  if (fs_ec) return fail("cannot create --data-dir " + data_dir + ": " + fs_ec.message());
  auto store = RocksEventStore::open(std::move(store_options));
  if (!store) return fail("cannot open the store at " + data_dir + ": " + store.error().internal);
  // Missing keys are made only beside an empty store.
  if (!keys->complete()) {
    if ((*store)->last_position() != 0) return fail(missing_keys_problem(*keys, data_dir));
    if (auto made = privacy::create_missing_keys(*keys); !made) {
      return fail("cannot create keys in --keys-dir " + keys_dir + ": " + made.error().message);
    }
  }
  // Personal data: sealed with per-case data keys in the store, wrapped with the master key of
  // the keys directory.
  privacy::KeyRing ring{*(*store)->db(), (*store)->column_family(kDataKeysCf), *keys};
  if (auto usable = ring.check_master_keys(); !usable) {
    return fail("the keys directory " + keys_dir + " cannot open this store's personal data (" +
                usable.error().message + "): is --keys-dir right?");
  }
  privacy::Sealer sealer{ring};
  const privacy::Pseudonymiser pseudonymiser{keys->research};
  privacy::AccessLog access_log{*(*store)->db(), (*store)->column_family(kAccessLogCf)};
  std::vector<rocksdb::ColumnFamilyHandle*> all_families;
  for (std::size_t i = 0; i < std::size(kColumnFamilies); ++i) {
    all_families.push_back((*store)->column_family(i));
  }
  privacy::ErasurePurger purger{[&ring, &all_families] {
    if (auto purged = ring.purge_erased_keys(all_families); !purged) {
      std::cerr << "perspectief-server: erased keys not purged yet: " << purged.error().internal
                << "\n";
    }
  }};
  // The write model and the read models are ready before the first request: from the last
  // snapshot, folding only the events after it.
  const auto load_started = std::chrono::steady_clock::now();
  CaseFiles case_files{defaults};
  History history{defaults.places, defaults.lvv_places, defaults.max_stay_months};
  Projector projector{**store};
  // A fold that fails after a commit leaves the read models behind: the operator hears of it.
  projector.on_error([](const Error& e) { api::log_internal_error("projector", e); });
  const auto started = start_models(**store, defaults, policy, case_files, history, projector);
  if (!started) return fail("cannot fold the log: " + started.error().message);
  const std::uint64_t snapshot_at = *started;
  if (*demo && (*store)->last_position() == 0) {
    DemoOptions d;
    d.end = clock.now();
    d.sealer = &sealer;
    auto report = generate_demo(**store, d);
    if (!report) return fail("cannot load the demo programme: " + report.error().message);
    if (auto compacted = (*store)->compact(); !compacted)
      return fail("cannot compact the demo store: " + compacted.error().internal);
    std::cerr << "perspectief-server: --demo: loaded " << report->events << " events for "
              << report->cases << " invented cases over " << d.years << " years\n";
  }
  std::cerr << "perspectief-server: read models at position " << projector.position()
            << " (snapshot at " << snapshot_at << ") in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - load_started)
                   .count()
            << " ms\n";

  // Before the io_context: a long poll's frame still pending when the io_context is
  // destroyed gives its place back to the signal then.
  api::CommitSignal signal{**store, api::CommitSignalOptions{*max_long_polls}};
  boost::asio::io_context ioc{static_cast<int>(*threads)};
  api::Metrics metrics;
  std::uint64_t last_commit = (*store)->last_position();
  const auto commit_subscription =
      (*store)->subscribe([&metrics, &last_commit](std::uint64_t last) {
        metrics.on_commit(last - last_commit);  // the store calls this on one thread, in order
        last_commit = last;
      });
  api::Api handlers{
      **store,
      *tokens,
      signal,
      clock,
      case_files,
      history,
      metrics,
      projector,
      api::PersonalData{sealer, pseudonymiser, access_log, [&purger] { purger.request(); }}};
  handlers.set_dashboard_dir(flags->get_or("dashboard-dir", ""));
  api::ServerOptions server_options;
  server_options.max_body = *max_body;
  server_options.max_connections = *max_connections;
  server_options.max_buffered_bytes = *max_buffered;
  server_options.read_timeout = std::chrono::seconds(*request_timeout);
  server_options.idle_timeout = std::chrono::seconds(*idle_timeout);
  server_options.tls = tls;
  api::HttpServer server{ioc, handlers, server_options};

  // The request log: one JSON line per request on stderr, written in batches off the request
  // threads (services/log_writer.hpp); everything is out before the process exits.
  LogWriter request_log{STDERR_FILENO};
  server.on_request([&request_log, &clock, &metrics](const api::RequestLog& r) {
    metrics.on_request(r.method, r.route, r.status, r.seconds);
    // Route templates only: no ids, no bodies, nothing personal.
    request_log.write(request_log_line(r, clock.now()));
  });

  auto endpoint = server.listen(listen->host, listen->port);
  if (!endpoint) return fail(endpoint.error().message);
  server.start();
  handlers.set_ready(true);

  // Snapshots while running, so a restart after a crash folds at most the last interval.
  boost::asio::steady_timer snapshot_timer{ioc};
  std::uint64_t last_snapshot = snapshot_at;
  std::function<void()> schedule_snapshot = [&] {
    snapshot_timer.expires_after(std::chrono::seconds(*snapshot_interval));
    snapshot_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (projector.position() > last_snapshot) {
        if (auto saved = save_snapshot(**store, projector, case_files, history, defaults)) {
          last_snapshot = *saved;
          std::cerr << "perspectief-server: snapshot saved at position " << *saved << "\n";
        } else {
          std::cerr << "perspectief-server: snapshot not saved: " << saved.error().message << "\n";
        }
      }
      schedule_snapshot();
    });
  };
  schedule_snapshot();
  // An erasure's purge may not have run before the last stop (a crash): run one now.
  purger.request();

  boost::asio::signal_set signals{ioc, SIGTERM, SIGINT};
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    handlers.set_ready(false);
    signal.shutdown();
    snapshot_timer.cancel();
    server.stop(std::chrono::seconds(10), [&ioc] { ioc.stop(); });
  });

  const auto& addr = endpoint->address();
  const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  std::printf("listening on %s://%s:%u\n", tls ? "https" : "http", host.c_str(),
              static_cast<unsigned>(endpoint->port()));
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (std::uint64_t i = 1; i < *threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  request_log.flush();
  // A snapshot at the end, so the next start folds (almost) nothing.
  if (auto saved = save_snapshot(**store, projector, case_files, history, defaults); !saved) {
    std::cerr << "perspectief-server: snapshot not saved: " << saved.error().message << "\n";
  }
  (*store)->unsubscribe(commit_subscription);
  purger.stop();
  (*store)->close();
  return 0;
}
