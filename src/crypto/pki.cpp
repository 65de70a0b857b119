#include "crypto/pki.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>

#include "crypto/codes.hpp"
#include "crypto/ossl.hpp"
#include "crypto/qc_statements.hpp"

namespace sandbank::crypto {
namespace {

// A stack that borrows its certificates: frees the stack only.
struct BorrowedStackFree {
  void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), BorrowedStackFree>;

Error invalid(std::string message, std::string diagnostic = {}) {
  return Error::bad_request(codes::kCertificateInvalidRequest, std::move(message),
                            std::move(diagnostic));
}

void set_serial(X509* cert, const std::optional<Bytes>& requested) {
  Bytes serial;
  if (requested) {
    serial = *requested;
    if (serial.empty() || serial.size() > 20) {
      throw invalid("A certificate serial number must be 1 to 20 bytes long");
    }
  } else {
    serial.resize(16);
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
      ossl::throw_internal("draw a random serial number");
    }
    serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7F) | 0x40);  // positive, 16 bytes
  }
  ossl::BnPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn) ossl::throw_internal("convert a serial number");
  if (BN_is_zero(bn.get())) throw invalid("A certificate serial number must not be zero");
  ossl::Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!integer || X509_set_serialNumber(cert, integer.get()) != 1) {
    ossl::throw_internal("set a serial number");
  }
}

void set_validity(X509* cert, TimePoint not_before, TimePoint not_after) {
  if (not_after <= not_before) {
    throw invalid("A certificate's end of validity must come after its start");
  }
  auto t0 = std::chrono::system_clock::to_time_t(not_before);
  auto t1 = std::chrono::system_clock::to_time_t(not_after);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), t0) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), t1)) {
    ossl::throw_internal("set the validity period");
  }
}

void add_name_entry(X509_NAME* name, int nid, const std::string& value, int type,
                    std::string_view label) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_NID(name, nid, type,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    std::string reason = ossl::drain_errors();
    throw invalid(fmt::format("The subject {} {} cannot be encoded", label, value), reason);
  }
}

ossl::X509NamePtr build_subject(const IssueRequest& r) {
  ossl::X509NamePtr name(X509_NAME_new());
  if (!name) ossl::throw_internal("allocate a name");
  add_name_entry(name.get(), NID_countryName, r.country, MBSTRING_ASC, "country");
  add_name_entry(name.get(), NID_organizationName, r.organization, MBSTRING_UTF8, "organization");
  add_name_entry(name.get(), NID_organizationalUnitName, r.organizational_unit, MBSTRING_UTF8,
                 "organizational unit");
  // TS 119 495: organizationIdentifier as UTF8String, as OpenSSL's -subj and ING's certs have it.
  add_name_entry(name.get(), NID_organizationIdentifier, r.organization_identifier,
                 V_ASN1_UTF8STRING, "organizationIdentifier");
  add_name_entry(name.get(), NID_commonName, r.common_name, MBSTRING_UTF8, "common name");
  if (X509_NAME_entry_count(name.get()) == 0) {
    throw invalid("A certificate needs at least one subject attribute");
  }
  return name;
}

// An extension from OpenSSL's configuration syntax (values here are constants of ours).
void add_conf_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    ossl::throw_internal(fmt::format("add the extension {}", OBJ_nid2sn(nid)));
  }
}

void add_alt_names(X509* cert, const IssueRequest& r) {
  if (r.dns_names.empty() && r.ip_addresses.empty()) return;
  ossl::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) ossl::throw_internal("allocate subjectAltName");
  for (const auto& dns : r.dns_names) {
    if (dns.empty()) throw invalid("A DNS name in subjectAltName is empty");
    ossl::GeneralNamePtr gn(GENERAL_NAME_new());
    ossl::Asn1Ia5StringPtr ia5(ASN1_IA5STRING_new());
    if (!gn || !ia5 || ASN1_STRING_set(ia5.get(), dns.data(), static_cast<int>(dns.size())) != 1) {
      ossl::throw_internal("encode a DNS name");
    }
    GENERAL_NAME_set0_value(gn.get(), GEN_DNS, ia5.release());
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) <= 0) ossl::throw_internal("add a DNS name");
    gn.release();
  }
  for (const auto& ip : r.ip_addresses) {
    ossl::Asn1OctetStringPtr octets(a2i_IPADDRESS(ip.c_str()));
    if (!octets) {
      ossl::drain_errors();
      throw invalid(fmt::format("{} is not an IPv4 or IPv6 address", ip));
    }
    ossl::GeneralNamePtr gn(GENERAL_NAME_new());
    if (!gn) ossl::throw_internal("allocate an IP address name");
    GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, octets.release());
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) <= 0) ossl::throw_internal("add an IP name");
    gn.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    ossl::throw_internal("add subjectAltName");
  }
}

void add_qc_statements(X509* cert, const IssueRequest& r, QcType type) {
  if (r.nca_name.empty() || r.nca_id.empty()) {
    throw invalid("A PSD2 certificate needs an NCA name and an NCA id");
  }
  qc::Statements st;
  st.compliance = r.qualified;
  if (r.qualified) st.type = type;
  st.psd2 = Psd2Statement{{}, r.nca_name, r.nca_id};
  for (Psd2Role role : r.roles) {
    if (!st.psd2->has(role)) st.psd2->roles.push_back(role);
  }
  Bytes der = qc::encode(st);
  ossl::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (!value || ASN1_OCTET_STRING_set(value.get(), der.data(), static_cast<int>(der.size())) != 1) {
    ossl::throw_internal("wrap QCStatements");
  }
  ossl::X509ExtPtr ext(X509_EXTENSION_create_by_NID(nullptr, NID_qcStatements, 0, value.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) ossl::throw_internal("add qcStatements");
}

}  // namespace

Certificate issue_certificate(const IssueRequest& request, const PublicKey& subject_key,
                              const std::optional<Certificate>& issuer,
                              const PrivateKey& issuer_key) {
  if (issuer) {
    if (X509_check_private_key(issuer->native(), issuer_key.native()) != 1) {
      ossl::drain_errors();
      throw invalid("The issuer key does not belong to the issuer certificate");
    }
  } else if (!subject_key.equals(issuer_key.public_key())) {
    throw invalid("A self-signed certificate must be signed with its own key");
  }

  ossl::X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) ossl::throw_internal("create a certificate");
  set_serial(cert.get(), request.serial);
  set_validity(cert.get(), request.not_before, request.not_after);
  auto subject = build_subject(request);
  if (X509_set_subject_name(cert.get(), subject.get()) != 1) {
    ossl::throw_internal("set the subject");
  }
  const X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->native()) : subject.get();
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1) ossl::throw_internal("set the issuer");
  if (X509_set_pubkey(cert.get(), subject_key.native()) != 1) {
    ossl::throw_internal("set the public key");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer->native() : cert.get(), cert.get(), nullptr, nullptr, 0);
  if (!issuer) X509V3_set_issuer_pkey(&ctx, issuer_key.native());
  X509* x = cert.get();
  const bool rsa = subject_key.type() == KeyType::Rsa;

  switch (request.profile) {
    case CertificateProfile::RootCa:
      add_conf_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
      add_conf_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case CertificateProfile::Server:
      add_conf_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
      add_conf_ext(x, &ctx, NID_key_usage,
                   rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
      add_conf_ext(x, &ctx, NID_ext_key_usage, "serverAuth");
      break;
    case CertificateProfile::Qwac:
      add_conf_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
      add_conf_ext(x, &ctx, NID_key_usage,
                   rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
      add_conf_ext(x, &ctx, NID_ext_key_usage, "clientAuth,serverAuth");
      break;
    case CertificateProfile::Qsealc:
      add_conf_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
      add_conf_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation");
      break;
  }
  add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash");
  // AKI by key id; an outside issuer without a subjectKeyIdentifier gets issuer+serial.
  bool issuer_has_ski = !issuer || X509_get0_subject_key_id(issuer->native()) != nullptr;
  add_conf_ext(x, &ctx, NID_authority_key_identifier,
               issuer_has_ski ? "keyid:always" : "issuer:always");
  add_alt_names(x, request);
  if (request.profile == CertificateProfile::Qwac) add_qc_statements(x, request, QcType::Web);
  if (request.profile == CertificateProfile::Qsealc) add_qc_statements(x, request, QcType::ESeal);

  if (X509_sign(x, issuer_key.native(), EVP_sha256()) <= 0) {
    ossl::throw_internal("sign the certificate");
  }
  // Hand out the certificate as a parser sees it: re-read from its DER.
  return Certificate::from_der(ossl::to_der(x, i2d_X509, "encode the certificate"));
}

// ---------------------------------------------------------------------------------------------
// TrustStore

struct TrustStore::Impl {
  ossl::X509StorePtr store;
};

TrustStore::TrustStore() : impl_(std::make_unique<Impl>()) {
  impl_->store.reset(X509_STORE_new());
  if (!impl_->store) ossl::throw_internal("create a certificate store");
}

TrustStore::~TrustStore() = default;

void TrustStore::add(const Certificate& anchor) {
  if (X509_STORE_add_cert(impl_->store.get(), anchor.native()) != 1) {
    ossl::throw_internal("add a trust anchor");
  }
  ossl::drain_errors();
}

void TrustStore::add_pem_file(const std::string& path) {
  for (const auto& cert : Certificate::load_chain_file(path)) add(cert);
}

TrustStore::Result TrustStore::verify(const Certificate& leaf,
                                      const std::vector<Certificate>& intermediates,
                                      TimePoint at) const {
  Result result;
  X509StackPtr untrusted(sk_X509_new_null());
  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx) ossl::throw_internal("set up certificate verification");
  for (const auto& c : intermediates) {
    if (sk_X509_push(untrusted.get(), c.native()) <= 0) ossl::throw_internal("add a certificate");
  }
  if (X509_STORE_CTX_init(ctx.get(), impl_->store.get(), leaf.native(), untrusted.get()) != 1) {
    ossl::throw_internal("set up certificate verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  // Every certificate added is an anchor, also an intermediate. No purpose is set: ING's
  // sandbox TPP certificates carry neither keyUsage nor extendedKeyUsage.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  int rc = X509_verify_cert(ctx.get());
  if (rc == 1) {
    result.ok = true;
  } else {
    result.openssl_error = X509_STORE_CTX_get_error(ctx.get());
    result.reason = result.openssl_error != X509_V_OK
                        ? X509_verify_cert_error_string(result.openssl_error)
                        : "certificate verification failed";
  }
  ossl::drain_errors();
  return result;
}

bool lifespan_exceeds(const Certificate& certificate, int months) {
  using namespace std::chrono;
  const auto not_before = certificate.not_before();
  const auto day = floor<days>(not_before);
  const year_month_day start{day};
  year_month_day limit = start + std::chrono::months(months);
  if (!limit.ok()) limit = year_month_day{limit.year() / limit.month() / last};
  const auto limit_time = sys_days(limit) + (not_before - day);
  return certificate.not_after() > limit_time;
}

}  // namespace sandbank::crypto
