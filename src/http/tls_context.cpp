#include "http/tls_context.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/error.hpp"

namespace sandbank::http::detail {

namespace {

// TLS 1.2: forward secrecy and AEAD only (TLS 1.3 suites are all of that kind).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:P-256:P-384";

std::string openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? std::string("unknown OpenSSL error") : out;
}

[[noreturn]] void fail(std::string code, std::string message) {
  throw Error(500, std::move(code), std::move(message), openssl_errors());
}

int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                  unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;  // no common protocol: go on without ALPN, speak HTTP/1.1
}

// Replaces OpenSSL's chain verification in the handshake: the application verifies the chain
// (ClientAuthenticator), so building one here from what the client sent would only cost CPU,
// as much as the client likes.
int skip_client_chain_verification(X509_STORE_CTX*, void*) {
  return 1;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsConfig& tls,
                                                                   const std::string& listener) {
  ERR_clear_error();
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();

  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1 ||
      SSL_CTX_set1_groups_list(ctx, kGroups) != 1) {
    fail("http.tls_setup", fmt::format("cannot configure TLS for listener {}", listener));
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  static const unsigned char kSessionContext[] = "sandbank";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);

  if (SSL_CTX_use_certificate_chain_file(ctx, tls.certificate_chain_file.c_str()) != 1) {
    fail("http.tls_certificate",
         fmt::format("cannot load the TLS certificate chain {} of listener {}",
                     tls.certificate_chain_file, listener));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail("http.tls_private_key", fmt::format("cannot load the TLS private key {} of listener {}",
                                             tls.private_key_file, listener));
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    fail("http.tls_private_key",
         fmt::format("the TLS private key {} does not match the certificate {} of listener {}",
                     tls.private_key_file, tls.certificate_chain_file, listener));
  }
  SSL_CTX_set_alpn_select_cb(ctx, select_http11, nullptr);

  if (tls.request_client_certificate) {
    // Ask, never demand, never judge: the application answers 401 JSON rather than a TLS alert.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ctx, skip_client_chain_verification, nullptr);
    // An empty list of acceptable CAs, so clients that filter by CA still offer theirs.
    SSL_CTX_set_client_CA_list(ctx, sk_X509_NAME_new_null());
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  ERR_clear_error();
  return context;
}

}  // namespace sandbank::http::detail
