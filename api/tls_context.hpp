#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "domain/result.hpp"

namespace perspectief::api {

// A server TLS context from a PEM certificate chain and its PEM private key: TLS 1.2 and 1.3
// only, forward-secret AEAD ciphers for TLS 1.2, no compression, no renegotiation. Refuses a
// key that does not match the certificate.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& cert_file,
                                                                    const std::string& key_file);

}  // namespace perspectief::api
