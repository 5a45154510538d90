#include "services/server_config.hpp"

#include <algorithm>
#include <thread>

#include "api/tls_context.hpp"
#include "api/webhook_client.hpp"

namespace perspectief {

const char* const kServerUsage =
    "usage: perspectief-server --tokens FILE [--data-dir DIR] [--listen HOST:PORT]\n"
    "       [--keys-dir DIR] [--tls-cert FILE --tls-key FILE] [--threads N] [--max-body BYTES]\n"
    "       [--request-timeout SECONDS] [--idle-timeout SECONDS] [--snapshot-interval SECONDS]\n"
    "       [--max-connections N] [--max-buffered-bytes BYTES] [--max-long-polls-per-token N]\n"
    "       [--places N --lvv-places N --max-stay-months N] [--demo]\n"
    "       [--webhook-allow HOSTS_AND_CIDRS] [--webhook-allow-http] [--webhook-ca-file FILE]\n"
    "       [--webhook-timeout-ms MS] [--webhook-retry-base-ms MS] [--webhook-retry-max-ms MS]\n"
    "       [--dashboard-dir DIR]  (serve the dashboard's files from DIR: development)\n"
    "Each flag can also be set as PERSPECTIEF_<FLAG> in the environment.\n";

namespace {

// The flags perspectief-server takes.
std::vector<std::string> known_flags() {
  return {"data-dir",
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
          "max-long-polls-per-token",
          "webhook-allow",
          "webhook-allow-http",
          "webhook-ca-file",
          "webhook-timeout-ms",
          "webhook-retry-base-ms",
          "webhook-retry-max-ms"};
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
  c.keys_dir = flags.get_or("keys-dir", default_keys_dir(c.data_dir));
  auto keys = privacy::read_keys_dir(c.keys_dir);
  if (!keys) return invalid("cannot use --keys-dir " + c.keys_dir + ": " + keys.error().message);
  c.keys = std::move(keys).value();
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

Result<ServerConfig> read_server_config(const std::vector<std::string>& args) {
  auto flags = Flags::parse(args, known_flags(), {"demo", "help", "webhook-allow-http"});
  if (!flags) return invalid(flags.error().message + "\n" + kServerUsage).error();
  ServerConfig c;
  if (auto s = read_switches(*flags, c); !s) return s.error();
  if (c.help) return c;
  // In the order the server has always checked them: the first refusal is the one printed.
  for (const auto read : {read_tls, read_tokens_and_listen, read_capacity, read_intervals,
                          read_keys, read_programme, read_webhooks}) {
    if (auto s = read(*flags, c); !s) return s.error();
  }
  return c;
}

}  // namespace perspectief
