#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/auth.hpp"
#include "api/webhook_allow_list.hpp"
#include "domain/programme.hpp"
#include "domain/result.hpp"
#include "eventstore/keys_dir.hpp"
#include "services/flags.hpp"

namespace boost::asio::ssl {
class context;
}

namespace perspectief {

// perspectief-server's usage text (printed for --help and after a flag error).
extern const char* const kServerUsage;

// The server's flags, checked, and what they name read: the TLS certificate, the tokens and
// the keys directory. Nothing is created while reading them: a wrong flag leaves no trace.
struct ServerConfig {
  bool help = false;  // --help: print the usage, nothing else is read
  bool demo = false;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  api::TokenRegistry tokens;
  HostPort listen;
  unsigned threads = 1;
  std::uint64_t max_body = 0;
  std::uint64_t max_connections = 0;
  std::uint64_t max_buffered_bytes = 0;
  std::uint64_t max_long_polls_per_token = 0;
  std::uint64_t snapshot_interval_s = 0;
  std::uint64_t request_timeout_s = 0;
  std::uint64_t idle_timeout_s = 0;
  std::string data_dir;
  // --follow: the writer's data directory; this server is then its read follower, and
  // data_dir its own working directory. Empty: this server is the writer.
  std::string follow;
  std::uint64_t follow_interval_ms = 100;
  std::string keys_dir;
  privacy::KeysDir keys;
  ProgrammeState defaults;
  std::string dashboard_dir;
  // Webhook delivery: the allowed targets, the TLS client context, the time a receiver has to
  // answer, and the retry schedule's first wait and cap.
  api::WebhookAllowList webhook_allow;
  std::shared_ptr<boost::asio::ssl::context> webhook_tls;
  std::uint64_t webhook_timeout_ms = 10'000;
  std::uint64_t webhook_retry_base_ms = 1'000;
  std::uint64_t webhook_retry_max_ms = 600'000;
};

// The configuration from the command line (and PERSPECTIEF_<FLAG> variables); the error's
// message is the text the server prints, in the order the flags are checked.
Result<ServerConfig> read_server_config(const std::vector<std::string>& args);

}  // namespace perspectief
