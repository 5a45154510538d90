#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/webhook_allow_list.hpp"
#include "api/webhook_connection.hpp"
#include "domain/result.hpp"

namespace perspectief::api {

// One webhook POST: where, with which extra headers (webhook-id, webhook-timestamp,
// webhook-signature) and body, and the time the whole exchange may take.
struct WebhookRequest {
  const WebhookTarget* target = nullptr;  // outlives the call
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON
  std::chrono::milliseconds timeout{10000};
};

// How it went. `error` is what a subscription shows as lastError: a fixed phrase about the
// exchange ("HTTP 500", "timed out after 10 s", "connection refused", "redirect not followed
// (HTTP 302)", "TLS: certificate verify failed", "address 10.1.2.3 is not in the allow list"),
// never the receiver's answer body and never personal data.
struct WebhookResponse {
  bool delivered = false;  // the receiver answered 2xx
  int status = 0;          // the receiver's status; 0 if it gave none
  std::string error;       // empty when delivered
};

// POSTs `request.body` to the target once over `connection` and reads the whole answer
// (its body, up to 64 KiB, is discarded). An open connection to the same scheme, host and
// port is reused; otherwise the host is resolved and, unless the operator named it in the
// allow list, only its addresses inside a listed network are connected to; https verifies
// the certificate chain against `tls` and the host name (SNI for names). A reused connection
// that the receiver closed while idle (the write fails, or it ends before the first byte of
// an answer) is replaced by a new one and the request sent again: that is not a failure.
// Redirects are never followed (3xx fails). The whole exchange, DNS included as far as the
// system resolver lets it be interrupted, ends by `request.timeout`. The connection stays
// open after a complete answer that keeps it alive, and is closed after any failure, a
// `Connection: close` or a body over the limit. Never throws for network or TLS failures:
// they come back as an undelivered response.
boost::asio::awaitable<WebhookResponse> post_webhook(const WebhookAllowList& allow,
                                                     boost::asio::ssl::context& tls,
                                                     WebhookRequest request,
                                                     WebhookConnection& connection);

// The same over a connection of its own, closed when the call ends.
boost::asio::awaitable<WebhookResponse> post_webhook(const WebhookAllowList& allow,
                                                     boost::asio::ssl::context& tls,
                                                     WebhookRequest request);

// The TLS client context of webhook delivery: TLS 1.2 or later, peers verified against the
// system's trusted roots and, when `ca_file` is not empty, the PEM certificates in it (for a
// receiver with a private CA, or a test's own). Error invalid naming the file if it cannot be
// read; invalid too if OpenSSL refuses the settings.
Result<std::unique_ptr<boost::asio::ssl::context>> webhook_tls_context(const std::string& ca_file);

}  // namespace perspectief::api
