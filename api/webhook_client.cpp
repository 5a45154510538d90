#include "api/webhook_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <type_traits>

namespace perspectief::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kUserAgent = "perspectief-webhooks";
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// A larger answer body is not read to its end: the connection is closed instead.
constexpr std::uint64_t kBodyLimit = std::uint64_t{64} * 1024;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

WebhookResponse failed(std::string error, int status = 0) {
  return WebhookResponse{false, status, std::move(error)};
}

std::string duration_text(std::chrono::milliseconds t) {
  if (t.count() % 1000 == 0) return std::to_string(t.count() / 1000) + " s";
  return std::to_string(t.count()) + " ms";
}

// The lastError of a failed network or TLS step: a fixed phrase or the system's text for the
// error code, never bytes the peer sent.
std::string network_error(const boost::system::error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return "timed out after " + duration_text(timeout);
  }
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again) {
    return "host not found";
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    return std::string("TLS: ") + (reason != nullptr ? reason : "handshake failed");
  }
  if (ec == ssl::error::stream_truncated) return "TLS: connection closed without close_notify";
  if (ec == http::error::end_of_stream) return "connection closed without an answer";
  return ec.message();
}

// The addresses of the target that may be connected to, or the lastError if none may.
asio::awaitable<std::string> resolve(const WebhookAllowList& allow, const WebhookTarget& target,
                                     SteadyClock::time_point deadline,
                                     std::chrono::milliseconds timeout,
                                     std::vector<tcp::endpoint>& out) {
  const auto ex = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(ex);
  // The resolver has no deadline of its own: a timer cancels it (a lookup already running in
  // the system resolver still ends only when that returns).
  asio::steady_timer timer(ex, deadline);
  timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](boost::system::error_code ec) {
    if (auto r = weak.lock(); r && !ec) r->cancel();
  });
  boost::system::error_code parse_ec;
  (void)asio::ip::make_address(target.host, parse_ec);
  const auto flags = parse_ec ? tcp::resolver::numeric_service
                              : tcp::resolver::numeric_service | tcp::resolver::numeric_host;
  auto [ec, results] = co_await resolver->async_resolve(target.host, target.port, flags, kTuple);
  timer.cancel();
  if (ec) co_return network_error(ec, timeout);
  std::string refused;
  for (const auto& entry : results) {
    const auto address = entry.endpoint().address();
    if (target.host_named_in_list || allow.allows_address(address)) {
      out.push_back(entry.endpoint());
    } else if (refused.empty()) {
      refused = "address " + address.to_string() + " is not in the allow list";
    }
  }
  co_return out.empty() ? (refused.empty() ? "host not found" : refused) : std::string();
}

// The Host header: IPv6 literals in brackets, the port unless it is the scheme's default.
std::string host_header(const WebhookTarget& target) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(target.host, ec);
  std::string host = !ec && address.is_v6() ? "[" + target.host + "]" : target.host;
  if (target.port != (target.tls ? "443" : "80")) host.append(":").append(target.port);
  return host;
}

http::request<http::string_body> make_request(const WebhookRequest& request) {
  http::request<http::string_body> req{http::verb::post, request.target->target, 11};
  req.set(http::field::host, host_header(*request.target));
  req.set(http::field::user_agent, kUserAgent);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::connection, "keep-alive");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();
  return req;
}

WebhookResponse from_status(unsigned status) {
  const auto code = static_cast<int>(status);
  if (status >= 200 && status < 300) return WebhookResponse{true, code, {}};
  if (status >= 300 && status < 400) {
    return failed("redirect not followed (HTTP " + std::to_string(status) + ")", code);
  }
  return failed("HTTP " + std::to_string(status), code);
}

// True if `ec` says the peer closed the connection (as a receiver does with an idle one).
bool closed_by_peer(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

// How one request on an open connection went.
struct Exchanged {
  WebhookResponse response;
  bool keep = false;        // the connection may carry the next request
  bool unanswered = false;  // it failed before any byte of an answer, the peer having closed
};

// Sends the request and reads the whole answer by `deadline`; the body, up to kBodyLimit,
// is discarded. The status counts even when the body cannot be read; the connection is then
// not kept.
template <class Stream>
asio::awaitable<Exchanged> exchange(Stream& stream, const WebhookRequest& request,
                                    SteadyClock::time_point deadline) {
  beast::get_lowest_layer(stream).expires_at(deadline);
  const auto req = make_request(request);
  auto [write_ec, written] = co_await http::async_write(stream, req, kTuple);
  if (write_ec) {
    co_return Exchanged{failed(network_error(write_ec, request.timeout)), false,
                        write_ec != beast::error::timeout};
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  auto [header_ec, header_read] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  if (header_ec == http::error::body_limit) {
    // A Content-Length over the limit: the status line counts, the body is not read.
    co_return Exchanged{from_status(parser.get().result_int()), false, false};
  }
  if (header_ec) {
    co_return Exchanged{failed(network_error(header_ec, request.timeout)), false,
                        !parser.got_some() && closed_by_peer(header_ec)};
  }
  WebhookResponse response = from_status(parser.get().result_int());
  auto [body_ec, body_read] = co_await http::async_read(stream, buffer, parser, kTuple);
  // Bytes beyond the answer were not asked for: such a connection is not trusted again.
  const bool keep = !body_ec && parser.keep_alive() && buffer.size() == 0;
  co_return Exchanged{std::move(response), keep, false};
}

// Connects to the first of `to` that accepts (and for TLS shakes hands) by `deadline`; the
// lastError if it cannot.
template <class Stream>
asio::awaitable<std::string> connect_stream(Stream& stream, const std::vector<tcp::endpoint>& to,
                                            std::chrono::milliseconds timeout,
                                            SteadyClock::time_point deadline,
                                            tcp::endpoint& connected) {
  auto& socket = beast::get_lowest_layer(stream);
  socket.expires_at(deadline);
  auto [connect_ec, endpoint] = co_await socket.async_connect(to, kTuple);
  if (connect_ec) co_return network_error(connect_ec, timeout);
  connected = endpoint;
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
    if (handshake_ec) co_return network_error(handshake_ec, timeout);
  }
  co_return std::string();
}

// SNI for a host name (not for an IP literal, RFC 6066) and verification of the certificate
// against the host, name or address.
bool set_up_tls(TlsStream& stream, const std::string& host) {
  boost::system::error_code ec;
  (void)asio::ip::make_address(host, ec);
  if (ec && SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1) return false;
  stream.set_verify_mode(ssl::verify_peer, ec);
  if (!ec) stream.set_verify_callback(ssl::host_name_verification(host), ec);
  return !ec;
}

}  // namespace

struct WebhookConnection::Open {
  bool tls = false;
  std::string host;
  std::string port;
  tcp::endpoint endpoint;  // the resolved address connected to
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> secure;
};

WebhookConnection::WebhookConnection() = default;
WebhookConnection::~WebhookConnection() = default;
WebhookConnection::WebhookConnection(WebhookConnection&&) noexcept = default;
WebhookConnection& WebhookConnection::operator=(WebhookConnection&&) noexcept = default;

void WebhookConnection::close() {
  open_.reset();
}

void WebhookConnection::reset(std::unique_ptr<Open> open) {
  open_ = std::move(open);
}

namespace {

// True if `open` goes where `target` points, to an address the allow list still admits.
bool serves(const WebhookConnection::Open& open, const WebhookAllowList& allow,
            const WebhookTarget& target) {
  return open.tls == target.tls && open.host == target.host && open.port == target.port &&
         (target.host_named_in_list || allow.allows_address(open.endpoint.address()));
}

// Resolves the target, connects and for TLS shakes hands, by `deadline`; on success the
// connection holds the new stream. The lastError if it fails.
asio::awaitable<std::string> connect(const WebhookAllowList& allow, ssl::context& tls,
                                     const WebhookRequest& request,
                                     SteadyClock::time_point deadline,
                                     WebhookConnection& connection) {
  const WebhookTarget& target = *request.target;
  std::vector<tcp::endpoint> endpoints;
  auto refused = co_await resolve(allow, target, deadline, request.timeout, endpoints);
  if (!refused.empty()) co_return refused;
  const auto ex = co_await asio::this_coro::executor;
  auto open = std::make_unique<WebhookConnection::Open>();
  open->tls = target.tls;
  open->host = target.host;
  open->port = target.port;
  std::string error;
  if (!target.tls) {
    open->plain = std::make_unique<beast::tcp_stream>(ex);
    error =
        co_await connect_stream(*open->plain, endpoints, request.timeout, deadline, open->endpoint);
  } else {
    open->secure = std::make_unique<TlsStream>(ex, tls);
    if (!set_up_tls(*open->secure, target.host)) co_return "TLS: cannot set up the connection";
    error = co_await connect_stream(*open->secure, endpoints, request.timeout, deadline,
                                    open->endpoint);
  }
  if (error.empty()) connection.reset(std::move(open));
  co_return error;
}

asio::awaitable<Exchanged> exchange_on(WebhookConnection::Open& open, const WebhookRequest& request,
                                       SteadyClock::time_point deadline) {
  if (open.secure) {
    co_return co_await exchange(*open.secure, request, deadline);
  }
  co_return co_await exchange(*open.plain, request, deadline);
}

WebhookResponse finish(WebhookConnection& connection, Exchanged exchanged) {
  if (!exchanged.keep) connection.close();
  return std::move(exchanged.response);
}

}  // namespace

asio::awaitable<WebhookResponse> post_webhook(const WebhookAllowList& allow, ssl::context& tls,
                                              WebhookRequest request,
                                              WebhookConnection& connection) {
  const auto deadline = SteadyClock::now() + request.timeout;
  if (connection.is_open() && !serves(*connection.open(), allow, *request.target)) {
    connection.close();
  }
  if (connection.is_open()) {
    Exchanged reused = co_await exchange_on(*connection.open(), request, deadline);
    if (!reused.unanswered) co_return finish(connection, std::move(reused));
    // The receiver closed the idle connection: once more on a new one, same deadline.
    connection.close();
  }
  const std::string refused = co_await connect(allow, tls, request, deadline, connection);
  if (!refused.empty()) co_return failed(refused);
  Exchanged fresh = co_await exchange_on(*connection.open(), request, deadline);
  co_return finish(connection, std::move(fresh));
}

asio::awaitable<WebhookResponse> post_webhook(const WebhookAllowList& allow, ssl::context& tls,
                                              WebhookRequest request) {
  WebhookConnection connection;
  co_return co_await post_webhook(allow, tls, std::move(request), connection);
}

Result<std::unique_ptr<ssl::context>> webhook_tls_context(const std::string& ca_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression,
                   ec);
  if (!ec && SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) {
    return make_error(ErrorCode::invalid, "cannot require TLS 1.2 or later");
  }
  if (!ec) ctx->set_default_verify_paths(ec);
  if (!ec) ctx->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return make_error(ErrorCode::invalid, "cannot set up webhook TLS: " + ec.message());
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) {
      return make_error(ErrorCode::invalid,
                        "cannot read the webhook CA file " + ca_file + ": " + ec.message());
    }
  }
  return ctx;
}

}  // namespace perspectief::api
