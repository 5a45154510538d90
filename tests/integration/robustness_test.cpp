// Slow, broken and idle clients must not stop the server from serving others.
#include <sys/resource.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <thread>

#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class Robustness : public ServerTest {
 protected:
  void SetUp() override {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    tokens_ = write_tokens_file(dir_.str());
    start({"--request-timeout", "2", "--idle-timeout", "3"});
  }

  // How long a fresh client waits for /healthz.
  std::chrono::milliseconds healthz_time() {
    HttpClient c(server_->port());
    const auto t0 = Clock::now();
    EXPECT_EQ(c.get("/healthz", "").status, 200);
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  }
};

TEST_F(Robustness, TruncatedRequestsAreDroppedAndOthersServed) {
  for (const char* partial :
       {"POST /v1/cases/c/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ty",
        "GET /heal", "\r\n\r\n\r\n", "GET / HTTP/1.1\r\nHost"}) {
    asio::io_context ioc;
    tcp::socket s{ioc};
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(s, asio::buffer(std::string{partial}));
    s.close();  // the client gives up mid-request
  }
  EXPECT_LT(healthz_time(), std::chrono::milliseconds(1000));
  EXPECT_EQ(get("/v1/events", "regie").json().at("events").as_array().size(), 0U);
}

TEST_F(Robustness, SlowDripClientIsCutOffAtTheRequestTimeout) {
  asio::io_context ioc;
  tcp::socket slow{ioc};
  slow.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  const std::string request =
      "POST /v1/cases/slow/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer t-intake\r\nContent-Length: 60\r\n\r\n" +
      std::string(60, ' ');
  const auto t0 = Clock::now();
  bool cut_off = false;
  for (std::size_t i = 0; i < request.size(); ++i) {
    boost::system::error_code ec;
    asio::write(slow, asio::buffer(&request[i], 1), ec);
    if (ec) {
      cut_off = true;
      break;
    }
    if (i % 10 == 0) {
      // While it drips, others are served at once.
      EXPECT_LT(healthz_time(), std::chrono::milliseconds(1000));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (Clock::now() - t0 > std::chrono::seconds(8)) break;
  }
  if (!cut_off) {
    // The server closed its side: a read sees EOF (or a reset) well before the drip ends.
    char byte = 0;
    boost::system::error_code ec;
    slow.read_some(asio::buffer(&byte, 1), ec);
    cut_off = ec == asio::error::eof || ec == asio::error::connection_reset;
  }
  EXPECT_TRUE(cut_off);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(6));
  EXPECT_EQ(get("/v1/events", "regie").json().at("events").as_array().size(), 0U);
}

TEST_F(Robustness, AThousandIdleConnectionsDoNotBlockOthers) {
  asio::io_context ioc;
  std::vector<tcp::socket> idle;
  idle.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(ioc);
    idle.back().connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  }
  EXPECT_LT(healthz_time(), std::chrono::milliseconds(1000));
  const auto r = post("/v1/cases/c-1/events", "intake", registered());
  EXPECT_EQ(r.status, 201);
  // A new connection that sends nothing is closed after the request timeout (2 s here).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  char byte = 0;
  boost::system::error_code ec;
  idle.front().read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  EXPECT_LT(healthz_time(), std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace perspectief::testing
