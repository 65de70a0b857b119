#include <cstdio>
#include <iostream>

#include "app/codes.hpp"
#include "app/commands.hpp"
#include "app/data_dir.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "crypto/sandbox_pki.hpp"

namespace sandbank::app {

int run_certs_issue(const CertsIssueOptions& options) {
  std::vector<crypto::Psd2Role> roles;
  for (auto part : split(options.roles, ',')) {
    auto name = trim_ows(part);
    if (name.empty()) continue;
    auto role = crypto::role_from_name(name);
    if (!role) {
      throw Error(
          400, codes::kCertsUnknownRole,
          "unknown PSD2 role '" + std::string(name) + "'; use PSP_AS, PSP_PI, PSP_AI or PSP_IC");
    }
    roles.push_back(*role);
  }
  if (roles.empty()) {
    throw Error(400, codes::kCertsNoRoles, "a TPP certificate needs at least one PSD2 role");
  }
  SystemClock clock;
  SystemRandom random;
  auto key_type = options.key == "ec256" ? crypto::KeyType::Ec : crypto::KeyType::Rsa;
  if (options.style == "obie") {
    auto issued = crypto::issue_obie_pair(options.organization, options.organization_identifier,
                                          roles, key_type, clock.now(), random);
    crypto::write_obie_pair(issued, options.out_dir);
    std::cout << "Issued a UK Open Banking style TLS (OBWac) and signing (OBSeal) certificate "
                 "for "
              << options.organization << " into " << options.out_dir.string()
              << ", with their issuing CA ca.cer. Start the sandbox with --trust "
              << (options.out_dir / "ca.cer").string() << " to accept them.\n\n"
              << crypto::describe_certificate(issued.pair.tls) << "\n"
              << crypto::describe_certificate(issued.pair.signing);
    return 0;
  }
  auto dir = open_existing_data_dir(options.data_dir, options.store);
  auto pair = crypto::issue_tpp_pair(dir.pki, options.organization, options.organization_identifier,
                                     roles, key_type, clock.now(), random);
  crypto::write_tpp_pair(pair, options.out_dir);
  std::cout << "Issued a TLS (QWAC) and signing (QSealC) certificate for " << options.organization
            << " into " << options.out_dir.string() << "\n\n"
            << crypto::describe_certificate(pair.tls) << "\n"
            << crypto::describe_certificate(pair.signing);
  return 0;
}

int run_certs_revoke(const std::filesystem::path& data_dir, const std::filesystem::path& file,
                     const std::string& store) {
  auto dir = open_existing_data_dir(data_dir, store);
  auto cert = crypto::Certificate::load_file(file.string());
  SystemClock clock;
  dir.store->revocations().revoke(
      store::RevokedCertificate{cert.x5t_s256(), cert.serial_hex(), cert.subject(), clock.now()});
  std::cout << "Revoked certificate serial " << cert.serial_hex() << " (" << cert.subject()
            << "). A running sandbox refuses it from its next request on.\n";
  return 0;
}

int run_certs_show(const std::filesystem::path& file) {
  auto cert = crypto::Certificate::load_file(file.string());
  std::cout << crypto::describe_certificate(cert);
  return 0;
}

}  // namespace sandbank::app
