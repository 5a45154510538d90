#include "api/http_server.hpp"

#include "eventstore/random.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <tuple>

#include "api/problem.hpp"
#include "domain/time.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& ioc, Api& api, ServerOptions options)
    : ioc_(ioc),
      api_(api),
      options_(std::move(options)),
      accept_strand_(asio::make_strand(ioc)),
      acceptor_(accept_strand_) {}

HttpServer::Held& HttpServer::Held::operator=(Held&& other) noexcept {
  if (this != &other) {
    release();
    count_ = std::move(other.count_);
    n_ = other.n_;
    other.count_.reset();
  }
  return *this;
}

void HttpServer::Held::release() {
  if (count_) count_->fetch_sub(n_);
  count_.reset();
}

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
  asio::co_spawn(accept_strand_, accept_loop(), asio::detached);
}

void HttpServer::stop(std::chrono::milliseconds grace, std::function<void()> done) {
  stopping_ = true;
  // On the acceptor's strand: the accept loop may be inside async_accept on another thread.
  asio::post(accept_strand_, [this] {
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

namespace {

// Connections over --max-connections answered 503 at once; beyond these, closed unanswered.
constexpr std::size_t kMaxRefusing = 64;

}  // namespace

// Runs on accept_strand_ (started there by start()); so does every use of acceptor_ after
// listen().
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
    auto ex = socket.get_executor();
    // Only this loop adds to connections_, so the check and the add cannot be overtaken.
    if (connections_->load() >= options_.max_connections) {
      // Over the cap: a short 503 over plain HTTP (a TLS handshake would cost what the cap
      // protects), else the socket just closes.
      if (!options_.tls && refusing_->load() < kMaxRefusing) {
        refusing_->fetch_add(1);
        Held refusing{refusing_, 1};
        asio::co_spawn(ex, refuse_connection(std::move(socket), std::move(refusing)),
                       asio::detached);
      }
      continue;
    }
    connections_->fetch_add(1);
    Held connection{connections_, 1};
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    if (options_.tls) {
      asio::co_spawn(ex, tls_session(std::move(socket), std::move(connection)), asio::detached);
    } else {
      asio::co_spawn(ex, session(std::move(socket), std::move(connection)), asio::detached);
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

const std::array<std::string_view, 7> kWeekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// The Date of a response now, formatted once per second per thread.
const std::string& current_http_date() {
  thread_local std::int64_t second = INT64_MIN;
  thread_local std::string text;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  if (now != second) {
    text = http_date(now);
    second = now;
  }
  return text;
}

}  // namespace

std::string http_date(std::int64_t unix_seconds) {
  const Days days = day_of(unix_seconds * kMicrosPerSecond);
  const std::int64_t secs = unix_seconds - days * 86400;
  const CivilDate date = civil_from_days(days);
  const auto weekday = static_cast<std::size_t>(((days % 7) + 11) % 7);  // 1970-01-01: Thursday
  std::string out;
  out.reserve(29);
  out += kWeekdays[weekday];
  out += ", ";
  append_2(out, date.day);
  out += ' ';
  out += kMonths[date.month - 1];
  out += ' ';
  const std::string y = std::to_string(date.year);
  out.append(y.size() < 4 ? 4 - y.size() : 0, '0');
  out += y;
  out += ' ';
  append_2(out, static_cast<unsigned>(secs / 3600));
  out += ':';
  append_2(out, static_cast<unsigned>(secs / 60 % 60));
  out += ':';
  append_2(out, static_cast<unsigned>(secs % 60));
  out += " GMT";
  return out;
}

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// After refusing a request mid-body, read and discard what the client is still sending (for a
// bounded time and amount) so that closing does not reset the connection before the client
// has read the problem reply.
// Nothing read is kept: the memory is one small buffer whatever the client sends.
template <class Stream>
asio::awaitable<void> drain(Stream& stream, std::size_t max_bytes = std::size_t{16} * 1024 * 1024,
                            std::chrono::seconds timeout = std::chrono::seconds(2)) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    boost::system::error_code ec;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  tcp_layer.expires_after(timeout);
  std::array<char, 4096> sink{};
  std::size_t total = 0;
  while (total < max_bytes) {
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

// The answer to a request that could not be read whole; nullopt: close without one (the
// client went away or was too slow).
std::optional<Response> unreadable_reply(const boost::system::error_code& ec,
                                         std::size_t max_body) {
  if (ec == http::error::body_limit) {
    return problem(413, "the body is over " + std::to_string(max_body) + " bytes");
  }
  if (ec == http::error::header_limit) return problem(431, "the headers are over the limit");
  if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
      ec != asio::error::connection_reset && ec != asio::error::eof &&
      ec != asio::error::operation_aborted && ec != http::error::partial_message) {
    return problem(400, "the request is not valid HTTP/1.1");
  }
  return std::nullopt;
}

bool expects_continue(const Request& head) {
  return beast::iequals(head[http::field::expect], "100-continue");
}

// Writes a reply; to a HEAD request its headers only (Content-Length stays the GET body's).
template <class Stream>
asio::awaitable<boost::system::error_code> write_reply(Stream& stream, Response& res,
                                                       bool head_only) {
  if (head_only) {
    http::response<http::empty_body> head{std::move(res.base())};
    auto [ec, n] = co_await http::async_write(stream, head, asio::as_tuple(asio::use_awaitable));
    (void)n;
    co_return ec;
  }
  auto [ec, n] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
  (void)n;
  co_return ec;
}

}  // namespace

// Beast's Response may throw when moved; a Screened is only built and moved out once, never
// assigned, so its implicit move assignment is never used.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct HttpServer::Screened {
  std::optional<Response> refusal;  // the answer, given without reading the body
  bool api_refuses = false;         // Api::handle refuses on the headers: ask it, without body
  Held body;                        // the body's share of max_buffered_bytes
};

void HttpServer::decorate(Response& res) const {
  res.set(http::field::date, current_http_date());
  res.set("X-Content-Type-Options", "nosniff");
  if (options_.tls) res.set("Strict-Transport-Security", "max-age=31536000");
}

std::optional<HttpServer::Held> HttpServer::reserve_body(std::size_t n) {
  const std::size_t max = options_.max_buffered_bytes;
  std::size_t held = buffered_->load();
  do {
    if (n > max || held > max - n) return std::nullopt;
  } while (!buffered_->compare_exchange_weak(held, held + n));
  return Held{buffered_, n};
}

HttpServer::Screened HttpServer::screen(const Request& head, bool body_announced) {
  Screened s;
  if (head.count(http::field::authorization) > 1) {
    s.refusal = problem(400, "send one Authorization header",
                        {{"Authorization", "is given more than once"}});
    return s;
  }
  if (api_.refused_on_headers(head.method(), head.target(), head[http::field::authorization])) {
    s.api_refuses = true;
    return s;
  }
  if (!body_announced) return s;
  // string_body reserves an announced length at once; a chunked body may grow to max_body.
  std::size_t length = options_.max_body;
  if (head.has_content_length()) {
    std::uint64_t announced = 0;
    const auto text = head[http::field::content_length];
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), announced);
    if (ec == std::errc{} && ptr == text.data() + text.size()) {
      length = static_cast<std::size_t>(std::min<std::uint64_t>(announced, options_.max_body));
    }
  }
  auto held = reserve_body(length);
  if (!held) {
    s.refusal = problem(503, "the server holds too many request bodies now; try again",
                        {{"body", "does not fit in what the server may hold now"}});
    s.refusal->set(http::field::retry_after, "1");
    return s;
  }
  s.body = std::move(*held);
  return s;
}

asio::awaitable<void> HttpServer::session(tcp::socket socket, Held connection) {
  (void)connection;  // held until the connection ends
  beast::tcp_stream stream{std::move(socket)};
  co_await serve(stream);
}

asio::awaitable<void> HttpServer::tls_session(tcp::socket socket, Held connection) {
  (void)connection;
  TlsStream stream{std::move(socket), *options_.tls};
  beast::get_lowest_layer(stream).expires_after(options_.read_timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                              asio::as_tuple(asio::use_awaitable));
  if (ec) co_return;  // not TLS, an old protocol version, or too slow: just close
  co_await serve(stream);
}

asio::awaitable<void> HttpServer::refuse_connection(tcp::socket socket, Held refusing) {
  (void)refusing;  // held until the answer is out
  beast::tcp_stream stream{std::move(socket)};
  Response res = problem(503, "the server has too many connections open; try again");
  const std::string rid = request_id_for({});
  res.set("X-Request-Id", rid);
  res.set(http::field::retry_after, "1");
  decorate(res);
  res.keep_alive(false);
  res.prepare_payload();
  stream.expires_after(std::chrono::seconds(2));
  auto [ec, n] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
  (void)n;
  if (log_) log_({rid, "-", "unmatched", "-", 503, 0.0});
  // Read (and drop) a little of the request so that closing does not reset the connection
  // before the client has read the 503.
  if (!ec) {
    co_await drain(stream, std::size_t{64} * 1024, std::chrono::seconds(1));
  }
}

// One request as read: its headers screened, its body read unless they refused it.
struct HttpServer::Incoming {
  bool idle_end = false;         // the connection ended (or idled out) before a request began
  boost::system::error_code ec;  // reading the headers or the body failed
  Screened screened;
  bool body_unread = false;  // refused on its headers: the body is left unread
};

template <class Stream>
asio::awaitable<HttpServer::Incoming> HttpServer::read_request(
    Stream& stream, beast::flat_buffer& buffer, http::request_parser<http::string_body>& parser,
    bool first) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  Incoming in;
  // Slow clients: an idle keep-alive connection may wait idle_timeout for the first byte of
  // its next request (a new connection only read_timeout); from that byte on, the whole
  // request must arrive within read_timeout.
  if (buffer.size() == 0) {
    tcp_layer.expires_after(first ? options_.read_timeout : options_.idle_timeout);
    auto [fec, fn] =
        co_await stream.async_read_some(buffer.prepare(4096), asio::as_tuple(asio::use_awaitable));
    in.idle_end = static_cast<bool>(fec);
    if (in.idle_end) co_return in;
    buffer.commit(fn);
  }
  tcp_layer.expires_after(options_.read_timeout);
  // The headers first: a request refused on them is answered without reading its body.
  std::tie(in.ec, std::ignore) =
      co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (in.ec) co_return in;
  in.screened = screen(parser.get(), !parser.is_done());
  in.body_unread = !parser.is_done() && (in.screened.refusal || in.screened.api_refuses);
  if (parser.is_done() || in.body_unread) co_return in;
  if (expects_continue(parser.get())) {
    // The body is welcome: a client that waits for this sends it now.
    http::response<http::empty_body> go_on{http::status::continue_, 11};
    std::tie(in.ec, std::ignore) =
        co_await http::async_write(stream, go_on, asio::as_tuple(asio::use_awaitable));
  }
  if (!in.ec) {
    std::tie(in.ec, std::ignore) =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  }
  co_return in;
}

template <class Stream>
asio::awaitable<void> HttpServer::refuse_unreadable(Stream& stream, boost::system::error_code ec) {
  std::optional<Response> reply = unreadable_reply(ec, options_.max_body);
  if (!reply) co_return;
  const std::string rid = request_id_for({});
  reply->set("X-Request-Id", rid);
  decorate(*reply);
  reply->keep_alive(false);
  beast::get_lowest_layer(stream).expires_after(options_.write_timeout);
  co_await http::async_write(stream, *reply, asio::as_tuple(asio::use_awaitable));
  if (log_) log_({rid, "-", "unmatched", "-", reply->result_int(), 0.0});
  co_await drain(stream);
}

template <class Stream>
asio::awaitable<bool> HttpServer::respond(Stream& stream, Request& req, Incoming& in) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto started = std::chrono::steady_clock::now();
  ++in_flight_;
  tcp_layer.expires_never();
  std::string_view route = "unmatched";
  std::string_view role = "-";
  const std::string rid = request_id_for(req["X-Request-Id"]);
  Response res;
  if (in.screened.refusal) {
    res = std::move(*in.screened.refusal);
  } else {
    // After api_refuses the body is unread (empty here): handle() answers on the headers.
    res = co_await api_.handle(req, route, role);
  }
  // The body has served: its memory and its share of the budget go back before the reply.
  std::string{}.swap(req.body());
  in.screened.body.release();
  res.set("X-Request-Id", rid);
  decorate(res);
  // A body left unread cannot be skipped to reach the next request: close after the reply.
  const bool keep = req.keep_alive() && !stopping_ && !in.body_unread;
  res.keep_alive(keep);
  res.prepare_payload();
  tcp_layer.expires_after(options_.write_timeout);
  const auto wec = co_await write_reply(stream, res, req.method() == http::verb::head);
  --in_flight_;
  if (log_) {
    log_({rid, http::to_string(req.method()), route, role, res.result_int(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
  }
  if (!wec && in.body_unread) co_await drain(stream);
  co_return !wec && keep;
}

template <class Stream>
asio::awaitable<void> HttpServer::serve(Stream& stream) {
  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options_.max_body);
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header));
    Incoming in = co_await read_request(stream, buffer, parser, first);
    if (in.idle_end) break;
    if (in.ec) {
      co_await refuse_unreadable(stream, in.ec);
      break;
    }
    if (!co_await respond(stream, parser.get(), in)) break;
  }
  co_await close_gracefully(stream, std::chrono::seconds(2));
}

}  // namespace perspectief::api
