#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "api/api.hpp"

namespace perspectief::api {

struct ServerOptions {
  std::size_t max_body = 1 << 20;
  std::size_t max_header = 16 * 1024;
  std::chrono::seconds read_timeout{15};  // a whole request (headers and body) must arrive in it
  std::chrono::seconds idle_timeout{60};  // a keep-alive connection may wait this long
  std::chrono::seconds write_timeout{30};
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

// A Beast HTTP/1.1 server: one coroutine per connection on its own strand, keep-alive,
// a deadline on every read and write, a body and header limit, graceful stop.
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
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> tls_session(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream);

  boost::asio::io_context& ioc_;
  Api& api_;
  ServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::function<void(const RequestLog&)> log_;
};

}  // namespace perspectief::api
