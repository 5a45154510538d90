#include "tests/support/http_client.hpp"

#include <ostream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <sys/socket.h>
#include <sys/time.h>
#include <algorithm>

namespace perspectief::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value{} : v;
}

std::string HttpResult::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

struct HttpClient::Impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  unsigned short port;
  beast::flat_buffer buffer;
  bool connected = false;

  void connect() {
    socket = tcp::socket{ioc};
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    socket.set_option(tcp::no_delay(true));
    buffer.clear();
    connected = true;
  }
};

HttpClient::HttpClient(unsigned short port) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& token, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->connected) impl_->connect();
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty() || method == "POST") {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    for (const auto& [k, v] : headers) req.set(k, v);
    req.prepare_payload();
    boost::system::error_code ec;
    http::write(impl_->socket, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    // A server may answer (413) before it has read the whole body: read the reply anyway.
    const bool wrote = !ec;
    if (!ec || ec == asio::error::broken_pipe || ec == asio::error::connection_reset) {
      http::read(impl_->socket, impl_->buffer, parser, ec);
      if (!ec && !wrote) {
        impl_->connected = false;
        auto res = parser.release();
        HttpResult out;
        out.status = static_cast<int>(res.result_int());
        out.body = res.body();
        for (const auto& f : res)
          out.headers[lower(std::string{f.name_string()})] = std::string{f.value()};
        return out;
      }
    }
    if (ec) {
      impl_->connected = false;
      if (attempt == 0 &&
          (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof)) {
        continue;  // the server closed an idle keep-alive connection: retry once
      }
      throw boost::system::system_error(ec);
    }
    auto res = parser.release();
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
      out.headers[lower(std::string{f.name_string()})] = std::string{f.value()};
    out.body = res.body();
    if (!res.keep_alive()) {
      boost::system::error_code ignore;
      impl_->socket.close(ignore);
      impl_->connected = false;
    }
    return out;
  }
  throw std::runtime_error("unreachable");
}

std::string raw_exchange(unsigned short port, const std::string& bytes, int timeout_ms) {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    const auto n = socket.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

}  // namespace perspectief::testing
