#include "api/tls_context.hpp"

#include <openssl/ssl.h>

namespace perspectief::api {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>> make_tls_context(const std::string& cert_file,
                                                       const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use,
                   ec);
  SSL_CTX* native = ctx->native_handle();
  if (!ec && SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return make_error(ErrorCode::invalid, "cannot require TLS 1.2 or later");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (!ec &&
      SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!MD5:!RC4") != 1) {
    return make_error(ErrorCode::invalid, "cannot set the TLS 1.2 cipher list");
  }
  if (ec) return make_error(ErrorCode::invalid, "cannot set TLS options: " + ec.message());
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return make_error(ErrorCode::invalid,
                      "cannot read the TLS certificate " + cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return make_error(ErrorCode::invalid,
                      "cannot read the TLS key " + key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return make_error(ErrorCode::invalid, "the TLS key does not match the certificate");
  }
  return ctx;
}

}  // namespace perspectief::api
