#include "services/server_config.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "api/tls_context.hpp"
#include "api/webhook_client.hpp"

namespace perspectief {

namespace {

// The flags perspectief-server takes, each once with its help text: the usage, the
// environment variables and the config file's keys all come from here.
const std::vector<FlagSpec>& server_flags() {
  static const std::vector<FlagSpec> kFlags{
      {"config", "an INI file of `name = value` lines, names as the flags below", "FILE"},
      {"tokens", "the tokens file (required)", "FILE"},
      {"data-dir", "the RocksDB store, made if missing (default ./var/data)", "DIR"},
      {"keys-dir", "master and research keys (default <data-dir>/../keys)", "DIR"},
      {"follow",
       "serve reads as a follower of the writer whose --data-dir is DIR (this --data-dir: "
       "the follower's own files; keys default to DIR/../keys)",
       "DIR"},
      {"follow-interval-ms", "how often a follower catches up, 10-60000 (default 100)", "MS"},
      {"listen", "address to serve on (default 127.0.0.1:8080; port 0: any free)", "HOST:PORT"},
      {"tls-cert", "PEM certificate chain: serve HTTPS only (with --tls-key)", "FILE"},
      {"tls-key", "the certificate's PEM private key", "FILE"},
      {"threads", "I/O threads, 1-256 (default: the number of cores)", "N"},
      {"max-body", "request body limit (default 1048576)", "BYTES"},
      {"max-connections", "connections open at once, 1-1000000 (default 1024)", "N"},
      {"max-buffered-bytes", "request bodies held at once (default 268435456)", "BYTES"},
      {"max-long-polls-per-token", "open long polls per token (default 16)", "N"},
      {"request-timeout", "time for a request, 1-3600 (default 15)", "SECONDS"},
      {"idle-timeout", "keep-alive wait for the next request, 1-3600 (default 60)", "SECONDS"},
      {"snapshot-interval", "how often to save a read-model snapshot (default 300)", "SECONDS"},
      {"places", "the programme's places before a ProgrammeCapacitySet (default 500)", "N"},
      {"lvv-places", "its LVV-funded places (default 360)", "N"},
      {"max-stay-months", "its maximum stay (default 18)", "N"},
      {"demo", "fill an empty store with an invented demo programme", "", true},
      {"webhook-allow", "webhook targets: host names and CIDR ranges, comma-separated",
       "HOSTS_AND_CIDRS"},
      {"webhook-allow-http", "allow plain-HTTP webhook targets (development)", "", true},
      {"webhook-ca-file", "CA bundle for webhook targets (default: the system's)", "FILE"},
      {"webhook-timeout-ms", "time for one webhook delivery (default 10000)", "MS"},
      {"webhook-retry-base-ms", "first webhook retry delay (default 1000)", "MS"},
      {"webhook-retry-max-ms", "longest webhook retry delay (default 600000)", "MS"},
      {"dashboard-dir", "serve the dashboard's files from DIR (development)", "DIR"},
      {"help", "print this help and exit", "", true},
  };
  return kFlags;
}

std::string make_usage() {
  return "usage: perspectief-server --tokens FILE [options]\n" + Flags::help_text(server_flags()) +
         "Each flag can also be set as PERSPECTIEF_<FLAG> in the environment (--data-dir:\n"
         "PERSPECTIEF_DATA_DIR), or as `flag = value` in the --config file. The command line\n"
         "wins over the environment, the environment over the file.\n";
}

Status invalid(std::string message) {
  return make_error(ErrorCode::invalid, std::move(message));
}

Status read_switches(const Flags& flags, ServerConfig& c) {
  const auto help = flags.enabled("help");
  const auto demo = flags.enabled("demo");
  if (!help || !demo) return (!help ? help : demo).error();
  c.help = *help;
  c.demo = *demo;
  return Ok{};
}

// Webhook targets (spec/integrations.md): none until the operator allows some.
Status read_webhooks(const Flags& flags, ServerConfig& c) {
  const auto allow_http = flags.enabled("webhook-allow-http");
  if (!allow_http) return allow_http.error();
  auto allow = api::WebhookAllowList::parse(flags.get_or("webhook-allow", ""), *allow_http);
  if (!allow) return invalid("--webhook-allow: " + allow.error().message);
  c.webhook_allow = std::move(*allow);
  auto tls = api::webhook_tls_context(flags.get_or("webhook-ca-file", ""));
  if (!tls) return invalid("--webhook-ca-file: " + tls.error().message);
  c.webhook_tls = std::move(*tls);
  auto timeout = flags.get_uint("webhook-timeout-ms", 10'000);
  auto base = flags.get_uint("webhook-retry-base-ms", 1'000);
  auto cap = flags.get_uint("webhook-retry-max-ms", 600'000);
  if (!timeout || !base || !cap || *timeout == 0 || *timeout > 600'000 || *base == 0 ||
      *cap < *base || *cap > 86'400'000) {
    return invalid(
        "--webhook-timeout-ms takes 1..600000, --webhook-retry-base-ms 1.. and "
        "--webhook-retry-max-ms base..86400000");
  }
  c.webhook_timeout_ms = *timeout;
  c.webhook_retry_base_ms = *base;
  c.webhook_retry_max_ms = *cap;
  return Ok{};
}

Status read_tls(const Flags& flags, ServerConfig& c) {
  if (!flags.has("tls-cert") && !flags.has("tls-key")) return Ok{};
  if (!flags.has("tls-cert") || !flags.has("tls-key")) {
    return invalid("--tls-cert and --tls-key go together");
  }
  auto context = api::make_tls_context(*flags.get("tls-cert"), *flags.get("tls-key"));
  if (!context) return context.error();
  c.tls = *context;
  return Ok{};
}

Status read_tokens_and_listen(const Flags& flags, ServerConfig& c) {
  const auto tokens_path = flags.get("tokens");
  if (!tokens_path) return invalid(std::string{"--tokens is required\n"} + kServerUsage);
  auto tokens = api::TokenRegistry::load(*tokens_path);
  if (!tokens) return tokens.error();
  c.tokens = std::move(tokens).value();
  auto listen = parse_listen(flags.get_or("listen", "127.0.0.1:8080"));
  if (!listen) return listen.error();
  c.listen = *listen;
  return Ok{};
}

// Threads, request bodies, connections open at once, request bodies held at once (the
// --max-body of one request must fit), and the long polls (GET /v1/events?wait=) one token may
// hold open at once.
Status read_capacity(const Flags& flags, ServerConfig& c) {
  auto threads = flags.get_uint("threads", std::max(1U, std::thread::hardware_concurrency()));
  if (!threads || *threads == 0 || *threads > 256) return invalid("--threads must be 1..256");
  c.threads = static_cast<unsigned>(*threads);
  auto max_body = flags.get_uint("max-body", 1 << 20);
  if (!max_body || *max_body == 0) return invalid("--max-body must be a positive number of bytes");
  c.max_body = *max_body;
  auto max_connections = flags.get_uint("max-connections", 1024);
  if (!max_connections || *max_connections == 0 || *max_connections > 1'000'000)
    return invalid("--max-connections must be 1..1000000");
  c.max_connections = *max_connections;
  auto max_buffered = flags.get_uint("max-buffered-bytes", std::uint64_t{256} << 20);
  if (!max_buffered || *max_buffered < *max_body)
    return invalid("--max-buffered-bytes must be a number of bytes >= --max-body");
  c.max_buffered_bytes = *max_buffered;
  auto max_long_polls = flags.get_uint("max-long-polls-per-token", 16);
  if (!max_long_polls || *max_long_polls == 0 || *max_long_polls > 100'000)
    return invalid("--max-long-polls-per-token must be 1..100000");
  c.max_long_polls_per_token = *max_long_polls;
  return Ok{};
}

Status read_intervals(const Flags& flags, ServerConfig& c) {
  auto snapshot_interval = flags.get_uint("snapshot-interval", 300);
  if (!snapshot_interval || *snapshot_interval == 0)
    return invalid("--snapshot-interval takes seconds > 0");
  c.snapshot_interval_s = *snapshot_interval;
  auto request_timeout = flags.get_uint("request-timeout", 15);
  auto idle_timeout = flags.get_uint("idle-timeout", 60);
  if (!request_timeout || !idle_timeout || *request_timeout == 0 || *idle_timeout == 0 ||
      *request_timeout > 3600 || *idle_timeout > 3600) {
    return invalid("--request-timeout and --idle-timeout take 1..3600 seconds");
  }
  c.request_timeout_s = *request_timeout;
  c.idle_timeout_s = *idle_timeout;
  return Ok{};
}

// The keys are read and checked before anything is created: a wrong --keys-dir or an exposed
// key file leaves no trace.
Status read_keys(const Flags& flags, ServerConfig& c) {
  c.data_dir = flags.get_or("data-dir", "./var/data");
  c.follow = flags.get_or("follow", "");
  // A follower uses the writer's keys: by default where the writer's are.
  c.keys_dir = flags.get_or("keys-dir", default_keys_dir(c.follow.empty() ? c.data_dir : c.follow));
  auto keys = privacy::read_keys_dir(c.keys_dir);
  if (!keys) return invalid("cannot use --keys-dir " + c.keys_dir + ": " + keys.error().message);
  c.keys = std::move(keys).value();
  return Ok{};
}

// A read follower: the writer's store, caught up every --follow-interval-ms; never its
// own --data-dir, and no demo (a follower writes nothing to the writer's store).
Status read_follow(const Flags& flags, ServerConfig& c) {
  auto interval = flags.get_uint("follow-interval-ms", 100);
  if (!interval || *interval < 10 || *interval > 60'000) {
    return invalid("--follow-interval-ms takes 10..60000");
  }
  c.follow_interval_ms = *interval;
  if (c.follow.empty()) return Ok{};
  if (c.demo) return invalid("--demo and --follow do not go together: a follower writes nothing");
  std::error_code ec;
  if (std::filesystem::equivalent(c.follow, c.data_dir, ec)) {
    return invalid(
        "--follow names the writer's --data-dir; the follower needs a --data-dir of its own");
  }
  if (!std::filesystem::is_directory(c.follow, ec)) {
    return invalid("--follow " + c.follow + " is not a directory (the writer's --data-dir)");
  }
  return Ok{};
}

Status read_programme(const Flags& flags, ServerConfig& c) {
  auto places = flags.get_uint("places", 500);
  auto lvv_places = flags.get_uint("lvv-places", 360);
  auto max_stay = flags.get_uint("max-stay-months", 18);
  if (!places || !lvv_places || !max_stay)
    return invalid("--places, --lvv-places, --max-stay-months take whole numbers");
  if (*lvv_places > *places || *places > 1'000'000 || *max_stay < 1 || *max_stay > 120) {
    return invalid("need lvv-places <= places <= 1000000 and 1 <= max-stay-months <= 120");
  }
  c.defaults =
      initial_programme(static_cast<std::int64_t>(*places), static_cast<std::int64_t>(*lvv_places),
                        static_cast<std::int64_t>(*max_stay));
  c.dashboard_dir = flags.get_or("dashboard-dir", "");
  return Ok{};
}

}  // namespace

// Generated once at start-up, where a failed allocation ends the server anyway.
// NOLINTNEXTLINE(cert-err58-cpp)
const std::string kServerUsageText = make_usage();
const char* const kServerUsage = kServerUsageText.c_str();

Result<ServerConfig> read_server_config(const std::vector<std::string>& args) {
  auto flags = Flags::parse_options(args, server_flags(), true);
  if (!flags) return invalid(flags.error().message + "\n" + kServerUsage).error();
  ServerConfig c;
  if (auto s = read_switches(*flags, c); !s) return s.error();
  if (c.help) return c;
  // In the order the server has always checked them: the first refusal is the one printed.
  for (const auto read : {read_tls, read_tokens_and_listen, read_capacity, read_intervals,
                          read_keys, read_follow, read_programme, read_webhooks}) {
    if (auto s = read(*flags, c); !s) return s.error();
  }
  return c;
}

}  // namespace perspectief
