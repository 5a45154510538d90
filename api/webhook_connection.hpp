#pragma once

#include <memory>

namespace perspectief::api {

// An HTTP/1.1 connection to one webhook receiver kept open between POSTs (keep-alive), so
// that consecutive batches of a subscription do not each pay a TCP connect and a TLS
// handshake. Closed when default-constructed; post_webhook opens it, reuses it for the same
// target (scheme, host, port) and closes it after an answer that ends the connection or any
// failure. Not thread-safe: it belongs to one delivery loop at a time.
class WebhookConnection {
 public:
  // The open stream and what it is connected to; defined where post_webhook uses it.
  struct Open;

  WebhookConnection();
  ~WebhookConnection();
  WebhookConnection(WebhookConnection&&) noexcept;
  WebhookConnection& operator=(WebhookConnection&&) noexcept;

  bool is_open() const { return open_ != nullptr; }
  // Drops the connection (the socket is closed without waiting for the peer).
  void close();

  Open* open() { return open_.get(); }
  void reset(std::unique_ptr<Open> open);

 private:
  std::unique_ptr<Open> open_;
};

}  // namespace perspectief::api
