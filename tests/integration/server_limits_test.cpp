// The edge of the server (docs/operations.md, "Limits"; docs/api.md, "Response headers"):
// requests refused on their headers before their body is read, the connection cap, the
// server-wide body budget, HEAD, and the headers every response carries.
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A raw client connection: sends exactly the bytes given, reads replies with a deadline (a
// server that waits for a body the client never sends fails the test instead of hanging it).
class Raw {
 public:
  explicit Raw(unsigned short port, int timeout_ms = 5000) : socket_(ioc_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  boost::system::error_code send(const std::string& bytes) {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(bytes), ec);
    return ec;
  }

  // The next reply; `head` for a reply to HEAD (no body follows its headers).
  http::response<http::string_body> reply(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    if (head) parser.skip(true);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  // True when the server closed the connection (EOF) with nothing more sent.
  bool closed_by_server() {
    if (buffer_.size() > 0) return false;
    char byte = 0;
    boost::system::error_code ec;
    const auto n = socket_.read_some(asio::buffer(&byte, 1), ec);
    return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
  }

  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

std::string headers_of(const std::string& method, const std::string& target,
                       const std::string& extra = {}) {
  return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

const std::string kAnnouncesMiB = "Content-Type: application/json\r\nContent-Length: 1048576\r\n";

std::string problem_field(const std::string& body) {
  const auto v = boost::json::parse(body);
  return std::string{v.at("errors").at(0).at("field").as_string()};
}

std::string problem_type_of(const std::string& body) {
  return std::string{boost::json::parse(body).at("type").as_string()};
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

using ServerLimits = ServerTest;

// 400 connections without a token each announce a 1 MiB body and send none of it: each gets
// its 401 at once (the server does not wait for the body) and the connection is closed.
TEST_F(ServerLimits, ARequestWithoutTokenIsRefusedOnItsHeadersWithoutReadingTheBody) {
  std::vector<std::unique_ptr<Raw>> clients;
  for (int i = 0; i < 400; ++i) {
    clients.push_back(std::make_unique<Raw>(server_->port()));
    ASSERT_FALSE(clients.back()->send(headers_of("POST", "/v1/cases/c/events", kAnnouncesMiB)));
  }
  int refused = 0;
  for (auto& c : clients) {
    const auto r = c->reply();
    EXPECT_EQ(r.result_int(), 401U);
    EXPECT_EQ(r[http::field::www_authenticate], "Bearer");
    EXPECT_EQ(r[http::field::content_type], "application/problem+json");
    EXPECT_EQ(r[http::field::connection], "close");
    EXPECT_EQ(problem_type_of(r.body()), "urn:perspectief:problem:unauthorized");
    EXPECT_TRUE(c->closed_by_server());
    if (r.result_int() == 401) ++refused;
  }
  EXPECT_EQ(refused, 400);
  // A wrong token is refused the same way.
  Raw wrong{server_->port()};
  ASSERT_FALSE(wrong.send(headers_of("POST", "/v1/cases/c/events",
                                     kAnnouncesMiB + "Authorization: Bearer t-nobody\r\n")));
  EXPECT_EQ(wrong.reply().result_int(), 401U);
  EXPECT_TRUE(wrong.closed_by_server());
  // Without a body, the connection stays open for the next request.
  Raw no_body{server_->port()};
  ASSERT_FALSE(no_body.send(headers_of("GET", "/v1/occupancy") + headers_of("GET", "/healthz")));
  EXPECT_EQ(no_body.reply().result_int(), 401U);
  EXPECT_EQ(no_body.reply().result_int(), 200U);
}

// The order of the answers is unchanged: no such path 404 and another method 405 before the
// token; neither reads the body either.
TEST_F(ServerLimits, UnknownPathsAndMethodsAreAnsweredBeforeTheTokenWithoutTheBody) {
  Raw missing{server_->port()};
  ASSERT_FALSE(missing.send(headers_of("POST", "/v1/nowhere", kAnnouncesMiB)));
  const auto m = missing.reply();
  EXPECT_EQ(m.result_int(), 404U);
  EXPECT_EQ(problem_type_of(m.body()), "urn:perspectief:problem:not-found");
  EXPECT_TRUE(missing.closed_by_server());
  Raw wrong_method{server_->port()};
  ASSERT_FALSE(wrong_method.send(headers_of("PUT", "/v1/cases/c/events", kAnnouncesMiB)));
  const auto w = wrong_method.reply();
  EXPECT_EQ(w.result_int(), 405U);
  EXPECT_EQ(w[http::field::allow], "POST, GET, HEAD");
  EXPECT_TRUE(wrong_method.closed_by_server());
}

// What the issue measured: 400 connections without a token each send a 1 MiB body (all but
// its last byte, so that a server that buffers bodies holds all 400 at once).
TEST_F(ServerLimits, BodiesSentWithoutTokenDoNotGrowTheServer) {
  const long before = rss_kib(server_->pid());
  ASSERT_GT(before, 0);
  const std::string body(1048576 - 1, ' ');
  std::vector<std::unique_ptr<Raw>> clients;
  for (int i = 0; i < 400; ++i) {
    clients.push_back(std::make_unique<Raw>(server_->port()));
    // The server may close its side once it has answered: then the rest of the body is
    // refused (a reset), which is fine.
    (void)clients.back()->send(headers_of("POST", "/v1/cases/c/events", kAnnouncesMiB) + body);
  }
  // Much of what was sent may still sit in the kernel's socket buffers: watch the server's
  // resident memory for a while as it reads (or drops) them, and take the peak.
  long peak = rss_kib(server_->pid());
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < until) {
    peak = std::max(peak, rss_kib(server_->pid()));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cout << "server VmRSS before " << before / 1024 << " MiB, peak with 400 bodies sent "
            << peak / 1024 << " MiB\n";
  EXPECT_LT(peak - before, 64 * 1024) << "before " << before << " KiB, peak " << peak << " KiB";
  EXPECT_EQ(client_->get("/healthz", "").status, 200);
}

// The acceptor is closed on its own strand while connections keep arriving (under the
// ThreadSanitizer stage, a close from another thread is reported as a race).
TEST_F(ServerLimits, ShutdownWhileConnectionsArriveIsClean) {
  std::atomic<bool> done{false};
  std::atomic<int> served{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      while (!done) {
        try {
          Raw c{server_->port(), 2000};
          if (!c.send(headers_of("GET", "/healthz")) && c.reply().result_int() == 200) ++served;
        } catch (const std::exception&) {
          // refused or cut off by the shutdown
        }
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (served < 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_GE(served.load(), 200);
  const int status = server_->stop(SIGTERM);
  done = true;
  for (auto& t : clients) t.join();
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ServerLimits, TwoAuthorizationHeadersAre400) {
  Raw c{server_->port()};
  ASSERT_FALSE(
      c.send(headers_of("GET", "/v1/occupancy",
                        "Authorization: Bearer t-regie\r\nAuthorization: Bearer t-regie\r\n")));
  const auto r = c.reply();
  EXPECT_EQ(r.result_int(), 400U);
  EXPECT_EQ(r[http::field::content_type], "application/problem+json");
  EXPECT_EQ(problem_type_of(r.body()), "urn:perspectief:problem:invalid-request");
  EXPECT_EQ(problem_field(r.body()), "Authorization");
  // Whatever the order and the tokens: never first-wins.
  Raw d{server_->port()};
  ASSERT_FALSE(d.send(headers_of(
      "POST", "/v1/cases/dup/events",
      "Authorization: Bearer t-intake\r\nauthorization: Bearer t-nobody\r\n" + kAnnouncesMiB)));
  const auto p = d.reply();
  EXPECT_EQ(p.result_int(), 400U);
  EXPECT_EQ(problem_field(p.body()), "Authorization");
  EXPECT_TRUE(d.closed_by_server());
  EXPECT_EQ(get("/v1/events", "regie").json().at("events").as_array().size(), 0U);
}

TEST_F(ServerLimits, HeadIsAnsweredAsGetWithoutTheBody) {
  ASSERT_EQ(post("/v1/cases/h-1/events", "intake", registered()).status, 201);
  for (const std::string target : {"/healthz", "/v1/cases/h-1", "/v1/cases?limit=5"}) {
    const auto got = get(target, "regie");
    ASSERT_EQ(got.status, 200) << target;
    Raw c{server_->port()};
    ASSERT_FALSE(c.send(headers_of("HEAD", target, "Authorization: Bearer t-regie\r\n") +
                        headers_of("GET", "/healthz")));
    const auto head = c.reply(true);
    EXPECT_EQ(head.result_int(), 200U) << target;
    EXPECT_EQ(head[http::field::content_length], std::to_string(got.body.size())) << target;
    EXPECT_EQ(head[http::field::content_type], got.header("content-type")) << target;
    EXPECT_EQ(head.body(), "");
    // No body bytes came: the next reply on the connection starts right after the headers.
    const auto next = c.reply();
    EXPECT_EQ(next.result_int(), 200U);
    EXPECT_EQ(next.body(), R"({"status":"ok"})");
  }
  // The same token and role as GET.
  const auto head_status = [&](const std::string& target, const std::string& token) {
    Raw c{server_->port()};
    EXPECT_FALSE(c.send(headers_of(
        "HEAD", target, token.empty() ? "" : "Authorization: Bearer " + token + "\r\n")));
    const auto r = c.reply(true);
    EXPECT_EQ(r.body(), "");
    return r.result_int();
  };
  EXPECT_EQ(head_status("/v1/cases/h-1/events", ""), 401U);
  EXPECT_EQ(head_status("/v1/cases/h-1/events", "t-researcher"), 403U);
  EXPECT_EQ(head_status("/metrics", "t-intake"), 403U);
  EXPECT_EQ(head_status("/metrics", "t-ops"), 200U);
  EXPECT_EQ(head_status("/v1/cases/h-1/personal-data", "t-regie"), 405U);
}

TEST_F(ServerLimits, EveryResponseCarriesDateAndNosniff) {
  const std::regex imf_fixdate{
      R"(^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$)"};
  const auto check = [&](const HttpResult& r, int status) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << status;
    EXPECT_EQ(r.header("strict-transport-security"), "") << "only over TLS";
    const std::string date = r.header("date");
    ASSERT_TRUE(std::regex_match(date, imf_fixdate)) << date;
    std::tm tm{};
    ASSERT_NE(strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm), nullptr);
    const auto sent = timegm(&tm);
    EXPECT_LE(std::abs(sent - std::time(nullptr)), 5) << date;
  };
  check(client_->get("/healthz", ""), 200);
  check(get("/v1/occupancy", "regie"), 200);
  check(get("/v1/occupancy", "nobody"), 401);
  check(get("/v1/nowhere", "regie"), 404);
  check(get("/metrics", "intake"), 403);
  check(get("/metrics", "ops"), 200);
  check(client_->get("/", ""), 200);
  check(post("/v1/cases/c/events", "intake", "{"), 400);
  // A reply the server writes before it has a request (malformed HTTP).
  const auto garbage = raw_exchange(server_->port(), "HELLO THERE\r\n\r\n");
  EXPECT_NE(garbage.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos) << garbage;
  EXPECT_NE(garbage.find("\r\nDate: "), std::string::npos) << garbage;
  EXPECT_NE(garbage.find("\r\nX-Request-Id: "), std::string::npos) << garbage;
}

// A connection over --max-connections gets 503 with Retry-After and is closed; one is
// served again once a connection has gone.
class ConnectionCap : public ServerTest {
 protected:
  void SetUp() override {
    tokens_ = write_tokens_file(dir_.str());
    start({"--max-connections", "2"});
  }
};

TEST_F(ConnectionCap, AConnectionOverTheCapGets503AndIsClosed) {
  client_.reset();
  auto a = std::make_unique<Raw>(server_->port());
  Raw b{server_->port()};
  // Both are being served (a reply proves the server accepted them).
  ASSERT_FALSE(a->send(headers_of("GET", "/healthz")));
  ASSERT_EQ(a->reply().result_int(), 200U);
  ASSERT_FALSE(b.send(headers_of("GET", "/healthz")));
  ASSERT_EQ(b.reply().result_int(), 200U);
  for (int i = 0; i < 3; ++i) {
    Raw over{server_->port()};
    ASSERT_FALSE(over.send(headers_of("GET", "/healthz")));
    const auto r = over.reply();
    EXPECT_EQ(r.result_int(), 503U);
    EXPECT_EQ(r[http::field::retry_after], "1");
    EXPECT_EQ(r[http::field::content_type], "application/problem+json");
    EXPECT_EQ(r[http::field::connection], "close");
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(r["X-Request-Id"].size(), 16U);
    EXPECT_FALSE(r[http::field::date].empty());
    EXPECT_EQ(problem_type_of(r.body()), "urn:perspectief:problem:unavailable");
    EXPECT_TRUE(over.closed_by_server());
  }
  // The two connections are still served.
  ASSERT_FALSE(b.send(headers_of("GET", "/healthz")));
  EXPECT_EQ(b.reply().result_int(), 200U);
  // One goes: a new connection is served (the server notices the close asynchronously: try
  // for a while).
  a.reset();
  unsigned status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    Raw again{server_->port()};
    ASSERT_FALSE(again.send(headers_of("GET", "/healthz")));
    status = again.reply().result_int();
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200U);
}

// Bodies held at once across connections are capped by --max-buffered-bytes: a request whose
// announced body does not fit gets 503 with Retry-After before its body is read.
class BodyBudget : public ServerTest {
 protected:
  void SetUp() override {
    tokens_ = write_tokens_file(dir_.str());
    start({"--max-buffered-bytes", "1048576"});
  }
};

std::string padded_event(std::size_t size) {
  std::string body = registered();
  body.append(size - body.size(), ' ');
  return body;
}

TEST_F(BodyBudget, ARequestWhoseBodyDoesNotFitGets503BeforeItsBodyIsRead) {
  const std::string body = padded_event(700'000);
  const std::string append_headers =
      "Authorization: Bearer t-intake\r\nContent-Type: application/json\r\n"
      "Content-Length: 700000\r\nExpect: 100-continue\r\n";
  // A holds 700,000 bytes of the 1 MiB budget from its headers on: the 100 Continue says so.
  Raw a{server_->port()};
  ASSERT_FALSE(a.send(headers_of("POST", "/v1/cases/b-1/events", append_headers)));
  ASSERT_EQ(a.reply().result_int(), 100U);
  // B's 700,000 do not fit beside it.
  Raw b{server_->port()};
  ASSERT_FALSE(b.send(headers_of("POST", "/v1/cases/b-2/events", append_headers)));
  const auto refused = b.reply();
  EXPECT_EQ(refused.result_int(), 503U);
  EXPECT_EQ(refused[http::field::retry_after], "1");
  EXPECT_EQ(refused[http::field::connection], "close");
  EXPECT_EQ(problem_type_of(refused.body()), "urn:perspectief:problem:unavailable");
  EXPECT_EQ(problem_field(refused.body()), "body");
  EXPECT_TRUE(b.closed_by_server());
  // A smaller body still fits.
  const std::string small = registered();
  EXPECT_EQ(post("/v1/cases/b-3/events", "intake", small).status, 201);
  // A's body arrives and is appended; its share is free again by the time its reply is read.
  ASSERT_FALSE(a.send(body));
  EXPECT_EQ(a.reply().result_int(), 201U);
  Raw c{server_->port()};
  ASSERT_FALSE(c.send(headers_of("POST", "/v1/cases/b-2/events", append_headers)));
  ASSERT_EQ(c.reply().result_int(), 100U);
  ASSERT_FALSE(c.send(body));
  EXPECT_EQ(c.reply().result_int(), 201U);
  EXPECT_EQ(get("/v1/events", "regie").json().at("events").as_array().size(), 3U);
}

TEST(ServerLimitFlags, AreCheckedAtStart) {
  TempDir dir;
  const std::string tokens = write_tokens_file(dir.str());
  const std::string base = std::string{PERSPECTIEF_SERVER_BIN} + " --listen 127.0.0.1:0 --tokens " +
                           tokens + " --data-dir " + dir.sub("data");
  const auto zero = run_command(base + " --max-connections 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.output.find("--max-connections must be 1..1000000"), std::string::npos)
      << zero.output;
  const auto small = run_command(base + " --max-body 2048 --max-buffered-bytes 1024");
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_NE(small.output.find("--max-buffered-bytes must be a number of bytes >= --max-body"),
            std::string::npos)
      << small.output;
  const auto help = run_command(std::string{PERSPECTIEF_SERVER_BIN} + " --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* line : {"\n  --max-connections N ", "\n  --max-buffered-bytes BYTES ",
                           "\n  --config FILE ", "\n  --demo "}) {
    EXPECT_NE(help.output.find(line), std::string::npos) << line << "\n" << help.output;
  }
}

// Over TLS every response carries Strict-Transport-Security (and the other headers).
class TlsHeaders : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto r = run_command(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
        " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        dir_.sub("s.key") + " -out " + dir_.sub("s.crt"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    tokens_ = write_tokens_file(dir_.str());
    server_ = std::make_unique<ServerProcess>(
        tokens_, dir_.sub("data"),
        std::vector<std::string>{"--tls-cert", dir_.sub("s.crt"), "--tls-key", dir_.sub("s.key")});
  }

  http::response<http::string_body> https(http::verb method, const std::string& target,
                                          const std::string& token) {
    asio::io_context ioc;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    ctx.load_verify_file(dir_.sub("s.crt"));
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    beast::get_lowest_layer(stream).connect(
        tcp::endpoint{asio::ip::make_address("127.0.0.1"), server_->port()});
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    if (method == http::verb::head) parser.skip(true);
    http::read(stream, buffer, parser);
    boost::system::error_code ec;
    stream.shutdown(ec);
    return parser.release();
  }

  TempDir dir_;
  std::string tokens_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(TlsHeaders, EveryResponseCarriesStrictTransportSecurity) {
  for (const auto& [method, target, token, status] :
       std::vector<std::tuple<http::verb, std::string, std::string, unsigned>>{
           {http::verb::get, "/healthz", "", 200},
           {http::verb::get, "/v1/occupancy", "t-regie", 200},
           {http::verb::head, "/v1/occupancy", "t-regie", 200},
           {http::verb::get, "/v1/occupancy", "", 401},
           {http::verb::get, "/v1/nowhere", "", 404},
           {http::verb::get, "/metrics", "t-intake", 403}}) {
    const auto r = https(method, target, token);
    EXPECT_EQ(r.result_int(), status) << target;
    EXPECT_EQ(r["Strict-Transport-Security"], "max-age=31536000") << target;
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff") << target;
    EXPECT_FALSE(r[http::field::date].empty()) << target;
  }
}

}  // namespace
}  // namespace perspectief::testing
