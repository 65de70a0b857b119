#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/certificate.hpp"
#include "crypto/pki.hpp"
#include "store/store.hpp"

// Dynamic client registration as ING's guide describes it: POST/GET/PUT /oauth2/applications.
// The HTTP layer verifies signatures and parses JSON; the rules live here.
namespace sandbank::oauth {

// The certificates of a registration request's `keys` member.
struct KeySet {
  std::vector<crypto::Certificate> tls;
  std::vector<crypto::Certificate> sign;
};

// The body of POST and PUT /oauth2/applications, parsed.
struct ApplicationRequest {
  std::string contact;
  std::vector<std::string> redirect_uris;
  std::optional<KeySet> keys;  // absent: POST registers the connection's certificates, PUT
                               // keeps the registered keys
};

struct Registration {
  store::Application application;
  bool created = false;  // false: the TLS certificate was registered already (answered 200)
};

// Error detail codes (all sandbank::Error):
//  400 dcr.certificate_lifespan (a certificate of keys valid longer than 39 months)
//  401 certificate.lifespan_exceeded (the same for the signing certificate of the call)
//  400 dcr.contact_missing, dcr.redirect_uri_invalid, dcr.keys_incomplete,
//      dcr.certificate_without_roles, dcr.organization_missing, dcr.tls_key_in_use
//  401 dcr.certificate_untrusted, dcr.certificate_expired, dcr.certificate_revoked,
//      dcr.connection_not_registered, dcr.signature_certificate_not_registered
//  403 dcr.organization_mismatch, dcr.not_your_application
//  404 dcr.application_unknown
//  409 dcr.certificate_registered_elsewhere (PUT: a TLS key of another application)
class ApplicationRegistry {
 public:
  ApplicationRegistry(store::Store& store, std::shared_ptr<const crypto::TrustStore> trust,
                      const Clock& clock, RandomSource& random);

  // POST: registers a new application (client_id a fresh UUID) with the request's keys or,
  // when absent, with the connection's TLS certificate and the signature certificate. When
  // a TLS certificate to register is registered already, returns that application unchanged
  // (created = false).
  Registration register_application(const ApplicationRequest& request,
                                    const crypto::Certificate& connection_certificate,
                                    const crypto::Certificate& signature_certificate);

  // PUT: replaces contact and redirect_uris, and the keys when the request has them. The
  // connection must use a TLS certificate registered for the application, the signature
  // certificate must be one of its registered signing keys, and the connection's TLS
  // certificate must stay registered.
  store::Application update(const std::string& client_id, const ApplicationRequest& request,
                            const crypto::Certificate& connection_certificate,
                            const crypto::Certificate& signature_certificate);

  std::optional<store::Application> find(const std::string& client_id);
  // GET /{id}: 404 when unknown, 403 when it belongs to another organization than the caller.
  store::Application get_for(const std::string& client_id, const std::string& caller_client_id);
  // GET /me: every application of the caller's organization, oldest first.
  std::vector<store::Application> list_for(const std::string& caller_client_id);

  // The application whose registered key (use "tls"/"sign") is this certificate.
  std::optional<store::Application> find_by_certificate(const std::string& use,
                                                        const crypto::Certificate& certificate);

  // Trusted (chains to a trusted CA), within its validity, not revoked, with PSD2 roles.
  void check_certificate(const crypto::Certificate& certificate, std::string_view purpose);

  // Absolute https URL (http only for localhost/127.0.0.1/[::1]) without fragment.
  static void check_redirect_uri(const std::string& uri);

  // The registered certificates of one use, in registration order.
  static std::vector<crypto::Certificate> certificates(const store::Application& application,
                                                       std::string_view use);
  // Scopes the application's PSD2 roles allow.
  static std::vector<std::string> allowed_scopes(const store::Application& application);

 private:
  void check_request(const ApplicationRequest& request);
  KeySet checked_keys(const KeySet& keys, const std::string& organization);

  store::Store& store_;
  std::shared_ptr<const crypto::TrustStore> trust_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace sandbank::oauth
