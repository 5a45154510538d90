// One webhook POST against loopback receivers on port 0: delivered on 2xx, and each failure
// with the lastError a subscription shows; consecutive POSTs over one kept-alive connection.

#include "api/webhook_client.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>
#include <string>

#include "api/tls_context.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace perspectief::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using testing::TempDir;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

std::string answer(int status, std::string_view reason, std::string_view extra_header = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n" +
         std::string(extra_header) + "Content-Length: 4\r\nConnection: close\r\n\r\nbody";
}

// Reads one request from `stream` into `got`, then writes `response` as it is.
template <class Stream>
asio::awaitable<void> serve(Stream& stream, std::string response,
                            http::request<http::string_body>& got) {
  beast::flat_buffer buffer;
  auto [read_ec, n] = co_await http::async_read(stream, buffer, got, kTuple);
  if (read_ec) co_return;
  // The receiver's side ends here whether or not the client took the answer.
  (void)co_await asio::async_write(stream, asio::buffer(response), kTuple);
}

// Answers every request on `stream` with `response` until the client closes, counting them
// in `requests`; with `close_after`, closes the connection after the first answer instead.
template <class Stream>
asio::awaitable<void> serve_all(Stream& stream, std::string response, bool close_after,
                                int& requests) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> got;
    auto [read_ec, n] = co_await http::async_read(stream, buffer, got, kTuple);
    if (read_ec) co_return;
    ++requests;
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(response), kTuple);
    if (write_ec || close_after) co_return;
  }
}

// One accepted connection of a keep-alive receiver, over TLS with `server` unless it is null.
asio::awaitable<void> serve_connection(tcp::socket socket, ssl::context* server,
                                       std::string response, bool close_after, int& requests) {
  if (server == nullptr) {
    co_await serve_all(socket, response, close_after, requests);
    co_return;
  }
  beast::ssl_stream<tcp::socket> stream(std::move(socket), *server);
  auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
  if (!handshake_ec) {
    co_await serve_all(stream, response, close_after, requests);
  }
}

class WebhookClientTest : public ::testing::Test {
 protected:
  tcp::acceptor listen() { return {ioc_, {asio::ip::make_address("127.0.0.1"), 0}}; }

  static std::string port_of(const tcp::acceptor& a) {
    return std::to_string(a.local_endpoint().port());
  }

  // A receiver that answers one plain-http request with `response`.
  void receive_once(tcp::acceptor& acceptor, const std::string& response) {
    asio::co_spawn(
        ioc_,
        [this, &acceptor, response]() -> asio::awaitable<void> {
          auto [ec, socket] = co_await acceptor.async_accept(kTuple);
          if (!ec) {
            co_await serve(socket, response, got_);
          }
        },
        asio::detached);
  }

  // The same over TLS with the server context `server`.
  void receive_once_tls(tcp::acceptor& acceptor, ssl::context& server,
                        const std::string& response) {
    asio::co_spawn(
        ioc_,
        [this, &acceptor, &server, response]() -> asio::awaitable<void> {
          auto [ec, socket] = co_await acceptor.async_accept(kTuple);
          if (ec) co_return;
          beast::ssl_stream<tcp::socket> stream(std::move(socket), server);
          auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
          if (!handshake_ec) {
            co_await serve(stream, response, got_);
          }
        },
        asio::detached);
  }

  // A keep-alive receiver: accepts any number of connections (counting them in accepted_)
  // and answers each request with `response` (counted in requests_); over TLS with `server`
  // unless it is null.
  void receive_all(tcp::acceptor& acceptor, const std::string& response, bool close_after = false,
                   ssl::context* server = nullptr) {
    asio::co_spawn(
        ioc_,
        [this, &acceptor, response, close_after, server]() -> asio::awaitable<void> {
          for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kTuple);
            if (ec) co_return;
            ++accepted_;
            asio::co_spawn(
                ioc_, serve_connection(std::move(socket), server, response, close_after, requests_),
                asio::detached);
          }
        },
        asio::detached);
  }

  // post_webhook to completion on the test's thread, over `connection` if it is not null.
  WebhookResponse post(const WebhookAllowList& allow, const WebhookTarget& target,
                       std::chrono::milliseconds timeout = 10s, ssl::context* tls = nullptr,
                       WebhookConnection* connection = nullptr) {
    std::optional<WebhookResponse> out;
    WebhookRequest request{&target, {{"webhook-id", "msg_1"}}, R"({"a":1})", timeout};
    auto& client = tls != nullptr ? *tls : *tls_;
    auto done = [&](const std::exception_ptr& e, WebhookResponse r) {
      if (e) std::rethrow_exception(e);
      out = std::move(r);
      ioc_.stop();
    };
    if (connection != nullptr) {
      asio::co_spawn(ioc_, post_webhook(allow, client, std::move(request), *connection), done);
    } else {
      asio::co_spawn(ioc_, post_webhook(allow, client, std::move(request)), done);
    }
    ioc_.restart();
    ioc_.run();
    EXPECT_TRUE(out.has_value());
    return out.value_or(WebhookResponse{});
  }

  // Two POSTs of `url` over `connection`, both delivered.
  void post_twice(const WebhookAllowList& allow, const std::string& url,
                  WebhookConnection& connection, ssl::context* tls = nullptr) {
    const auto t = target(allow, url);
    for (int i = 0; i < 2; ++i) {
      const auto r = post(allow, t, 10s, tls, &connection);
      EXPECT_TRUE(r.delivered) << r.error;
      EXPECT_EQ(r.status, 200);
    }
  }

  static WebhookTarget target(const WebhookAllowList& allow, const std::string& url) {
    auto t = allow.check(url);
    EXPECT_TRUE(t) << url << ": " << t.error().message;
    return t ? *t : WebhookTarget{};
  }

  // True if a connection to `acceptor` arrived (it is not accepted by anything else).
  bool was_contacted(tcp::acceptor& acceptor) {
    acceptor.non_blocking(true);
    tcp::socket socket(ioc_);
    boost::system::error_code ec;
    acceptor.accept(socket, ec);
    return !ec;
  }

  asio::io_context ioc_;
  std::unique_ptr<ssl::context> tls_ = std::move(webhook_tls_context("").value());
  const WebhookAllowList loopback_ = *WebhookAllowList::parse("127.0.0.1", true);
  http::request<http::string_body> got_;
  int accepted_ = 0;  // connections accepted by receive_all
  int requests_ = 0;  // requests answered by receive_all
};

TEST_F(WebhookClientTest, TwoHundredIsDeliveredWithTheRequestAsSpecified) {
  auto acceptor = listen();
  receive_once(acceptor, std::string(kOk));
  const auto t = target(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/hook?x=1");
  const auto r = post(loopback_, t);
  EXPECT_TRUE(r.delivered);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(got_.method(), http::verb::post);
  EXPECT_EQ(got_.target(), "/hook?x=1");
  EXPECT_EQ(got_[http::field::host], "127.0.0.1:" + port_of(acceptor));
  EXPECT_EQ(got_[http::field::user_agent], "perspectief-webhooks");
  EXPECT_EQ(got_[http::field::content_type], "application/json");
  EXPECT_EQ(got_["webhook-id"], "msg_1");
  EXPECT_EQ(got_.body(), R"({"a":1})");
}

TEST_F(WebhookClientTest, ServerErrorIsNotDelivered) {
  auto acceptor = listen();
  receive_once(acceptor, answer(500, "Internal Server Error"));
  const auto r = post(loopback_, target(loopback_, "http://127.0.0.1:" + port_of(acceptor)));
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.error, "HTTP 500");
}

TEST_F(WebhookClientTest, ReceiverThatNeverAnswersTimesOut) {
  auto acceptor = listen();  // the kernel accepts the connection; nobody reads or answers
  const auto r = post(loopback_, target(loopback_, "http://127.0.0.1:" + port_of(acceptor)), 200ms);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "timed out after 200 ms");
}

TEST_F(WebhookClientTest, RedirectIsNotFollowed) {
  auto acceptor = listen();
  auto elsewhere = listen();
  receive_once(acceptor,
               answer(302, "Found", "Location: http://127.0.0.1:" + port_of(elsewhere) + "/x\r\n"));
  const auto r = post(loopback_, target(loopback_, "http://127.0.0.1:" + port_of(acceptor)));
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.error, "redirect not followed (HTTP 302)");
  EXPECT_FALSE(was_contacted(elsewhere));
}

TEST_F(WebhookClientTest, RefusedConnection) {
  std::string port;
  {
    auto closed = listen();
    port = port_of(closed);
  }
  const auto r = post(loopback_, target(loopback_, "http://127.0.0.1:" + port));
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.error, "connection refused");
}

TEST_F(WebhookClientTest, AddressOutsideTheListIsNotContacted) {
  auto acceptor = listen();
  // As if a name that is not in the list had resolved to 127.0.0.1.
  const auto allow = *WebhookAllowList::parse("10.0.0.0/8", true);
  const WebhookTarget t{false, "127.0.0.1", port_of(acceptor), "/", "http://x/", false};
  const auto r = post(allow, t);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "address 127.0.0.1 is not in the allow list");
  EXPECT_FALSE(was_contacted(acceptor));
}

TEST_F(WebhookClientTest, NameInTheListIsResolvedAndTrusted) {
  auto acceptor = listen();
  receive_once(acceptor, answer(204, "No Content"));
  const auto allow = *WebhookAllowList::parse("localhost", true);
  const auto r = post(allow, target(allow, "http://localhost:" + port_of(acceptor) + "/in"));
  EXPECT_TRUE(r.delivered);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(got_[http::field::host], "localhost:" + port_of(acceptor));
}

TEST_F(WebhookClientTest, ConsecutivePostsShareOneConnection) {
  auto acceptor = listen();
  receive_all(acceptor, std::string(kOk));
  WebhookConnection connection;
  post_twice(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/k", connection);
  EXPECT_EQ(requests_, 2);
  EXPECT_EQ(accepted_, 1);
  EXPECT_TRUE(connection.is_open());
}

TEST_F(WebhookClientTest, ReceiverThatClosedTheConnectionGetsANewOne) {
  auto acceptor = listen();
  receive_all(acceptor, std::string(kOk), /*close_after=*/true);
  WebhookConnection connection;
  post_twice(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/k", connection);
  EXPECT_EQ(requests_, 2);
  EXPECT_EQ(accepted_, 2);
}

TEST_F(WebhookClientTest, ConnectionCloseIsHonoured) {
  auto acceptor = listen();
  receive_all(acceptor, answer(200, "OK"));  // with Connection: close
  WebhookConnection connection;
  const auto t = target(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/k");
  EXPECT_TRUE(post(loopback_, t, 10s, nullptr, &connection).delivered);
  EXPECT_FALSE(connection.is_open());
  EXPECT_TRUE(post(loopback_, t, 10s, nullptr, &connection).delivered);
  EXPECT_EQ(requests_, 2);
  EXPECT_EQ(accepted_, 2);
}

TEST_F(WebhookClientTest, AnswerBodyOverTheLimitIsDeliveredAndTheConnectionClosed) {
  auto acceptor = listen();
  const std::size_t size = std::size_t{64} * 1024 + 1;
  receive_all(acceptor, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
                            std::string(size, 'x'));
  WebhookConnection connection;
  const auto t = target(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/k");
  const auto r = post(loopback_, t, 10s, nullptr, &connection);
  EXPECT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(connection.is_open());
  EXPECT_EQ(accepted_, 1);
}

TEST_F(WebhookClientTest, AnswerBodyAtTheLimitKeepsTheConnection) {
  auto acceptor = listen();
  const std::size_t size = std::size_t{64} * 1024;
  receive_all(acceptor, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
                            std::string(size, 'x'));
  WebhookConnection connection;
  post_twice(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/k", connection);
  EXPECT_EQ(accepted_, 1);
}

TEST_F(WebhookClientTest, AnotherTargetGetsAnotherConnection) {
  auto first = listen();
  auto second = listen();
  receive_all(first, std::string(kOk));
  receive_all(second, std::string(kOk));
  WebhookConnection connection;
  const auto a = target(loopback_, "http://127.0.0.1:" + port_of(first) + "/k");
  const auto b = target(loopback_, "http://127.0.0.1:" + port_of(second) + "/k");
  EXPECT_TRUE(post(loopback_, a, 10s, nullptr, &connection).delivered);
  EXPECT_TRUE(post(loopback_, b, 10s, nullptr, &connection).delivered);
  EXPECT_TRUE(post(loopback_, b, 10s, nullptr, &connection).delivered);
  EXPECT_EQ(requests_, 3);
  EXPECT_EQ(accepted_, 2);
}

TEST_F(WebhookClientTest, CompleteErrorAnswerKeepsTheConnection) {
  auto acceptor = listen();
  receive_all(acceptor, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
  WebhookConnection connection;
  const auto t = target(loopback_, "http://127.0.0.1:" + port_of(acceptor) + "/k");
  const auto r = post(loopback_, t, 10s, nullptr, &connection);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.error, "HTTP 500");
  EXPECT_TRUE(connection.is_open());  // the answer was complete: the connection still serves
}

// Receivers with a self-signed certificate for the name localhost only (no IP address in it).
class WebhookClientTlsTest : public WebhookClientTest {
 protected:
  void SetUp() override {
    const auto made = testing::run_command(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
        " -subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
        dir_.sub("key.pem") + " -out " + dir_.sub("cert.pem"));
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto server = make_tls_context(dir_.sub("cert.pem"), dir_.sub("key.pem"));
    ASSERT_TRUE(server) << server.error().message;
    server_ = *server;
    auto trusting = webhook_tls_context(dir_.sub("cert.pem"));
    ASSERT_TRUE(trusting) << trusting.error().message;
    trusting_ = std::move(*trusting);
  }

  // One POST to https://<host>:<port>/h, the host allowed by name, the receiver answering 200.
  WebhookResponse post_tls(const std::string& host, ssl::context& client) {
    auto acceptor = listen();
    receive_once_tls(acceptor, *server_, std::string(kOk));
    const auto allow = *WebhookAllowList::parse(host, false);
    return post(allow, target(allow, "https://" + host + ":" + port_of(acceptor) + "/h"), 10s,
                &client);
  }

  // Two POSTs over one connection to a TLS keep-alive receiver (receive_all), both delivered.
  void post_tls_twice(bool close_after) {
    auto acceptor = listen();
    receive_all(acceptor, std::string(kOk), close_after, server_.get());
    const auto allow = *WebhookAllowList::parse("localhost", false);
    WebhookConnection connection;
    post_twice(allow, "https://localhost:" + port_of(acceptor) + "/h", connection, trusting_.get());
    EXPECT_EQ(requests_, 2);
  }

  TempDir dir_;
  std::shared_ptr<ssl::context> server_;
  std::unique_ptr<ssl::context> trusting_;
};

TEST_F(WebhookClientTlsTest, ReceiverWithTheTrustedCaIsDelivered) {
  const auto r = post_tls("localhost", *trusting_);
  EXPECT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(got_.target(), "/h");
}

TEST_F(WebhookClientTlsTest, UntrustedCertificateFails) {
  const auto r = post_tls("localhost", *tls_);  // the system's roots only
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "TLS: certificate verify failed");
}

TEST_F(WebhookClientTlsTest, CertificateForAnotherHostFails) {
  const auto r = post_tls("127.0.0.1", *trusting_);  // the certificate names localhost only
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "TLS: certificate verify failed");
}

TEST_F(WebhookClientTlsTest, ConsecutivePostsShareOneTlsConnection) {
  post_tls_twice(/*close_after=*/false);
  EXPECT_EQ(accepted_, 1);
}

TEST_F(WebhookClientTlsTest, TlsReceiverThatClosedTheConnectionGetsANewOne) {
  post_tls_twice(/*close_after=*/true);
  EXPECT_EQ(accepted_, 2);
}

TEST(WebhookTlsContext, RefusesAnUnreadableCaFile) {
  const auto ctx = webhook_tls_context("/nonexistent/ca.pem");
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().code, ErrorCode::invalid);
  EXPECT_TRUE(
      ctx.error().message.starts_with("cannot read the webhook CA file /nonexistent/ca.pem: "))
      << ctx.error().message;
}

}  // namespace
}  // namespace perspectief::api
