#pragma once

// Where a TPP's requests go and what they are signed with: a profile file (TOML), or a local
// sandbox's data directory, or flags on top of either.

#include <filesystem>
#include <string>

namespace sandbank::tpp {

struct TppProfile {
  std::string host;      // API host, e.g. "https://api.sandbox.ing.com"
  std::string web;       // authorization (myaccount) host, e.g. "https://myaccount.sandbox.ing.com"
  std::string tls_cert;  // QWAC, PEM file (mutual TLS)
  std::string tls_key;   // its private key
  std::string signing_cert;  // QSealC, PEM file (HTTP Signature, JWS, TPP-Signature-Certificate)
  std::string signing_key;   // its private key
  std::string key_id;        // keyId of the application-token request; empty: "SN=<serial>"
  std::string client_id;     // empty: learned from the token response and cached
  std::string redirect_uri;  // default redirect URI (authorize-url, exchange, payments)
  std::string ca_file;       // trust anchors for the server; empty: the system store
  // Not in the file: where tokens and the learned client_id are cached.
  std::filesystem::path token_cache;
};

// Reads a profile. Relative paths in the file are relative to the file's folder. The token
// cache goes next to it: "ing.toml" caches in "ing.tokens.json". Throws sandbank::Error
// ("tpp.profile_invalid", naming the file, line and key) when it cannot be read.
TppProfile load_profile(const std::filesystem::path& file);

// Writes every non-empty setting (paths as given). Throws sandbank::Error when it cannot.
void save_profile(const TppProfile& profile, const std::filesystem::path& file);

// A local sandbox: certificates from DIR/certs (the guide's file names, ca.cer as trust anchor),
// host and web from DIR/endpoints.json (written by a running `sandbank serve`). When that file
// is absent, host and web stay empty unless `allow_missing_endpoints` gives the serve defaults
// (https://127.0.0.1:8443 and :8444). Tokens are cached in DIR/tpp-tokens.json. The redirect
// URI is the pre-registered application's first one, https://www.example.com/.
TppProfile profile_from_data_dir(const std::filesystem::path& dir,
                                 bool allow_missing_endpoints = false);

}  // namespace sandbank::tpp
