#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perspectief::testing {

// One request as a WebhookReceiver saw it.
struct Received {
  std::chrono::steady_clock::time_point at;  // when the whole request had arrived
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // The header's value, or "" when it is absent.
  std::string header(const std::string& lower_name) const;
};

// How the receiver answers one request.
struct Reply {
  int status = 200;
  std::chrono::milliseconds delay{0};  // before answering (or closing)
  std::string location;                // sent as Location when not empty (for 3xx)
  bool close_without_answer = false;   // close the connection instead of answering

  // Shorthands (designated initializers that leave members out trip -Wmissing-field-initializers).
  static Reply with_status(int status) {
    Reply r;
    r.status = status;
    return r;
  }
  static Reply redirect(int status, std::string location) {
    Reply r = with_status(status);
    r.location = std::move(location);
    return r;
  }
  static Reply after(std::chrono::milliseconds delay, int status = 200) {
    Reply r = with_status(status);
    r.delay = delay;
    return r;
  }
  static Reply hang_up() {
    Reply r;
    r.close_without_answer = true;
    return r;
  }
};
using Responder = std::function<Reply(const Received&)>;

// A loopback HTTP/1.1 server on 127.0.0.1 (port chosen by the system) standing in for a
// partner's webhook endpoint: it records every request and answers each with what the
// responder returns, one request per connection, many connections at once, on its own thread.
class WebhookReceiver {
 public:
  // Listens at once; throws when no port can be bound. The default responder answers 200.
  explicit WebhookReceiver(Responder responder = {});
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "/hook") const;

  // A copy of every request recorded so far, in arrival order.
  std::vector<Received> received() const;
  // Used for the requests that arrive from now on.
  void set_responder(Responder responder);

  // Closes the listening socket: new connections are refused until start(). Connections
  // already accepted are still answered.
  void stop();
  // Listens again on the same port; throws when it cannot be bound.
  void start();

  // Waits until `pred` holds for the recorded requests; false when `timeout` passed first.
  bool wait_for(const std::function<bool(const std::vector<Received>&)>& pred,
                std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

// True when the request carries webhook-id, webhook-timestamp and a webhook-signature entry
// "v1,<base64>" that equals HMAC-SHA256(key, id + "." + timestamp + "." + body), key being the
// base64 after "whsec_" in `secret` (Standard Webhooks). Written on OpenSSL directly, apart
// from the server's signing code, so that the two check each other.
bool verify_standard_webhook(const Received& request, std::string_view secret);

}  // namespace perspectief::testing
