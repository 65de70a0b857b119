#include "crypto/certificate.hpp"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <ctime>
#include <mutex>

#include "core/strings.hpp"
#include "crypto/codes.hpp"
#include "crypto/hash.hpp"
#include "crypto/ossl.hpp"
#include "crypto/qc_statements.hpp"

namespace sandbank::crypto {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

std::shared_ptr<X509> share(ossl::X509Ptr cert) {
  return std::shared_ptr<X509>(cert.release(), X509_free);
}

Error unparseable(std::string message, std::string diagnostic = {}) {
  return Error::bad_request(codes::kCertificateUnparseable, std::move(message),
                            std::move(diagnostic));
}

std::string name_text(const X509_NAME* name) {
  if (!name) return {};
  auto bio = ossl::memory_bio();
  // RFC 2253, but keep UTF-8 as UTF-8 instead of \XX escapes.
  constexpr unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) {
    ossl::drain_errors();
    return {};
  }
  return ossl::bio_contents(bio.get());
}

std::optional<std::string> name_entry(const X509_NAME* name, int nid) {
  if (!name) return std::nullopt;
  int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return std::nullopt;
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ossl::drain_errors();
    return std::nullopt;
  }
  ossl::OsslBytes holder(utf8);
  return std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
}

TimePoint to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
    ossl::drain_errors();
    return TimePoint{};
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string strip_whitespace(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    // Escaped line breaks ("\n", "\r") as JSON or shell strings carry them.
    if (c == '\\' && i + 1 < in.size() && (in[i + 1] == 'n' || in[i + 1] == 'r')) {
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    out.push_back(c);
  }
  return out;
}

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// Percent-decodes when the value looks URL-encoded (reverse proxies forward client
// certificates that way, e.g. "-----BEGIN%20CERTIFICATE-----%0A...").
std::string maybe_percent_decode(std::string_view in) {
  if (in.find('%') == std::string_view::npos) return std::string(in);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && !(i + 2 < in.size() && is_hex(in[i + 1]) && is_hex(in[i + 2]))) {
      return std::string(in);
    }
  }
  auto decoded = percent_decode(in, false);
  return decoded ? *decoded : std::string(in);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Roles

std::string_view role_name(Psd2Role role) {
  switch (role) {
    case Psd2Role::AccountServicing:
      return "PSP_AS";
    case Psd2Role::PaymentInitiation:
      return "PSP_PI";
    case Psd2Role::AccountInformation:
      return "PSP_AI";
    case Psd2Role::IssuingCardInstruments:
      return "PSP_IC";
  }
  return "";
}

std::optional<Psd2Role> role_from_name(std::string_view s) {
  for (Psd2Role r : {Psd2Role::AccountServicing, Psd2Role::PaymentInitiation,
                     Psd2Role::AccountInformation, Psd2Role::IssuingCardInstruments}) {
    if (iequals(s, role_name(r))) return r;
  }
  return std::nullopt;
}

bool Psd2Statement::has(Psd2Role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

// ---------------------------------------------------------------------------------------------
// Loading

// The public key of a certificate, made on first use. `ready` is set once `key` holds it; from
// then on it is only read.
struct Certificate::KeyCache {
  std::mutex mutex;
  std::atomic<bool> ready{false};
  std::optional<PublicKey> key;
};

Certificate::Certificate(std::shared_ptr<X509> cert)
    : cert_(std::move(cert)), key_cache_(std::make_shared<KeyCache>()) {
  if (!cert_) {
    throw Error::internal(codes::kCryptoInternal, "A certificate object was created without one");
  }
}

Certificate Certificate::from_pem(std::string_view pem) {
  if (pem.find("-----BEGIN") == std::string_view::npos) {
    throw unparseable("The certificate is not PEM text (no BEGIN CERTIFICATE line)");
  }
  auto bio = ossl::memory_bio(pem);
  ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    std::string reason = ossl::drain_errors();
    throw unparseable("The PEM text holds no readable CERTIFICATE block", reason);
  }
  ossl::drain_errors();
  return Certificate(share(std::move(cert)));
}

Certificate Certificate::from_der(std::span<const std::uint8_t> der) {
  if (der.empty()) throw unparseable("The certificate is empty");
  const unsigned char* p = der.data();
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    std::string reason = ossl::drain_errors();
    throw unparseable("The bytes are not a DER X.509 certificate", reason);
  }
  if (p != der.data() + der.size()) {
    throw unparseable("The DER certificate is followed by extra bytes");
  }
  return Certificate(share(std::move(cert)));
}

Certificate Certificate::load_file(const std::string& path) {
  std::string problem;
  auto text = ossl::read_file(path, problem);
  if (!text) {
    throw Error::bad_request(codes::kCertificateUnreadable,
                             fmt::format("Cannot read the certificate file {}: {}", path, problem));
  }
  try {
    if (text->find("-----BEGIN") == std::string::npos) return from_der(as_bytes(*text));
    return from_pem(*text);
  } catch (const Error& e) {
    throw Error(e.status(), e.code(), fmt::format("{}: {}", path, e.message()), e.diagnostic());
  }
}

std::vector<Certificate> Certificate::load_chain_file(const std::string& path) {
  std::string problem;
  auto text = ossl::read_file(path, problem);
  if (!text) {
    throw Error::bad_request(codes::kCertificateUnreadable,
                             fmt::format("Cannot read the certificate file {}: {}", path, problem));
  }
  std::vector<Certificate> out;
  std::size_t pos = 0;
  while ((pos = text->find(kBegin, pos)) != std::string::npos) {
    std::size_t end = text->find(kEnd, pos);
    if (end == std::string::npos) {
      throw unparseable(fmt::format("{}: a CERTIFICATE block has no END line", path));
    }
    end += kEnd.size();
    try {
      out.push_back(from_pem(std::string_view(*text).substr(pos, end - pos)));
    } catch (const Error& e) {
      throw Error(e.status(), e.code(),
                  fmt::format("{}: certificate {}: {}", path, out.size() + 1, e.message()),
                  e.diagnostic());
    }
    pos = end;
  }
  if (out.empty()) throw unparseable(fmt::format("{}: no PEM certificate found", path));
  return out;
}

Certificate Certificate::from_header_value(std::string_view value) {
  static const std::string kForms =
      "Send the PEM certificate on one line with its BEGIN and END lines (as tr -d with "
      "newline and carriage return makes it), PEM with escaped newlines, multi-line PEM, or the "
      "bare base64 of the DER";
  std::string text = strip_whitespace(maybe_percent_decode(value));
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty()) {
    throw unparseable(fmt::format("The certificate is empty. {}", kForms));
  }
  // Whitespace is gone, so the armour reads "-----BEGINCERTIFICATE-----".
  constexpr std::string_view kBeginStripped = "-----BEGINCERTIFICATE-----";
  constexpr std::string_view kEndStripped = "-----ENDCERTIFICATE-----";
  std::string_view body = text;
  if (auto begin = body.find(kBeginStripped); begin != std::string_view::npos) {
    body = body.substr(begin + kBeginStripped.size());
    auto end = body.find(kEndStripped);
    if (end == std::string_view::npos) {
      throw unparseable(
          fmt::format("The certificate has a BEGIN CERTIFICATE line but no END line. {}", kForms));
    }
    body = body.substr(0, end);
  } else if (body.find("-----") != std::string_view::npos) {
    throw unparseable(fmt::format("The PEM block is not a CERTIFICATE. {}", kForms));
  }
  auto der = base64_decode(body);
  if (!der) der = base64url_decode(body);
  if (!der) {
    throw unparseable(fmt::format("The certificate is not valid base64. {}", kForms));
  }
  try {
    return from_der(*der);
  } catch (const Error& e) {
    throw unparseable(fmt::format("The certificate could not be parsed. {}", kForms),
                      e.diagnostic().empty() ? e.message() : e.diagnostic());
  }
}

// ---------------------------------------------------------------------------------------------
// Accessors

Bytes Certificate::der() const {
  return ossl::to_der(cert_.get(), i2d_X509, "encode a certificate");
}

std::string Certificate::pem() const {
  auto bio = ossl::memory_bio();
  if (PEM_write_bio_X509(bio.get(), cert_.get()) != 1) ossl::throw_internal("write a certificate");
  return ossl::bio_contents(bio.get());
}

std::string Certificate::serial_hex() const {
  ossl::BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  if (!bn) ossl::throw_internal("read a serial number");
  ossl::OsslString hex(BN_bn2hex(bn.get()));
  if (!hex) ossl::throw_internal("format a serial number");
  std::string s = hex.get();
  bool negative = !s.empty() && s.front() == '-';
  std::size_t start = negative ? 1 : 0;
  std::size_t first = s.find_first_not_of('0', start);
  if (first == std::string::npos) return "0";
  std::string out(negative ? "-" : "");
  out.append(s, first);
  return out;
}

Bytes Certificate::sha256_fingerprint() const {
  return sha256(der());
}

std::string Certificate::x5t_s256() const {
  return base64url_encode(sha256_fingerprint());
}

std::string Certificate::x5t_sha1() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Bytes d = der();
  if (EVP_Digest(d.data(), d.size(), md, &len, EVP_sha1(), nullptr) != 1) {
    ossl::throw_internal("compute a SHA-1 thumbprint");
  }
  return base64url_encode(std::span<const std::uint8_t>(md, len));
}

std::string Certificate::subject() const {
  return name_text(X509_get_subject_name(cert_.get()));
}

std::string Certificate::issuer() const {
  return name_text(X509_get_issuer_name(cert_.get()));
}

std::optional<std::string> Certificate::common_name() const {
  return name_entry(X509_get_subject_name(cert_.get()), NID_commonName);
}

std::optional<std::string> Certificate::organization_identifier() const {
  return name_entry(X509_get_subject_name(cert_.get()), NID_organizationIdentifier);
}

std::optional<Psd2Statement> Certificate::psd2() const {
  auto st = qc::read(cert_.get());
  return st ? st->psd2 : std::nullopt;
}

std::optional<QcType> Certificate::qc_type() const {
  auto st = qc::read(cert_.get());
  return st ? st->type : std::nullopt;
}

TimePoint Certificate::not_before() const {
  return to_time_point(X509_get0_notBefore(cert_.get()));
}

TimePoint Certificate::not_after() const {
  return to_time_point(X509_get0_notAfter(cert_.get()));
}

bool Certificate::is_ca() const {
  // X509_get_extension_flags caches the parsed extensions; it is safe to call concurrently.
  return (X509_get_extension_flags(cert_.get()) & EXFLAG_CA) != 0;
}

namespace {
PublicKey read_public_key(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (!key) {
    std::string reason = ossl::drain_errors();
    throw Error::bad_request(codes::kCertificateKeyUnsupported,
                             "The certificate's public key could not be read", reason);
  }
  if (EVP_PKEY_up_ref(key) != 1) ossl::throw_internal("reference a public key");
  return PublicKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}
}  // namespace

PublicKey Certificate::public_key() const {
  if (!key_cache_) return read_public_key(cert_.get());  // a moved-from certificate
  KeyCache& cache = *key_cache_;
  if (!cache.ready.load(std::memory_order_acquire)) {
    std::lock_guard lock(cache.mutex);
    if (!cache.ready.load(std::memory_order_relaxed)) {
      // A failure throws without caching anything: the next call tries again.
      cache.key.emplace(read_public_key(cert_.get()));
      cache.ready.store(true, std::memory_order_release);
    }
  }
  return *cache.key;
}

bool Certificate::operator==(const Certificate& other) const {
  return cert_ == other.cert_ || der() == other.der();
}

}  // namespace sandbank::crypto
