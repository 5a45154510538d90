// HTTPS with --tls-cert/--tls-key: a self-signed certificate made with the openssl tool, a
// verifying Beast client, TLS 1.2+ only, and what happens to clients that do not speak it.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include <openssl/ssl.h>

#include <csignal>
#include <memory>
#include <string>

#include "tests/support/http_client.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace perspectief::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

// A self-signed certificate for "localhost" (and 127.0.0.1), EC P-256.
void make_certificate(const TempDir& dir, const std::string& name) {
  const auto r = run_command(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
      " -days 2 -subj /CN=localhost"
      " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      dir.sub(name + ".key") + " -out " + dir.sub(name + ".crt"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

struct TlsReply {
  int status = 0;
  std::string body;
  std::string protocol;  // as OpenSSL names it, e.g. "TLSv1.3"
};

// One HTTPS request, verifying the server's certificate against `ca_file` and the host name.
TlsReply https_request(unsigned short port, const std::string& ca_file, http::verb method,
                       const std::string& target, const std::string& token,
                       const std::string& body = {}) {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  ctx.load_verify_file(ca_file);
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(stream).connect(
      asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  stream.handshake(ssl::stream_base::client);
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "localhost");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  TlsReply reply{static_cast<int>(res.result_int()), res.body(),
                 SSL_get_version(stream.native_handle())};
  boost::system::error_code ec;
  stream.shutdown(ec);
  return reply;
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    make_certificate(dir_, "server");
    tokens_ = write_tokens_file(dir_.str());
    server_ = std::make_unique<ServerProcess>(
        tokens_, dir_.sub("data"),
        std::vector<std::string>{"--tls-cert", dir_.sub("server.crt"), "--tls-key",
                                 dir_.sub("server.key")});
  }
  TempDir dir_;
  std::string tokens_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(Tls, ServesHttpsWithAVerifiedCertificate) {
  const auto health =
      https_request(server_->port(), dir_.sub("server.crt"), http::verb::get, "/healthz", "");
  EXPECT_EQ(health.status, 200);
  EXPECT_TRUE(health.protocol == "TLSv1.3" || health.protocol == "TLSv1.2") << health.protocol;

  const std::string body = R"({"type":"CaseRegistered","data":{"person":{"name":"T. Test"}}})";
  const auto appended = https_request(server_->port(), dir_.sub("server.crt"), http::verb::post,
                                      "/v1/cases/tls-1/events", "t-intake", body);
  EXPECT_EQ(appended.status, 201) << appended.body;
  const auto feed = https_request(server_->port(), dir_.sub("server.crt"), http::verb::get,
                                  "/v1/events", "t-regie");
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(boost::json::parse(feed.body).at("events").as_array().size(), 1U);
}

TEST_F(Tls, RefusesTls11) {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  SSL_CTX_set_security_level(ctx.native_handle(), 0);  // so that this client does offer 1.1
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
  ctx.set_verify_mode(ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
  beast::get_lowest_layer(stream).connect(
      asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), server_->port()});
  boost::system::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  EXPECT_TRUE(ec) << "a TLS 1.1 handshake succeeded";
  // The server goes on serving TLS 1.2+ clients.
  EXPECT_EQ(https_request(server_->port(), dir_.sub("server.crt"), http::verb::get, "/healthz", "")
                .status,
            200);
}

TEST_F(Tls, PlainHttpOnTheTlsPortGetsNoHttpReplyAndChangesNothing) {
  const auto reply =
      raw_exchange(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
  EXPECT_EQ(reply.find("HTTP/1.1"), std::string::npos) << reply;
  EXPECT_EQ(https_request(server_->port(), dir_.sub("server.crt"), http::verb::get, "/healthz", "")
                .status,
            200);
}

TEST_F(Tls, AClientThatDoesNotTrustTheCertificateFailsTheHandshake) {
  TempDir other;
  make_certificate(other, "other");
  EXPECT_THROW(
      https_request(server_->port(), other.sub("other.crt"), http::verb::get, "/healthz", ""),
      boost::system::system_error);
}

TEST(TlsStart, RefusesAKeyThatDoesNotMatchOrAHalfConfiguration) {
  TempDir dir;
  make_certificate(dir, "a");
  make_certificate(dir, "b");
  const std::string tokens = write_tokens_file(dir.str());
  const std::string base = std::string{PERSPECTIEF_SERVER_BIN} + " --listen 127.0.0.1:0 --tokens " +
                           tokens + " --data-dir " + dir.sub("data");
  const auto mismatched =
      run_command(base + " --tls-cert " + dir.sub("a.crt") + " --tls-key " + dir.sub("b.key"));
  EXPECT_EQ(mismatched.exit_code, 2);
  EXPECT_NE(mismatched.output.find("cannot read the TLS key"), std::string::npos)
      << mismatched.output;
  EXPECT_NE(mismatched.output.find("key values mismatch"), std::string::npos) << mismatched.output;
  const auto half = run_command(base + " --tls-cert " + dir.sub("a.crt"));
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.output.find("--tls-cert and --tls-key go together"), std::string::npos)
      << half.output;
  const auto missing =
      run_command(base + " --tls-cert " + dir.sub("none.crt") + " --tls-key " + dir.sub("a.key"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("cannot read the TLS certificate"), std::string::npos)
      << missing.output;
}

}  // namespace
}  // namespace perspectief::testing
