#pragma once

// Internal to src/http: the OpenSSL server context of one listener.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "http/server.hpp"

namespace sandbank::http::detail {

// TLS 1.2 and 1.3 only; ECDHE with AEAD ciphers only; no compression, renegotiation or session
// resumption (a resumed session would not carry the client's chain); ALPN http/1.1. With
// request_client_certificate: asks for a client certificate with an empty CA list and accepts
// whatever is sent (or nothing): trust is the application's decision.
// Throws sandbank::Error naming the file when the certificate or key cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsConfig& tls,
                                                                   const std::string& listener);

}  // namespace sandbank::http::detail
