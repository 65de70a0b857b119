#include "oauth/application_registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/url/parse.hpp>

#include "core/error.hpp"
#include "core/time_format.hpp"
#include "oauth/codes.hpp"
#include "oauth/scopes.hpp"

namespace sandbank::oauth {
namespace {

store::RegisteredKey registered_key(const std::string& use, const crypto::Certificate& cert) {
  return store::RegisteredKey{use, cert.pem(), cert.x5t_s256(), cert.serial_hex()};
}

std::string organization_of(const crypto::Certificate& cert) {
  auto org = cert.organization_identifier();
  if (!org || org->empty()) {
    throw Error(400, codes::kDcrOrganizationMissing,
                fmt::format("The certificate {} has no organizationIdentifier (2.5.4.97), so it "
                            "cannot identify a TPP",
                            cert.subject()));
  }
  return *org;
}

bool has_key(const store::Application& app, const std::string& use, const std::string& fp) {
  return std::any_of(app.keys.begin(), app.keys.end(), [&](const store::RegisteredKey& k) {
    return k.use == use && k.fingerprint_sha256 == fp;
  });
}

// ING's production prerequisite, in sandbox and production mode alike.
Error lifespan_error(const crypto::Certificate& cert, std::string_view purpose, int status) {
  return Error(
      status, status == 400 ? "dcr.certificate_lifespan" : "certificate.lifespan_exceeded",
      fmt::format("The {} certificate {} (serial {}) is valid from {} to {}: its lifespan "
                  "exceeds the {} months ING accepts for eIDAS and OBIE certificates",
                  purpose, cert.subject(), cert.serial_hex(), format_rfc3339(cert.not_before()),
                  format_rfc3339(cert.not_after()), crypto::kMaxLifespanMonths));
}

std::vector<std::string> roles_of(const KeySet& keys) {
  std::vector<std::string> out;
  auto add = [&](const crypto::Certificate& c) {
    if (auto psd2 = c.psd2()) {
      for (const auto& name : role_names(psd2->roles)) {
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
      }
    }
  };
  for (const auto& c : keys.tls) add(c);
  for (const auto& c : keys.sign) add(c);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<store::RegisteredKey> to_keys(const KeySet& keys) {
  std::vector<store::RegisteredKey> out;
  for (const auto& c : keys.tls) out.push_back(registered_key("tls", c));
  for (const auto& c : keys.sign) out.push_back(registered_key("sign", c));
  return out;
}

}  // namespace

ApplicationRegistry::ApplicationRegistry(store::Store& store,
                                         std::shared_ptr<const crypto::TrustStore> trust,
                                         const Clock& clock, RandomSource& random)
    : store_(store), trust_(std::move(trust)), clock_(clock), random_(random) {}

void ApplicationRegistry::check_certificate(const crypto::Certificate& cert,
                                            std::string_view purpose) {
  if (crypto::lifespan_exceeds(cert)) throw lifespan_error(cert, purpose, 401);
  auto now = clock_.now();
  if (now > cert.not_after() || now < cert.not_before()) {
    throw Error(401, codes::kDcrCertificateExpired,
                fmt::format("The {} certificate {} (serial {}) is not valid now", purpose,
                            cert.subject(), cert.serial_hex()));
  }
  auto verdict = trust_->verify(cert, {}, now);
  if (!verdict.ok) {
    throw Error(401, codes::kDcrCertificateUntrusted,
                fmt::format("The {} certificate {} (serial {}) does not chain to a trusted CA: {}",
                            purpose, cert.subject(), cert.serial_hex(), verdict.reason));
  }
  if (store_.revocations().is_revoked(cert.x5t_s256())) {
    throw Error(401, codes::kDcrCertificateRevoked,
                fmt::format("The {} certificate {} (serial {}) is revoked", purpose, cert.subject(),
                            cert.serial_hex()));
  }
  auto psd2 = cert.psd2();
  if (!psd2 || psd2->roles.empty()) {
    throw Error(400, codes::kDcrCertificateWithoutRoles,
                fmt::format("The {} certificate {} (serial {}) carries no PSD2 roles (ETSI TS 119 "
                            "495 QCStatement), so it allows no PSD2 API",
                            purpose, cert.subject(), cert.serial_hex()));
  }
}

void ApplicationRegistry::check_redirect_uri(const std::string& uri) {
  auto bad = [&](std::string_view why) {
    return Error(400, codes::kDcrRedirectUriInvalid,
                 fmt::format("The redirect URI {} is invalid: {}", uri, why));
  };
  auto parsed = boost::urls::parse_absolute_uri(uri);
  if (!parsed) throw bad("it is not an absolute URL");
  auto scheme = parsed->scheme();
  std::string host(parsed->host());
  if (parsed->has_fragment()) throw bad("it has a fragment");
  if (host.empty()) throw bad("it has no host");
  if (scheme == "https") return;
  bool local = host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "::1";
  if (scheme == "http" && local) return;
  throw bad("it must use https (http only for localhost)");
}

void ApplicationRegistry::check_request(const ApplicationRequest& request) {
  if (request.contact.empty()) {
    throw Error(400, codes::kDcrContactMissing,
                "The member contact (an e-mail address) is required");
  }
  for (const auto& uri : request.redirect_uris) check_redirect_uri(uri);
}

KeySet ApplicationRegistry::checked_keys(const KeySet& keys, const std::string& organization) {
  if (keys.tls.empty() || keys.sign.empty()) {
    throw Error(400, codes::kDcrKeysIncomplete,
                "keys must hold at least one tls and one sign certificate; an application "
                "cannot be left without a TLS and a signing key");
  }
  for (const auto* list : {&keys.tls, &keys.sign}) {
    for (const auto& c : *list) {
      if (crypto::lifespan_exceeds(c))
        throw lifespan_error(c, list == &keys.tls ? "tls" : "sign", 400);
    }
  }
  for (const auto& c : keys.tls) check_certificate(c, "tls");
  for (const auto& c : keys.sign) check_certificate(c, "sign");
  for (const auto* list : {&keys.tls, &keys.sign}) {
    for (const auto& c : *list) {
      if (organization_of(c) != organization) {
        throw Error(403, codes::kDcrOrganizationMismatch,
                    fmt::format("The certificate {} belongs to organization {}, not to {}",
                                c.subject(), organization_of(c), organization));
      }
    }
  }
  // A certificate listed twice for one use is registered once.
  KeySet unique;
  auto add_unique = [](std::vector<crypto::Certificate>& out, const crypto::Certificate& c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  for (const auto& c : keys.tls) add_unique(unique.tls, c);
  for (const auto& c : keys.sign) add_unique(unique.sign, c);
  return unique;
}

Registration ApplicationRegistry::register_application(const ApplicationRequest& request,
                                                       const crypto::Certificate& connection,
                                                       const crypto::Certificate& signature) {
  check_request(request);
  check_certificate(connection, "TLS client");
  auto organization = organization_of(connection);
  KeySet keys = request.keys ? *request.keys : KeySet{{connection}, {signature}};
  keys = checked_keys(keys, organization);

  for (const auto& tls : keys.tls) {
    if (auto existing = store_.applications().find_by_key_fingerprint("tls", tls.x5t_s256())) {
      return Registration{std::move(*existing), false};
    }
  }

  store::Application app;
  app.client_id = random_.uuid();
  app.contact = request.contact;
  app.redirect_uris = request.redirect_uris;
  app.redirect_uris_registered = !request.redirect_uris.empty();
  app.keys = to_keys(keys);
  app.organization_identifier = organization;
  app.roles = roles_of(keys);
  app.created_at = clock_.now();
  app.updated_at = app.created_at;
  store_.applications().insert(app);
  return Registration{std::move(app), true};
}

store::Application ApplicationRegistry::update(const std::string& client_id,
                                               const ApplicationRequest& request,
                                               const crypto::Certificate& connection,
                                               const crypto::Certificate& signature) {
  auto app = get_for(client_id, client_id);
  if (!has_key(app, "tls", connection.x5t_s256())) {
    throw Error(401, codes::kDcrConnectionNotRegistered,
                fmt::format("The TLS certificate of this connection (serial {}) is not a "
                            "registered TLS key of application {}",
                            connection.serial_hex(), client_id));
  }
  if (!has_key(app, "sign", signature.x5t_s256())) {
    throw Error(401, codes::kDcrSignatureCertificateNotRegistered,
                fmt::format("The TPP-Signature-Certificate (serial {}) is not a registered "
                            "signing key of application {}",
                            signature.serial_hex(), client_id));
  }
  check_request(request);
  if (request.keys) {
    auto keys = checked_keys(*request.keys, app.organization_identifier);
    bool keeps_connection =
        std::any_of(keys.tls.begin(), keys.tls.end(),
                    [&](const crypto::Certificate& c) { return c == connection; });
    if (!keeps_connection) {
      throw Error(400, codes::kDcrTlsKeyInUse,
                  fmt::format("keys.tls drops the TLS certificate this request uses (serial {}); "
                              "send it along, or make the change over a connection with a "
                              "certificate that stays registered",
                              connection.serial_hex()));
    }
    for (const auto& tls : keys.tls) {
      auto owner = store_.applications().find_by_key_fingerprint("tls", tls.x5t_s256());
      if (owner && owner->client_id != client_id) {
        throw Error(409, codes::kDcrCertificateRegisteredElsewhere,
                    fmt::format("The TLS certificate serial {} is registered for application {}",
                                tls.serial_hex(), owner->client_id));
      }
    }
    app.keys = to_keys(keys);
    app.roles = roles_of(keys);
  }
  app.contact = request.contact;
  app.redirect_uris = request.redirect_uris;
  // ING's migration guide: registering redirect URLs with PUT puts the application in the
  // mixed-flow rule of the code exchange; deleting them all takes it out again.
  app.redirect_uris_registered = !request.redirect_uris.empty();
  app.updated_at = clock_.now();
  store_.applications().update(app);
  return app;
}

std::optional<store::Application> ApplicationRegistry::find(const std::string& client_id) {
  return store_.applications().find(client_id);
}

store::Application ApplicationRegistry::get_for(const std::string& client_id,
                                                const std::string& caller_client_id) {
  auto app = store_.applications().find(client_id);
  if (!app) {
    throw Error(404, codes::kDcrApplicationUnknown,
                fmt::format("No application with client_id {}", client_id));
  }
  if (client_id != caller_client_id) {
    auto caller = store_.applications().find(caller_client_id);
    if (!caller || caller->organization_identifier != app->organization_identifier) {
      throw Error(403, codes::kDcrNotYourApplication,
                  fmt::format("The application {} belongs to another TPP", client_id));
    }
  }
  return std::move(*app);
}

std::vector<store::Application> ApplicationRegistry::list_for(const std::string& caller_client_id) {
  auto caller = get_for(caller_client_id, caller_client_id);
  return store_.applications().list_by_organization(caller.organization_identifier);
}

std::optional<store::Application> ApplicationRegistry::find_by_certificate(
    const std::string& use, const crypto::Certificate& certificate) {
  return store_.applications().find_by_key_fingerprint(use, certificate.x5t_s256());
}

std::vector<crypto::Certificate> ApplicationRegistry::certificates(const store::Application& app,
                                                                   std::string_view use) {
  std::vector<crypto::Certificate> out;
  for (const auto& key : app.keys) {
    if (key.use == use) out.push_back(crypto::Certificate::from_pem(key.certificate_pem));
  }
  return out;
}

std::vector<std::string> ApplicationRegistry::allowed_scopes(const store::Application& app) {
  return scopes_for_roles(app.roles);
}

}  // namespace sandbank::oauth
