#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/api.hpp"

namespace perspectief::api {

struct ServerOptions {
  std::size_t max_body = 1 << 20;
  std::size_t max_header = std::size_t{16} * 1024;
  std::chrono::seconds read_timeout{15};  // a whole request (headers and body) must arrive in it
  std::chrono::seconds idle_timeout{60};  // a keep-alive connection may wait this long
  std::chrono::seconds write_timeout{30};
  // Connections open at once; a connection over it is answered 503 and closed at once (over
  // TLS: closed without an answer).
  std::size_t max_connections = 1024;
  // Request bodies held at once across all connections, counted by their announced length
  // (a chunked body by max_body) from the end of its headers until its reply is ready; a
  // request that would go over it is answered 503 before its body is read.
  std::size_t max_buffered_bytes = std::size_t{256} << 20;
  // When set, every connection is TLS (the handshake must finish within read_timeout).
  std::shared_ptr<boost::asio::ssl::context> tls;
};

// One line per finished request, for the structured log (never personal data).
struct RequestLog {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the template
  std::string_view role;   // "-" when unauthenticated
  unsigned status;
  double seconds;
};

// The X-Request-Id to use: the client's if it is 1-64 characters of [A-Za-z0-9._-], else a
// new random one (so a client cannot put arbitrary text into the log).
std::string request_id_for(std::string_view given);

// The HTTP date of a Unix time in seconds, IMF-fixdate (RFC 9110, 5.6.7):
// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::int64_t unix_seconds);

// A Beast HTTP/1.1 server: one coroutine per connection on its own strand, keep-alive,
// a deadline on every read and write, a body and header limit, graceful stop. A request is
// screened on its headers (a repeated Authorization, no such route, no valid token, the body
// budget) before its body is read. The acceptor lives on a strand of its own: the accept loop
// and stop() touch it only there.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, Api& api, ServerOptions options);

  // Binds and listens; port 0 picks a free port. Returns the bound endpoint.
  Result<boost::asio::ip::tcp::endpoint> listen(const std::string& host, unsigned short port);

  // Starts accepting (call after listen).
  void start();

  // Stops accepting; in-flight requests finish and their connections close after the reply.
  // `done` runs once nothing is in flight (or after `grace`); idle keep-alive connections
  // end when the caller then stops the io_context.
  void stop(std::chrono::milliseconds grace, std::function<void()> done);

  void on_request(std::function<void(const RequestLog&)> log) { log_ = std::move(log); }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> drain_in_flight(std::chrono::milliseconds grace,
                                               std::function<void()> done);
  // A server-wide count, shared with what holds a part of it: a session's coroutine frame can
  // outlive the server (an idle keep-alive connection's frame is destroyed with the
  // io_context, after the server at the end of main).
  using Count = std::shared_ptr<std::atomic<std::size_t>>;
  // Holds one unit (a connection) or bytes (a body) of a server-wide count until destroyed.
  class Held {
   public:
    Held() = default;
    Held(Count count, std::size_t n) : count_(std::move(count)), n_(n) {}
    Held(Held&& other) noexcept : count_(std::move(other.count_)), n_(other.n_) {}
    Held& operator=(Held&& other) noexcept;
    ~Held() { release(); }
    void release();

   private:
    Count count_;
    std::size_t n_ = 0;
  };
  struct Screened;

  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket, Held connection);
  boost::asio::awaitable<void> tls_session(boost::asio::ip::tcp::socket socket, Held connection);
  boost::asio::awaitable<void> refuse_connection(boost::asio::ip::tcp::socket socket,
                                                 Held refusing);
  struct Incoming;
  // The connection's requests, one after another, until it closes or must close.
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream);
  // Reads one request: waits for its first byte, reads and screens the headers, then the
  // body unless the headers refused it.
  template <class Stream>
  boost::asio::awaitable<Incoming> read_request(
      Stream& stream, boost::beast::flat_buffer& buffer,
      boost::beast::http::request_parser<boost::beast::http::string_body>& parser, bool first);
  // Answers a request that could not be read (too large, malformed, too slow) and closes.
  template <class Stream>
  boost::asio::awaitable<void> refuse_unreadable(Stream& stream, boost::system::error_code ec);
  // Answers a request that was read; false when the connection must close after it.
  template <class Stream>
  boost::asio::awaitable<bool> respond(Stream& stream, Request& req, Incoming& in);
  // What the headers of a request decide (a plain function: GCC 12 and coroutine frames).
  Screened screen(const Request& head, bool body_announced);
  // Takes n bytes of the body budget; nullopt when they are not free.
  std::optional<Held> reserve_body(std::size_t n);
  // The headers every response carries: Date, X-Content-Type-Options, HSTS over TLS.
  void decorate(Response& res) const;

  boost::asio::io_context& ioc_;
  Api& api_;
  ServerOptions options_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  boost::asio::ip::tcp::acceptor acceptor_;  // used on accept_strand_ only, once started
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  Count connections_ = std::make_shared<std::atomic<std::size_t>>(0);
  Count refusing_ = std::make_shared<std::atomic<std::size_t>>(0);  // over the cap, answered 503
  // Body bytes held (ServerOptions::max_buffered_bytes).
  Count buffered_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::function<void(const RequestLog&)> log_;
};

}  // namespace perspectief::api
