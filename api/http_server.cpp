#include "api/http_server.hpp"

#include "eventstore/random.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <array>
#include <memory>

#include "api/problem.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& ioc, Api& api, ServerOptions options)
    : ioc_(ioc), api_(api), options_(options), acceptor_(ioc) {}

Result<tcp::endpoint> HttpServer::listen(const std::string& host, unsigned short port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return make_error(ErrorCode::invalid, "bad listen address " + host);
  const tcp::endpoint ep{address, port};
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(ErrorCode::unavailable, "cannot listen on " + host + ": " + ec.message());
  return acceptor_.local_endpoint();
}

void HttpServer::start() {
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

void HttpServer::stop(std::chrono::milliseconds grace, std::function<void()> done) {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  asio::co_spawn(ioc_, drain_in_flight(grace, std::move(done)), asio::detached);
}

asio::awaitable<void> HttpServer::drain_in_flight(std::chrono::milliseconds grace,
                                                  std::function<void()> done) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer timer{ioc_};
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  done();
}

asio::awaitable<void> HttpServer::accept_loop() {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_),
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // e.g. EMFILE: keep serving the connections we have, and do not spin.
      asio::steady_timer backoff{ioc_, std::chrono::milliseconds(50)};
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    auto ex = socket.get_executor();
    if (options_.tls) {
      asio::co_spawn(ex, tls_session(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(ex, session(std::move(socket)), asio::detached);
    }
  }
}

std::string request_id_for(std::string_view given) {
  const bool usable =
      !given.empty() && given.size() <= 64 && std::all_of(given.begin(), given.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
      });
  if (usable) return std::string{given};
  std::array<std::uint8_t, 8> b{};
  fill_random(b.data(), b.size());
  return to_hex(b.data(), b.size());
}

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// After refusing a request mid-body, read and discard what the client is still sending (for a
// bounded time and amount) so that closing does not reset the connection before the client
// has read the problem reply.
template <class Stream>
asio::awaitable<void> drain(Stream& stream) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    boost::system::error_code ec;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  tcp_layer.expires_after(std::chrono::seconds(2));
  std::array<char, 16 * 1024> sink{};
  std::size_t total = 0;
  constexpr std::size_t kMaxDrain = 16 * 1024 * 1024;
  while (total < kMaxDrain) {
    auto [rec, n] =
        co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (rec) break;
    total += n;
  }
}

// The end of a connection: a TLS close_notify (bounded in time) or a TCP half-close.
template <class Stream>
asio::awaitable<void> close_gracefully(Stream& stream, std::chrono::seconds timeout) {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
  } else {
    (void)timeout;
  }
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

asio::awaitable<void> HttpServer::session(tcp::socket socket) {
  beast::tcp_stream stream{std::move(socket)};
  co_await serve(stream);
}

asio::awaitable<void> HttpServer::tls_session(tcp::socket socket) {
  TlsStream stream{std::move(socket), *options_.tls};
  beast::get_lowest_layer(stream).expires_after(options_.read_timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                              asio::as_tuple(asio::use_awaitable));
  if (ec) co_return;  // not TLS, an old protocol version, or too slow: just close
  co_await serve(stream);
}

template <class Stream>
asio::awaitable<void> HttpServer::serve(Stream& stream) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options_.max_body);
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header));
    // Slow clients: an idle keep-alive connection may wait idle_timeout for the first byte of
    // its next request (a new connection only read_timeout); from that byte on, the whole
    // request must arrive within read_timeout.
    if (buffer.size() == 0) {
      tcp_layer.expires_after(first ? options_.read_timeout : options_.idle_timeout);
      auto [fec, fn] = co_await stream.async_read_some(buffer.prepare(4096),
                                                       asio::as_tuple(asio::use_awaitable));
      if (fec) break;
      buffer.commit(fn);
    }
    first = false;
    tcp_layer.expires_after(options_.read_timeout);
    auto [ec, n] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) {
      std::optional<Response> reply;
      if (ec == http::error::body_limit) {
        reply = problem(413, "the body is over " + std::to_string(options_.max_body) + " bytes");
      } else if (ec == http::error::header_limit) {
        reply = problem(431, "the headers are over the limit");
      } else if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::connection_reset && ec != asio::error::eof &&
                 ec != asio::error::operation_aborted && ec != http::error::partial_message) {
        reply = problem(400, "the request is not valid HTTP/1.1");
      }
      if (reply) {
        reply->keep_alive(false);
        tcp_layer.expires_after(options_.write_timeout);
        co_await http::async_write(stream, *reply, asio::as_tuple(asio::use_awaitable));
        const std::string rid = request_id_for({});
        if (log_) log_({rid, "-", "unmatched", "-", reply->result_int(), 0.0});
        co_await drain(stream);
      }
      break;
    }
    const Request req = parser.release();
    const auto started = std::chrono::steady_clock::now();
    ++in_flight_;
    tcp_layer.expires_never();
    std::string_view route;
    std::string_view role;
    const std::string rid = request_id_for(req["X-Request-Id"]);
    Response res = co_await api_.handle(req, route, role);
    res.set("X-Request-Id", rid);
    const bool keep = req.keep_alive() && !stopping_;
    res.keep_alive(keep);
    res.prepare_payload();
    tcp_layer.expires_after(options_.write_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    (void)wn;
    --in_flight_;
    if (log_) {
      log_({rid, http::to_string(req.method()), route, role, res.result_int(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
    }
    if (wec || !keep) break;
  }
  co_await close_gracefully(stream, std::chrono::seconds(2));
}

}  // namespace perspectief::api
