#include "crypto/sandbox_pki.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/time_format.hpp"
#include "crypto/codes.hpp"
#include "crypto/ossl.hpp"

namespace sandbank::crypto {
namespace fs = std::filesystem;
namespace {

using std::chrono::hours;
constexpr auto kDay = hours(24);
constexpr auto kBackdate = hours(1);  // tolerate clients whose clock runs a little behind
constexpr auto kCaValidity = kDay * 3650;
constexpr auto kLeafValidity = kDay * 730;
constexpr mode_t kKeyMode = 0600;
constexpr mode_t kCertMode = 0644;

// --- files ---------------------------------------------------------------------------------

Error write_error(const fs::path& path, std::string_view what, int err) {
  return Error::internal(codes::kPkiWriteFailed,
                         fmt::format("Cannot {} {}: {}", what, path.string(), std::strerror(err)));
}

// An open file descriptor, closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the result (close can fail on network file systems).
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

void fsync_dir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

// Writes `content` to a temporary file next to `path`, syncs it, then links it into place.
// link() fails when `path` exists, so nothing is ever overwritten.
void write_file_atomic(const fs::path& path, std::string_view content, mode_t mode) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = path;
  tmp += fmt::format(".tmp-{}-{}", ::getpid(), counter.fetch_add(1));
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) throw write_error(tmp, "create", errno);
  // The temporary file goes away whatever happens.
  struct Unlink {
    const fs::path& p;
    ~Unlink() { ::unlink(p.c_str()); }
  } unlink_tmp{tmp};

  if (::fchmod(fd.get(), mode) != 0) throw write_error(path, "set permissions on", errno);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw write_error(path, "write", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) throw write_error(path, "sync", errno);
  if (fd.close() != 0) throw write_error(path, "close", errno);
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) {
      throw Error::internal(
          codes::kPkiExists,
          fmt::format("{} already exists; Sandbank does not overwrite it", path.string()));
    }
    throw write_error(path, "create", errno);
  }
  fsync_dir(path.parent_path());
}

void create_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error::internal(codes::kPkiWriteFailed, fmt::format("Cannot create the folder {}: {}",
                                                              dir.string(), ec.message()));
  }
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

void refuse_existing(const std::vector<fs::path>& files) {
  for (const auto& f : files) {
    if (path_exists(f)) {
      throw Error::internal(
          codes::kPkiExists,
          fmt::format("{} already exists; Sandbank does not overwrite it", f.string()));
    }
  }
}

// The whole content of a (small) file; nullopt when it cannot be read.
std::optional<std::string> read_small_file(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// --- issuing -------------------------------------------------------------------------------

Bytes serial_from(std::uint32_t value) {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

// A positive serial of `n` bytes whose first hex digit is not zero.
Bytes random_serial(RandomSource& random, std::size_t n) {
  Bytes s = random.bytes(n);
  s[0] = static_cast<std::uint8_t>((s[0] & 0x7F) | 0x10);
  return s;
}

bool is_ip_address(const std::string& s) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

const std::vector<Psd2Role> kAllRoles = {Psd2Role::AccountServicing, Psd2Role::PaymentInitiation,
                                         Psd2Role::AccountInformation,
                                         Psd2Role::IssuingCardInstruments};

IssueRequest tpp_request(CertificateProfile profile, const std::string& organization,
                         const std::string& organization_identifier,
                         const std::vector<Psd2Role>& roles, TimePoint now) {
  IssueRequest r;
  r.profile = profile;
  r.organization = organization;
  r.organizational_unit =
      profile == CertificateProfile::Qwac ? "sandbox_eidas_qwac" : "sandbox_eidas_qsealc";
  r.organization_identifier = organization_identifier;
  r.roles = roles;
  r.not_before = now - kBackdate;
  r.not_after = now + kLeafValidity;
  return r;
}

// "PSDDE-BAFIN-123" -> "DE-BAFIN" (TS 119 495: NCAId = country + "-" + NCA identifier).
std::optional<std::string> nca_id_from(const std::string& org_id) {
  if (org_id.size() < 9 || org_id.compare(0, 3, "PSD") != 0 || org_id[5] != '-') {
    return std::nullopt;
  }
  auto dash = org_id.find('-', 6);
  if (dash == std::string::npos || dash == 6 || dash + 1 >= org_id.size()) return std::nullopt;
  std::string country = org_id.substr(3, 2);
  std::string nca = org_id.substr(6, dash - 6);
  auto upper = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  };
  if (!upper(country) || !upper(nca) || nca.size() > 8) return std::nullopt;
  return country + "-" + nca;
}

std::string random_digits(RandomSource& random, std::size_t n) {
  std::string out;
  while (out.size() < n) {
    std::uint8_t b = 0;
    random.fill(&b, 1);
    if (b < 250) out.push_back(static_cast<char>('0' + b % 10));  // no modulo bias
  }
  return out;
}

// --- loading -------------------------------------------------------------------------------

Error damaged(const fs::path& dir, const std::string& problem) {
  return Error::internal(
      codes::kPkiDamaged,
      fmt::format("The sandbox PKI in {} is damaged: {}. Sandbank will not regenerate "
                  "certificates over existing files; move that folder away to create a new PKI",
                  dir.string(), problem));
}

Certificate load_cert(const SandboxPkiPaths& p, const fs::path& file) {
  if (!path_exists(file))
    throw damaged(p.dir, fmt::format("{} is missing", file.filename().string()));
  try {
    return Certificate::load_file(file.string());
  } catch (const Error& e) {
    throw damaged(p.dir, fmt::format("{} is not a readable certificate ({})",
                                     file.filename().string(), e.message()));
  }
}

PrivateKey load_key(const SandboxPkiPaths& p, const fs::path& file, const Certificate& cert,
                    const fs::path& cert_file) {
  if (!path_exists(file))
    throw damaged(p.dir, fmt::format("{} is missing", file.filename().string()));
  PrivateKey key = [&] {
    try {
      return PrivateKey::load_file(file.string());
    } catch (const Error& e) {
      throw damaged(p.dir, fmt::format("{} is not a readable private key ({})",
                                       file.filename().string(), e.message()));
    }
  }();
  if (!key.public_key().equals(cert.public_key())) {
    throw damaged(p.dir, fmt::format("{} does not belong to {}", file.filename().string(),
                                     cert_file.filename().string()));
  }
  return key;
}

bool signed_by(const Certificate& cert, const Certificate& ca) {
  bool ok = X509_check_issued(ca.native(), cert.native()) == X509_V_OK &&
            X509_verify(cert.native(), X509_get0_pubkey(ca.native())) == 1;
  ossl::drain_errors();
  return ok;
}

std::string format_hex_upper(const Bytes& b) {
  return hex_encode(b, true);
}

std::string_view qc_type_name(QcType t) {
  switch (t) {
    case QcType::ESeal:
      return "eseal (QSealC, 0.4.0.1862.1.6.2)";
    case QcType::Web:
      return "web (QWAC, 0.4.0.1862.1.6.3)";
    case QcType::ESign:
      return "esign (0.4.0.1862.1.6.1)";
  }
  return "?";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

SandboxPkiPaths SandboxPkiPaths::in(const fs::path& certs_dir) {
  SandboxPkiPaths p;
  p.dir = certs_dir;
  p.ca_cert = certs_dir / "ca.cer";
  p.ca_key = certs_dir / "ca.key";
  p.server_cert = certs_dir / "server.cer";
  p.server_key = certs_dir / "server.key";
  p.tls_cert = certs_dir / "example_client_tls.cer";
  p.tls_key = certs_dir / "example_client_tls.key";
  p.signing_cert = certs_dir / "example_client_signing.cer";
  p.signing_key = certs_dir / "example_client_signing.key";
  p.marker = certs_dir / ".complete";
  return p;
}

std::vector<fs::path> SandboxPkiPaths::files() const {
  return {ca_cert, ca_key, server_cert, server_key, tls_cert, tls_key, signing_cert, signing_key};
}

bool sandbox_pki_complete(const fs::path& certs_dir) {
  return path_exists(SandboxPkiPaths::in(certs_dir).marker);
}

PrivateKey generate_key(KeyType type) {
  return type == KeyType::Ec ? PrivateKey::generate_ec_p256() : PrivateKey::generate_rsa(2048);
}

SandboxPkiFiles generate_sandbox_pki_files(const std::vector<std::string>& server_names,
                                           TimePoint now, RandomSource& random,
                                           const KeyGenerator& keys) {
  const KeyGenerator& make_key = keys ? keys : KeyGenerator(generate_key);

  // Root CA.
  PrivateKey ca_key = make_key(KeyType::Rsa);
  IssueRequest ca_req;
  ca_req.profile = CertificateProfile::RootCa;
  ca_req.organization = "Sandbank";
  ca_req.common_name = std::string(kSandboxCaName);
  ca_req.serial = random_serial(random, 16);
  ca_req.not_before = now - kBackdate;
  ca_req.not_after = now + kCaValidity;
  Certificate ca = issue_certificate(ca_req, ca_key.public_key(), std::nullopt, ca_key);

  // TLS server.
  PrivateKey server_key = make_key(KeyType::Rsa);
  IssueRequest srv;
  srv.profile = CertificateProfile::Server;
  srv.organization = "Sandbank";
  srv.dns_names = {"localhost"};
  srv.ip_addresses = {"127.0.0.1", "::1"};
  for (const auto& name : server_names) {
    add_unique(is_ip_address(name) ? srv.ip_addresses : srv.dns_names, name);
  }
  srv.common_name = srv.dns_names.size() > 1 ? srv.dns_names[1] : "localhost";
  srv.serial = random_serial(random, 16);
  srv.not_before = now - kBackdate;
  srv.not_after = now + kLeafValidity;
  Certificate server = issue_certificate(srv, server_key.public_key(), ca, ca_key);

  // The guide's example TPP.
  const std::string org(kExampleTppOrganization);
  const std::string org_id(kExampleTppOrganizationIdentifier);
  PrivateKey tls_key = make_key(KeyType::Rsa);
  IssueRequest tls_req = tpp_request(CertificateProfile::Qwac, org, org_id, kAllRoles, now);
  tls_req.serial = serial_from(kExampleTlsSerial);
  Certificate tls = issue_certificate(tls_req, tls_key.public_key(), ca, ca_key);

  PrivateKey signing_key = make_key(KeyType::Rsa);
  IssueRequest sig_req = tpp_request(CertificateProfile::Qsealc, org, org_id, kAllRoles, now);
  sig_req.serial = serial_from(kExampleSigningSerial);
  Certificate signing = issue_certificate(sig_req, signing_key.public_key(), ca, ca_key);

  return {{"ca.cer", ca.pem()},
          {"ca.key", ca_key.pem()},
          {"server.cer", server.pem()},
          {"server.key", server_key.pem()},
          {"example_client_tls.cer", tls.pem()},
          {"example_client_tls.key", tls_key.pem()},
          {"example_client_signing.cer", signing.pem()},
          {"example_client_signing.key", signing_key.pem()}};
}

SandboxPkiFiles read_sandbox_pki_files(const fs::path& certs_dir) {
  auto pki = load_sandbox_pki(certs_dir);
  SandboxPkiFiles out;
  for (const auto& file : pki.paths.files()) {
    auto content = read_small_file(file);
    if (!content) throw damaged(certs_dir, fmt::format("{} cannot be read", file.string()));
    out.push_back({file.filename().string(), std::move(*content)});
  }
  return out;
}

SandboxPki materialise_sandbox_pki(const fs::path& certs_dir, const SandboxPkiFiles& files,
                                   TimePoint now) {
  SandboxPkiPaths paths = SandboxPkiPaths::in(certs_dir);
  auto expected = paths.files();
  bool complete = files.size() == expected.size();
  for (std::size_t i = 0; complete && i < files.size(); ++i) {
    complete = files[i].name == expected[i].filename().string();
  }
  if (!complete) {
    throw damaged(certs_dir, "the PKI to put there is not the eight files of a sandbox PKI");
  }
  // A folder once complete must still be (a file gone is damage, not something to redo).
  if (path_exists(paths.marker)) load_sandbox_pki(certs_dir);
  create_dir(certs_dir);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& path = expected[i];
    if (path_exists(path)) {
      if (read_small_file(path) != files[i].content) {
        throw Error::internal(
            codes::kPkiConflict,
            fmt::format("{} holds another sandbox PKI than the one to use ({} differs); "
                        "Sandbank does not overwrite it. Move that folder away to use the "
                        "shared PKI",
                        certs_dir.string(), path.filename().string()));
      }
      continue;
    }
    const bool key = path.extension() == ".key";
    write_file_atomic(path, files[i].content, key ? kKeyMode : kCertMode);
  }
  if (!path_exists(paths.marker)) {
    write_file_atomic(paths.marker,
                      fmt::format("Sandbank sandbox PKI, created {}\n", format_rfc3339(now)),
                      kCertMode);
  }
  return load_sandbox_pki(certs_dir);
}

SandboxPki create_sandbox_pki(const fs::path& certs_dir,
                              const std::vector<std::string>& server_names, TimePoint now,
                              RandomSource& random, const KeyGenerator& keys) {
  SandboxPkiPaths paths = SandboxPkiPaths::in(certs_dir);
  create_dir(certs_dir);
  auto all = paths.files();
  all.push_back(paths.marker);
  refuse_existing(all);
  return materialise_sandbox_pki(certs_dir,
                                 generate_sandbox_pki_files(server_names, now, random, keys), now);
}

SandboxPki load_sandbox_pki(const fs::path& certs_dir) {
  SandboxPkiPaths p = SandboxPkiPaths::in(certs_dir);
  auto files = p.files();
  bool any =
      std::any_of(files.begin(), files.end(), [](const fs::path& f) { return path_exists(f); });
  if (!any && !path_exists(p.marker)) {
    throw Error::internal(codes::kPkiMissing,
                          fmt::format("{} holds no sandbox PKI", certs_dir.string()));
  }
  if (!path_exists(p.marker)) {
    throw damaged(certs_dir,
                  "the marker file .complete is missing, so an earlier creation was interrupted");
  }
  Certificate ca = load_cert(p, p.ca_cert);
  PrivateKey ca_key = load_key(p, p.ca_key, ca, p.ca_cert);
  if (!ca.is_ca() || !signed_by(ca, ca)) {
    throw damaged(certs_dir, "ca.cer is not a self-signed CA certificate");
  }
  auto leaf = [&](const fs::path& cert_file, const fs::path& key_file) {
    Certificate cert = load_cert(p, cert_file);
    PrivateKey key = load_key(p, key_file, cert, cert_file);
    if (!signed_by(cert, ca)) {
      throw damaged(certs_dir,
                    fmt::format("{} is not signed by ca.cer", cert_file.filename().string()));
    }
    return std::pair{std::move(cert), std::move(key)};
  };
  auto [server, server_key] = leaf(p.server_cert, p.server_key);
  auto [tls, tls_key] = leaf(p.tls_cert, p.tls_key);
  auto [signing, signing_key] = leaf(p.signing_cert, p.signing_key);
  return SandboxPki{std::move(ca),         std::move(ca_key),      std::move(server),
                    std::move(server_key), std::move(tls),         std::move(tls_key),
                    std::move(signing),    std::move(signing_key), std::move(p)};
}

SandboxPki open_sandbox_pki(const fs::path& certs_dir, const std::vector<std::string>& server_names,
                            TimePoint now, RandomSource& random, const KeyGenerator& keys) {
  SandboxPkiPaths p = SandboxPkiPaths::in(certs_dir);
  if (path_exists(p.marker)) return load_sandbox_pki(certs_dir);
  auto files = p.files();
  if (std::any_of(files.begin(), files.end(), [](const fs::path& f) { return path_exists(f); })) {
    return load_sandbox_pki(certs_dir);  // throws "pki.damaged": marker missing
  }
  return create_sandbox_pki(certs_dir, server_names, now, random, keys);
}

IssuedTpp issue_tpp_pair(const SandboxPki& pki, const std::string& organization,
                         const std::string& organization_identifier,
                         const std::vector<Psd2Role>& roles, KeyType key_type, TimePoint now,
                         RandomSource& random, const KeyGenerator& keys) {
  if (organization.empty()) {
    throw Error::bad_request(codes::kCertificateInvalidRequest,
                             "A TPP certificate needs an organization name");
  }
  std::string org_id = organization_identifier.empty() ? "PSDNL-SBX-" + random_digits(random, 10)
                                                       : organization_identifier;
  auto make_key = [&] { return keys ? keys(key_type) : generate_key(key_type); };
  auto request = [&](CertificateProfile profile) {
    IssueRequest r = tpp_request(profile, organization, org_id, roles, now);
    r.common_name = organization;
    if (auto nca = nca_id_from(org_id)) r.nca_id = *nca;
    r.serial = random_serial(random, 8);
    return r;
  };
  PrivateKey tls_key = make_key();
  PrivateKey signing_key = make_key();
  Certificate tls = issue_certificate(request(CertificateProfile::Qwac), tls_key.public_key(),
                                      pki.ca, pki.ca_key);
  Certificate signing = issue_certificate(request(CertificateProfile::Qsealc),
                                          signing_key.public_key(), pki.ca, pki.ca_key);
  return IssuedTpp{std::move(tls), std::move(signing), std::move(tls_key), std::move(signing_key)};
}

IssuedObiePair issue_obie_pair(const std::string& organization,
                               const std::string& organization_identifier,
                               const std::vector<Psd2Role>& roles, KeyType key_type, TimePoint now,
                               RandomSource& random, const KeyGenerator& keys) {
  if (organization.empty()) {
    throw Error::bad_request(codes::kCertificateInvalidRequest,
                             "A TPP certificate needs an organization name");
  }
  auto make_key = [&](KeyType type) { return keys ? keys(type) : generate_key(type); };
  std::string org_id = organization_identifier.empty() ? "PSDGB-FCA-" + random_digits(random, 6)
                                                       : organization_identifier;
  // Open Banking organisation ids: 18 characters, "0015800001" + 8 more.
  std::string ob_org_id = "0015800001" + random_digits(random, 8);

  PrivateKey ca_key = make_key(KeyType::Rsa);
  IssueRequest ca_req;
  ca_req.profile = CertificateProfile::RootCa;
  ca_req.organization = "Sandbank";
  ca_req.country = "GB";
  ca_req.common_name = "Sandbank Open Banking Test Issuing CA";
  ca_req.serial = random_serial(random, 16);
  ca_req.not_before = now - kBackdate;
  ca_req.not_after = now + kCaValidity;
  Certificate ca = issue_certificate(ca_req, ca_key.public_key(), std::nullopt, ca_key);

  auto request = [&](CertificateProfile profile) {
    IssueRequest r = tpp_request(profile, organization, org_id, roles, now);
    r.country = "GB";
    r.common_name = ob_org_id;
    r.organizational_unit = ob_org_id;
    r.qualified = false;
    r.nca_name = "Financial Conduct Authority";
    r.nca_id = nca_id_from(org_id).value_or("GB-FCA");
    r.serial = random_serial(random, 8);
    return r;
  };
  PrivateKey tls_key = make_key(key_type);
  PrivateKey signing_key = make_key(key_type);
  Certificate tls =
      issue_certificate(request(CertificateProfile::Qwac), tls_key.public_key(), ca, ca_key);
  Certificate signing =
      issue_certificate(request(CertificateProfile::Qsealc), signing_key.public_key(), ca, ca_key);
  return IssuedObiePair{
      IssuedTpp{std::move(tls), std::move(signing), std::move(tls_key), std::move(signing_key)},
      std::move(ca), std::move(ca_key)};
}

void write_obie_pair(const IssuedObiePair& issued, const fs::path& out_dir) {
  create_dir(out_dir);
  refuse_existing({out_dir / "ca.cer", out_dir / "ca.key"});
  write_tpp_pair(issued.pair, out_dir);
  write_file_atomic(out_dir / "ca.cer", issued.ca.pem(), kCertMode);
  write_file_atomic(out_dir / "ca.key", issued.ca_key.pem(), kKeyMode);
}

void write_tpp_pair(const IssuedTpp& pair, const fs::path& out_dir) {
  create_dir(out_dir);
  refuse_existing(
      {out_dir / "tls.cer", out_dir / "tls.key", out_dir / "signing.cer", out_dir / "signing.key"});
  write_file_atomic(out_dir / "tls.cer", pair.tls.pem(), kCertMode);
  write_file_atomic(out_dir / "tls.key", pair.tls_key.pem(), kKeyMode);
  write_file_atomic(out_dir / "signing.cer", pair.signing.pem(), kCertMode);
  write_file_atomic(out_dir / "signing.key", pair.signing_key.pem(), kKeyMode);
}

std::string describe_certificate(const Certificate& cert) {
  auto line = [](std::string& out, std::string_view label, std::string_view value) {
    out += fmt::format("{:<24}{}\n", std::string(label) + ":", value);
  };
  std::string out;
  std::string serial = cert.serial_hex();
  line(out, "Serial", fmt::format("{} (keyId SN={})", serial, serial));
  line(out, "SHA-256 fingerprint", format_hex_upper(cert.sha256_fingerprint()));
  line(out, "x5t#S256", cert.x5t_s256());
  line(out, "Subject", cert.subject());
  line(out, "Issuer", cert.issuer());
  line(out, "Valid from", format_rfc3339(cert.not_before()));
  line(out, "Valid until", format_rfc3339(cert.not_after()));
  line(out, "organizationIdentifier", cert.organization_identifier().value_or("(none)"));
  auto qc_type = cert.qc_type();
  line(out, "QcType", qc_type ? qc_type_name(*qc_type) : "(none)");
  if (auto psd2 = cert.psd2()) {
    std::string roles;
    for (Psd2Role r : psd2->roles) {
      if (!roles.empty()) roles += ", ";
      roles += role_name(r);
    }
    line(out, "PSD2 roles", roles.empty() ? "(none)" : roles);
    line(out, "NCA", fmt::format("{} ({})", psd2->nca_name, psd2->nca_id));
  } else {
    line(out, "PSD2 roles", "(no PSD2 statement)");
  }
  line(out, "CA", cert.is_ca() ? "yes" : "no");
  try {
    PublicKey key = cert.public_key();
    line(out, "Key",
         key.type() == KeyType::Rsa ? fmt::format("RSA {} bits", key.bits())
                                    : fmt::format("EC {}", key.curve()));
  } catch (const Error& e) {
    line(out, "Key", e.message());
  }
  return out;
}

}  // namespace sandbank::crypto
