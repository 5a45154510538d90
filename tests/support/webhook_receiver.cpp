#include "tests/support/webhook_receiver.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/algorithm/string/case_conv.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

namespace perspectief::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

Received to_received(const http::request<http::string_body>& req) {
  Received r;
  r.at = std::chrono::steady_clock::now();
  r.method = std::string{req.method_string()};
  r.target = std::string{req.target()};
  for (const auto& field : req) {
    r.headers[boost::algorithm::to_lower_copy(std::string{field.name_string()})] =
        std::string{field.value()};
  }
  r.body = req.body();
  return r;
}

}  // namespace

std::string Received::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string{} : it->second;
}

struct WebhookReceiver::Impl {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  tcp::acceptor acceptor{ioc};
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<Received> requests;  // guarded by mutex
  Responder responder;             // guarded by mutex
  std::thread thread;

  // Opens, binds and listens on 127.0.0.1:port (0: any) and starts accepting; returns the
  // bound port. Runs before the thread starts or on it.
  std::uint16_t listen(std::uint16_t port) {
    acceptor.open(tcp::v4());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind({asio::ip::make_address_v4("127.0.0.1"), port});
    acceptor.listen();
    accept();
    return acceptor.local_endpoint().port();
  }

  void accept();

  // Records the request, wakes the waiters and asks the responder for the answer.
  Reply record(const Received& request) {
    Responder answer;
    {
      const std::lock_guard lock{mutex};
      requests.push_back(request);
      answer = responder;
    }
    changed.notify_all();
    return answer ? answer(request) : Reply{};
  }

  // Runs `fn` on the receiver's thread and waits for it; rethrows what it threw.
  void on_thread(const std::function<void()>& fn) {
    std::promise<void> done;
    asio::post(ioc, [&] {
      try {
        fn();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    done.get_future().get();
  }
};

namespace {

// One connection: read one request, record it, wait the reply's delay, answer and close.
class Session : public std::enable_shared_from_this<Session> {
 public:
  using Recorder = std::function<Reply(const Received&)>;

  Session(tcp::socket socket, Recorder record)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), record_(std::move(record)) {
    parser_.body_limit(std::uint64_t{64} * 1024 * 1024);
  }

  void run() {
    http::async_read(socket_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->on_request();
                     });
  }

 private:
  void on_request() {
    reply_ = record_(to_received(parser_.get()));
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->answer(); });
  }

  void answer() {
    if (reply_.close_without_answer) {
      beast::error_code ignored;
      socket_.close(ignored);
      return;
    }
    response_.version(11);
    response_.result(static_cast<unsigned>(reply_.status));
    if (!reply_.location.empty()) response_.set(http::field::location, reply_.location);
    response_.keep_alive(false);
    response_.prepare_payload();
    http::async_write(socket_, response_,
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                        self->socket_.close(ignored);
                      });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Recorder record_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::empty_body> response_;
  Reply reply_;
};

}  // namespace

void WebhookReceiver::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed by stop(), or shutting down
    std::make_shared<Session>(std::move(socket), [this](const Received& r) {
      return record(r);
    })->run();
    accept();
  });
}

WebhookReceiver::WebhookReceiver(Responder responder) : impl_(std::make_unique<Impl>()) {
  impl_->responder = std::move(responder);
  port_ = impl_->listen(0);
  impl_->thread = std::thread{[this] { impl_->ioc.run(); }};
}

WebhookReceiver::~WebhookReceiver() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<Received> WebhookReceiver::received() const {
  const std::lock_guard lock{impl_->mutex};
  return impl_->requests;
}

void WebhookReceiver::set_responder(Responder responder) {
  const std::lock_guard lock{impl_->mutex};
  impl_->responder = std::move(responder);
}

void WebhookReceiver::stop() {
  impl_->on_thread([this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
}

void WebhookReceiver::start() {
  impl_->on_thread([this] { impl_->listen(port_); });
}

bool WebhookReceiver::wait_for(const std::function<bool(const std::vector<Received>&)>& pred,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock lock{impl_->mutex};
  return impl_->changed.wait_for(lock, timeout, [&] { return pred(impl_->requests); });
}

namespace {

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  const auto padding = static_cast<std::size_t>(
      std::count(text.end() - std::min<std::size_t>(2, text.size()), text.end(), '='));
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out((size + 2) / 3 * 4 + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

bool verify_standard_webhook(const Received& request, std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.substr(0, kPrefix.size()) != kPrefix) return false;
  const auto key = base64_decode(secret.substr(kPrefix.size()));
  const std::string id = request.header("webhook-id");
  const std::string timestamp = request.header("webhook-timestamp");
  if (!key || id.empty() || timestamp.empty()) return false;
  const std::string content = id + "." + timestamp + "." + request.body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
           reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac.data(),
           &mac_size) == nullptr) {
    return false;
  }
  const std::string expected = "v1," + base64_encode(mac.data(), mac_size);
  std::istringstream signatures{request.header("webhook-signature")};
  std::string entry;
  while (signatures >> entry) {
    if (entry == expected) return true;
  }
  return false;
}

}  // namespace perspectief::testing
