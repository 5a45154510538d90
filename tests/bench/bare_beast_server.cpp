// bare_beast_server: the baseline for the GET /v1/occupancy target (tests/bench/compare.sh).
// A minimal Boost.Beast HTTP/1.1 server in the style of api/http_server.cpp (C++20 coroutines,
// one session per connection on its own strand, keep-alive, a timeout on every read and
// write) without auth, routing, logging or read models: every GET or HEAD is answered with the
// same small JSON body, shaped and sized like the demo programme's occupancy answer (1,331
// bytes captured from `perspectief demo --cases 4500 --years 5`). Every POST is answered 204:
// then it is the webhook receiver of tests/bench/webhook_append.sh, taking deliveries at
// less cost than the server spends sending them. Not part of the test suite.
//
// Usage: bare_beast_server [--listen HOST:PORT] [--threads N]
//   --listen   default 127.0.0.1:0 (an ephemeral port); prints "listening on http://HOST:PORT"
//   --threads  default: the number of cores
// Stops on SIGTERM or SIGINT.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The demo's occupancy answer (4,500 cases, 5 years, seed 1), with a fixed asOf.
constexpr std::string_view kBody =
    R"({"asOf":"2026-11-29T12:15:14.309293Z","programme":{"places":500,"lvvPlaces":360,)"
    R"("municipalPlaces":140,"occupied":500,"lvvOccupied":360,"municipalOccupied":140,"free":0},)"
    R"("locations":[{"locationId":"hvo-centrum","name":"HVO Querido Centrum","operator":)"
    R"("hvo-querido","beds":60,"occupied":60,"free":0,"open":true},{"locationId":"hvo-oost",)"
    R"("name":"HVO Querido Oost","operator":"hvo-querido","beds":70,"occupied":70,"free":0,)"
    R"("open":true},{"locationId":"hvo-west","name":"HVO Querido West","operator":"hvo-querido",)"
    R"("beds":50,"occupied":50,"free":0,"open":true},{"locationId":"ldh-noord","name":)"
    R"("Leger des Heils Noord","operator":"leger-des-heils","beds":80,"occupied":80,"free":0,)"
    R"("open":true},{"locationId":"ldh-zuid","name":"Leger des Heils Zuid","operator":)"
    R"("leger-des-heils","beds":60,"occupied":60,"free":0,"open":true},{"locationId":"maya-1",)"
    R"("name":"Maya Angelou Opvang","operator":"maya-angelou","beds":40,"occupied":40,"free":0,)"
    R"("open":true},{"locationId":"maya-2","name":"Maya Angelou Opvang 2","operator":)"
    R"("maya-angelou","beds":40,"occupied":40,"free":0,"open":true},{"locationId":"moo-1",)"
    R"("name":"ASKV-MOO Huis 1","operator":"askv-moo","beds":50,"occupied":50,"free":0,)"
    R"("open":true},{"locationId":"moo-2","name":"ASKV-MOO Huis 2","operator":"askv-moo",)"
    R"("beds":50,"occupied":50,"free":0,"open":true}],"waitingForBed":5,"waitlisted":11})";

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kMaxBody = 16 * 1024 * 1024;  // a webhook batch of 1000 events

asio::awaitable<void> session(tcp::socket socket) {
  beast::tcp_stream stream{std::move(socket)};
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    stream.expires_after(kReadTimeout);
    auto [ec, n] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) break;  // end of stream, timeout, reset or bad HTTP: just close
    const auto& req = parser.get();
    http::response<http::string_body> res;
    res.version(req.version());
    if (req.method() == http::verb::get || req.method() == http::verb::head) {
      res.result(http::status::ok);
      res.set(http::field::content_type, "application/json; charset=utf-8");
      res.set(http::field::cache_control, "no-store");
      if (req.method() == http::verb::get) res.body() = kBody;
    } else if (req.method() == http::verb::post) {
      res.result(http::status::no_content);
    } else {
      res.result(http::status::method_not_allowed);
      res.set(http::field::allow, "GET, HEAD");
    }
    const bool keep = req.keep_alive();
    res.keep_alive(keep);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.content_length(kBody.size());
    stream.expires_after(kWriteTimeout);
    auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    (void)wn;
    if (wec || !keep) break;
  }
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept_loop(asio::io_context& ioc, tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor.async_accept(asio::make_strand(ioc), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      asio::steady_timer backoff{ioc, std::chrono::milliseconds(50)};  // e.g. EMFILE
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket)), asio::detached);
  }
}

int fail(const std::string& message) {
  std::cerr << "bare_beast_server: " << message
            << "\nusage: bare_beast_server [--listen HOST:PORT] [--threads N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return fail("missing value for " + std::string{arg});
    const std::string_view value = argv[++i];
    if (arg == "--listen") {
      listen = value;
    } else if (arg == "--threads") {
      unsigned n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n == 0 || n > 256) {
        return fail("--threads must be 1..256");
      }
      threads = n;
    } else {
      return fail("unknown flag " + std::string{arg});
    }
  }

  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail("--listen takes HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const std::string_view port_text = std::string_view{listen}.substr(colon + 1);
  const auto [pend, pec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (pec != std::errc{} || pend != port_text.data() + port_text.size() || port > 65535) {
    return fail("bad port in --listen " + listen);
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return fail("bad listen address " + host);

  asio::io_context ioc{static_cast<int>(threads)};
  tcp::acceptor acceptor{ioc};
  const tcp::endpoint ep{address, static_cast<unsigned short>(port)};
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "bare_beast_server: cannot listen on " << listen << ": " << ec.message() << "\n";
    return 1;
  }

  asio::signal_set signals{ioc, SIGTERM, SIGINT};
  signals.async_wait([&](const boost::system::error_code& sec, int) {
    if (sec) return;
    ioc.stop();
  });
  asio::co_spawn(ioc, accept_loop(ioc, acceptor), asio::detached);

  const auto local = acceptor.local_endpoint();
  const std::string shown = local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                                    : local.address().to_string();
  std::printf("listening on http://%s:%u\n", shown.c_str(), static_cast<unsigned>(local.port()));
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
