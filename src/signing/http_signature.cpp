// Long because signer and verifier of draft-cavage HTTP Signatures share it: the Signature and
// Authorization header parser, the signing string both build, the verification policies and the
// diagnosis of each refusal.
#include "signing/http_signature.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "core/encoding.hpp"
#include "core/strings.hpp"
#include "core/time_format.hpp"
#include "signing/ascii.hpp"
#include "signing/digest.hpp"
#include "signing/tpp_certificate.hpp"
#include "signing/troubleshoot.hpp"

namespace sandbank::signing {
namespace {

using crypto::HashAlgorithm;
using crypto::SignatureScheme;
using detail::ascii_iequals;
using detail::Verifier;

constexpr std::string_view kForm =
    "keyId=\"...\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\","
    "signature=\"...\"";

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

// RFC 7230 tchar: ALPHA, DIGIT and !#$%&'*+-.^_`|~ (a table instead of a search per character).
constexpr std::array<bool, 256> kTchar = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool is_tchar(char c) {
  return kTchar[static_cast<unsigned char>(c)];
}

Diagnosis malformed(std::string message) {
  return Diagnosis::bad_request(std::string(codes::kSignatureMalformed), std::move(message));
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ' ';
    out += n;
  }
  return out;
}

// Verifiers for an algorithm and a key, the primary one first.
std::vector<Verifier> verifiers_for(const std::optional<HttpSignatureAlgorithm>& alg,
                                    crypto::KeyType type, bool lenient) {
  using A = HttpSignatureAlgorithm;
  auto v = [](SignatureScheme s, HashAlgorithm h, bool raw, std::string name) {
    return Verifier{{s, h}, raw, std::move(name)};
  };
  std::vector<Verifier> out;
  if (!alg) {  // draft-12: derive from the key
    if (type == crypto::KeyType::Rsa) {
      out.push_back(v(SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256, false,
                      "RSASSA-PKCS1-v1_5 SHA-256 (no algorithm given)"));
      out.push_back(v(SignatureScheme::RsaPss, HashAlgorithm::Sha512, false,
                      "RSASSA-PSS SHA-512 (no algorithm given)"));
      out.push_back(v(SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512, false,
                      "RSASSA-PKCS1-v1_5 SHA-512 (no algorithm given)"));
    } else {
      for (auto h : {HashAlgorithm::Sha256, HashAlgorithm::Sha384, HashAlgorithm::Sha512}) {
        out.push_back(v(SignatureScheme::Ecdsa, h, false,
                        fmt::format("ECDSA {} (no algorithm given)", detail::hash_name(h))));
      }
    }
    return out;
  }
  switch (*alg) {
    case A::RsaSha256:
      out.push_back(v(SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256, false, "rsa-sha256"));
      break;
    case A::RsaSha512:
      out.push_back(v(SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512, false, "rsa-sha512"));
      break;
    case A::EcdsaSha256:
      out.push_back(v(SignatureScheme::Ecdsa, HashAlgorithm::Sha256, false, "ecdsa-sha256"));
      break;
    case A::EcdsaSha384:
      out.push_back(v(SignatureScheme::Ecdsa, HashAlgorithm::Sha384, false, "ecdsa-sha384"));
      break;
    case A::EcdsaSha512:
      out.push_back(v(SignatureScheme::Ecdsa, HashAlgorithm::Sha512, false, "ecdsa-sha512"));
      break;
    case A::Hs2019:
      if (type == crypto::KeyType::Rsa) {
        out.push_back(v(SignatureScheme::RsaPss, HashAlgorithm::Sha512, false,
                        "hs2019 (RSASSA-PSS, SHA-512)"));
        if (lenient) {
          out.push_back(v(SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256, false,
                          "hs2019 (RSASSA-PKCS1-v1_5, SHA-256)"));
          out.push_back(v(SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512, false,
                          "hs2019 (RSASSA-PKCS1-v1_5, SHA-512)"));
          out.push_back(v(SignatureScheme::RsaPss, HashAlgorithm::Sha256, false,
                          "hs2019 (RSASSA-PSS, SHA-256)"));
        }
      } else {
        for (auto h : {HashAlgorithm::Sha512, HashAlgorithm::Sha256, HashAlgorithm::Sha384}) {
          out.push_back(v(SignatureScheme::Ecdsa, h, false,
                          fmt::format("hs2019 (ECDSA, {})", detail::hash_name(h))));
        }
        if (lenient) {
          for (auto h : {HashAlgorithm::Sha512, HashAlgorithm::Sha256, HashAlgorithm::Sha384}) {
            out.push_back(v(SignatureScheme::Ecdsa, h, true,
                            fmt::format("hs2019 (ECDSA, {}, raw R||S)", detail::hash_name(h))));
          }
        }
      }
      break;
  }
  return out;
}

// Every algorithm of the key's family, for naming a mismatch.
std::vector<Verifier> family_for(crypto::KeyType type) {
  std::vector<Verifier> out;
  if (type == crypto::KeyType::Rsa) {
    out.push_back({{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256}, false, "rsa-sha256"});
    out.push_back({{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512}, false, "rsa-sha512"});
    out.push_back({{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha384},
                   false,
                   "RSASSA-PKCS1-v1_5 with SHA-384"});
    out.push_back(
        {{SignatureScheme::RsaPss, HashAlgorithm::Sha512}, false, "hs2019 (RSASSA-PSS, SHA-512)"});
    out.push_back(
        {{SignatureScheme::RsaPss, HashAlgorithm::Sha256}, false, "RSASSA-PSS with SHA-256"});
  } else {
    out.push_back({{SignatureScheme::Ecdsa, HashAlgorithm::Sha256}, false, "ecdsa-sha256"});
    out.push_back({{SignatureScheme::Ecdsa, HashAlgorithm::Sha384}, false, "ecdsa-sha384"});
    out.push_back({{SignatureScheme::Ecdsa, HashAlgorithm::Sha512}, false, "ecdsa-sha512"});
    out.push_back({{SignatureScheme::Ecdsa, HashAlgorithm::Sha256},
                   true,
                   "ECDSA SHA-256 with a raw R||S signature (DER expected)"});
  }
  return out;
}

// Converts a decimal serial to upper-case hex (for naming the decimal-serial mistake).
std::string decimal_to_hex(std::string_view dec) {
  std::vector<int> digits;
  for (char c : dec) digits.push_back(c - '0');
  std::string hex;
  const char* kHex = "0123456789ABCDEF";
  while (!digits.empty() && !(digits.size() == 1 && digits[0] == 0)) {
    std::vector<int> quotient;
    int rem = 0;
    for (int d : digits) {
      int cur = rem * 10 + d;
      int q = cur / 16;
      rem = cur % 16;
      if (!quotient.empty() || q != 0) quotient.push_back(q);
    }
    hex.push_back(kHex[rem]);
    digits = std::move(quotient);
  }
  std::reverse(hex.begin(), hex.end());
  return hex.empty() ? "0" : hex;
}

struct Located {
  std::string_view params;
  std::string_view header;  // "signature" or "authorization"
};

std::optional<std::string_view> authorization_signature(std::string_view value) {
  value = trim_ows(value);
  if (!istarts_with(value, "Signature") || value.size() <= 9 || !is_ows(value[9])) {
    return std::nullopt;
  }
  return trim_ows(value.substr(9));
}

}  // namespace

std::string_view algorithm_name(HttpSignatureAlgorithm alg) {
  switch (alg) {
    case HttpSignatureAlgorithm::RsaSha256:
      return "rsa-sha256";
    case HttpSignatureAlgorithm::RsaSha512:
      return "rsa-sha512";
    case HttpSignatureAlgorithm::EcdsaSha256:
      return "ecdsa-sha256";
    case HttpSignatureAlgorithm::EcdsaSha384:
      return "ecdsa-sha384";
    case HttpSignatureAlgorithm::EcdsaSha512:
      return "ecdsa-sha512";
    case HttpSignatureAlgorithm::Hs2019:
      return "hs2019";
  }
  return "";
}

std::optional<HttpSignatureAlgorithm> http_signature_algorithm(std::string_view name) {
  for (auto a : {HttpSignatureAlgorithm::RsaSha256, HttpSignatureAlgorithm::RsaSha512,
                 HttpSignatureAlgorithm::EcdsaSha256, HttpSignatureAlgorithm::EcdsaSha384,
                 HttpSignatureAlgorithm::EcdsaSha512, HttpSignatureAlgorithm::Hs2019}) {
    if (ascii_iequals(name, algorithm_name(a))) return a;
  }
  return std::nullopt;
}

std::optional<SignatureParams> parse_signature_params(std::string_view text, Diagnosis* problem) {
  auto fail = [&](std::string message) -> std::optional<SignatureParams> {
    if (problem) *problem = malformed(std::move(message));
    return std::nullopt;
  };
  SignatureParams out;
  bool seen[6] = {false, false, false, false, false, false};
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skip_ows = [&] {
    while (i < n && is_ows(text[i])) ++i;
  };
  skip_ows();
  if (i == n) return fail(fmt::format("The signature parameters are empty; expected {}", kForm));
  while (i < n) {
    std::size_t name_start = i;
    while (i < n && is_tchar(text[i]) && text[i] != '=') ++i;
    std::string_view name = text.substr(name_start, i - name_start);
    if (name.empty()) {
      return fail(
          fmt::format("Signature parameters: expected a parameter name at offset {} "
                      "(near '{}'); expected {}",
                      i, text.substr(i, 20), kForm));
    }
    skip_ows();
    if (i == n || text[i] != '=') {
      return fail(
          fmt::format("Signature parameters: expected '=' after '{}' at offset {}", name, i));
    }
    ++i;
    skip_ows();
    std::string value;
    bool quoted = false;
    if (i < n && text[i] == '"') {
      quoted = true;
      ++i;
      bool closed = false;
      // Without a backslash before the closing quote the value is the text in between.
      const std::size_t quote = text.find('"', i);
      if (quote != std::string_view::npos &&
          text.substr(i, quote - i).find('\\') == std::string_view::npos) {
        value.assign(text.substr(i, quote - i));
        i = quote + 1;
        closed = true;
      }
      while (!closed && i < n) {
        char c = text[i];
        if (c == '\\' && i + 1 < n && (text[i + 1] == '"' || text[i + 1] == '\\')) {
          value.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        value.push_back(c);
        ++i;
      }
      if (!closed) {
        return fail(
            fmt::format("Signature parameters: the value of '{}' has no closing quote", name));
      }
    } else {
      std::size_t start = i;
      while (i < n && text[i] != ',' && !is_ows(text[i]) && text[i] != '"') ++i;
      value = std::string(text.substr(start, i - start));
    }
    (void)quoted;

    static constexpr std::string_view kKnown[] = {"keyid",     "algorithm", "headers",
                                                  "signature", "created",   "expires"};
    for (std::size_t k = 0; k < 6; ++k) {
      if (!ascii_iequals(name, kKnown[k])) continue;
      if (seen[k]) {
        if (problem) {
          *problem = Diagnosis::bad_request(
              std::string(codes::kSignatureDuplicateParameter),
              fmt::format("Signature parameter '{}' appears more than once", name));
        }
        return std::nullopt;
      }
      seen[k] = true;
      switch (k) {
        case 0:
          out.key_id = std::move(value);
          break;
        case 1:
          out.algorithm = std::move(value);
          break;
        case 2: {
          // split(value, ' '), each part trimmed of OWS, the empty ones dropped, lower-cased.
          std::vector<std::string> names;
          names.reserve(4);
          std::string_view rest = value;
          while (true) {
            const std::size_t space = rest.find(' ');
            std::string_view part = trim_ows(rest.substr(0, space));
            if (!part.empty()) names.push_back(detail::ascii_to_lower(part));
            if (space == std::string_view::npos) break;
            rest.remove_prefix(space + 1);
          }
          if (names.empty()) {
            return fail(
                "Signature parameter headers is empty; list the signed headers, e.g. "
                "headers='(request-target) date digest'");
          }
          out.headers = std::move(names);
          break;
        }
        case 3:
          out.signature = std::move(value);
          break;
        case 4:
          out.created = std::move(value);
          break;
        case 5:
          out.expires = std::move(value);
          break;
      }
    }
    skip_ows();
    if (i == n) break;
    if (text[i] != ',') {
      return fail(fmt::format("Signature parameters: expected ',' at offset {} (near '{}')", i,
                              text.substr(i, 20)));
    }
    while (i < n && (text[i] == ',' || is_ows(text[i]))) ++i;
  }
  return out;
}

std::string format_signature_params(const SignatureParams& p) {
  auto quote = [](std::string_view v) {
    std::string out = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
    return out;
  };
  std::string out = "keyId=" + quote(p.key_id);
  if (p.algorithm) out += ",algorithm=" + quote(*p.algorithm);
  if (p.created) out += ",created=" + *p.created;
  if (p.expires) out += ",expires=" + *p.expires;
  if (p.headers) out += ",headers=" + quote(join_names(*p.headers));
  out += ",signature=" + quote(p.signature);
  return out;
}

std::string build_signing_string(const MessageView& message, std::span<const std::string> headers,
                                 const SignatureParams* params) {
  std::string missing;
  std::string out;
  if (!detail::append_signing_string(message, headers, params ? params->created : std::nullopt,
                                     params ? params->expires : std::nullopt, out, &missing)) {
    throw Error(
        400, std::string(codes::kSignatureHeaderAbsent),
        fmt::format("The header {} is listed for signing but absent from the request", missing));
  }
  return out;
}

std::string sign_http_signature(const MessageView& message, std::string_view key_id,
                                HttpSignatureAlgorithm algorithm,
                                std::span<const std::string> headers,
                                const crypto::PrivateKey& key) {
  auto vs = verifiers_for(algorithm, key.type(), false);
  bool rsa_alg = algorithm == HttpSignatureAlgorithm::RsaSha256 ||
                 algorithm == HttpSignatureAlgorithm::RsaSha512;
  bool ec_alg = algorithm == HttpSignatureAlgorithm::EcdsaSha256 ||
                algorithm == HttpSignatureAlgorithm::EcdsaSha384 ||
                algorithm == HttpSignatureAlgorithm::EcdsaSha512;
  if ((rsa_alg && key.type() != crypto::KeyType::Rsa) ||
      (ec_alg && key.type() != crypto::KeyType::Ec)) {
    throw Error(400, std::string(codes::kSignatureAlgKeyMismatch),
                fmt::format("algorithm {} does not fit a {} key", algorithm_name(algorithm),
                            key.type() == crypto::KeyType::Rsa ? "RSA" : "EC"));
  }
  std::string signing_string = build_signing_string(message, headers);
  Bytes sig = crypto::sign(key, vs.front().alg, as_bytes(signing_string));
  SignatureParams p;
  p.key_id = std::string(key_id);
  p.algorithm = std::string(algorithm_name(algorithm));
  std::vector<std::string> names;
  for (const auto& h : headers) names.push_back(to_lower(h));
  p.headers = std::move(names);
  p.signature = base64_encode(sig);
  return format_signature_params(p);
}

KeyResolver tpp_certificate_key_resolver(bool check_issuer,
                                         std::shared_ptr<CertificateCache> cache) {
  return [check_issuer, cache](std::string_view key_id, const MessageView& message) -> KeyLookup {
    KeyLookup out;
    auto sn = parse_serial_key_id(key_id);
    if (!sn || sn->serial.empty()) {
      out.failure = Diagnosis::bad_request(
          std::string(codes::kSignatureKeyIdMalformed),
          fmt::format("keyId '{}' is not of the form SN=<hex serial of the signing certificate> "
                      "(optionally followed by ,CA=<issuer DN>), as the application-token request "
                      "needs; for the example certificate it is SN=49BA5C71",
                      key_id));
      return out;
    }
    std::string_view serial = sn->serial;
    if (istarts_with(serial, "0x")) serial.remove_prefix(2);
    bool hex = !serial.empty() && std::all_of(serial.begin(), serial.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (!hex) {
      out.failure = Diagnosis::bad_request(
          std::string(codes::kSignatureKeyIdMalformed),
          fmt::format("keyId serial '{}' is not hexadecimal; write the certificate serial in hex, "
                      "e.g. SN=49BA5C71",
                      sn->serial));
      return out;
    }
    auto cert = tpp_signature_certificate(message, cache.get());
    if (!cert.certificate) {
      out.failure = cert.diagnosis;
      return out;
    }
    std::string cert_serial = cert.certificate->serial_hex();
    if (!serial_matches(serial, cert_serial)) {
      auto d = Diagnosis::unauthorized(
          std::string(codes::kSignatureKeyIdSerialMismatch),
          fmt::format("keyId names serial {} but the TPP-Signature-Certificate has serial {}; "
                      "use keyId SN={}",
                      sn->serial, cert_serial, cert_serial));
      d.fact("keyid_serial", sn->serial);
      d.fact("certificate_serial", cert_serial);
      bool all_digits =
          std::all_of(serial.begin(), serial.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (all_digits && serial_matches(decimal_to_hex(serial), cert_serial)) {
        d.cause = causes::kDecimalSerial;
        d.hint = fmt::format(
            "The keyId serial is the certificate serial in decimal; ING expects "
            "it in hexadecimal: SN={}.",
            cert_serial);
      } else if (message.client_certificate &&
                 serial_matches(serial, message.client_certificate->serial_hex())) {
        d.cause = causes::kTlsCertificateSerial;
        d.hint =
            "The keyId names the serial of the TLS client certificate; use the serial of the "
            "signing certificate sent in TPP-Signature-Certificate.";
      }
      out.failure = std::move(d);
      return out;
    }
    if (check_issuer && !sn->issuer.empty() &&
        !same_distinguished_name(sn->issuer, cert.certificate->issuer())) {
      auto d = Diagnosis::unauthorized(
          std::string(codes::kSignatureKeyIdIssuerMismatch),
          fmt::format("keyId names the issuer CA={} but the TPP-Signature-Certificate was issued "
                      "by {}",
                      sn->issuer, cert.certificate->issuer()));
      d.fact("keyid_issuer", sn->issuer);
      d.fact("certificate_issuer", cert.certificate->issuer());
      out.failure = std::move(d);
      return out;
    }
    out.key.emplace(std::move(*cert.certificate));
    return out;
  };
}

KeyResolver registered_key_resolver(
    std::function<std::optional<crypto::Certificate>(std::string_view client_id)> lookup) {
  return [lookup = std::move(lookup)](std::string_view key_id, const MessageView&) -> KeyLookup {
    KeyLookup out;
    auto cert = lookup(key_id);
    if (!cert) {
      auto d = Diagnosis::unauthorized(
          std::string(codes::kSignatureKeyIdUnknown),
          fmt::format("keyId '{}' is not the client_id of a registered application", key_id));
      if (istarts_with(key_id, "SN=")) {
        d.hint =
            "keyId SN=<serial> is only for the application-token request; every later call "
            "signs with keyId = the client_id returned with the application token.";
      }
      out.failure = std::move(d);
      return out;
    }
    out.key.emplace(std::move(*cert));
    return out;
  };
}

HttpSignatureResult verify_http_signature(const MessageView& message,
                                          const HttpSignaturePolicy& policy,
                                          const KeyResolver& resolve_key, const Clock& clock) {
  HttpSignatureResult result;
  auto fail = [&](Diagnosis d) -> HttpSignatureResult {
    if (!policy.detailed) d = d.redacted();
    static_cast<Diagnosis&>(result) = std::move(d);
    return result;
  };

  // 1. Carrier: the Signature headers and the Authorization: Signature values, in one pass.
  struct Found {
    std::size_t count = 0;
    std::string_view front;
    bool empty() const { return count == 0; }
    void add(std::string_view v) {
      if (count++ == 0) front = v;
    }
  } sig_values, auth_values;
  for (const auto& h : message.headers) {
    if (ascii_iequals(h.name, "signature")) {
      sig_values.add(h.value);
    } else if (ascii_iequals(h.name, "authorization")) {
      if (auto p = authorization_signature(h.value)) auth_values.add(*p);
    }
  }
  if (sig_values.count > 1 || auth_values.count > 1) {
    return fail(malformed("The signature is sent more than once; send one Signature header"));
  }
  std::optional<Located> located;
  switch (policy.carrier) {
    case SignatureCarrier::SignatureHeader:
      if (!sig_values.empty()) located = Located{sig_values.front, "signature"};
      if (!located) {
        auto d = Diagnosis::unauthorized(
            std::string(codes::kSignatureMissing),
            "The Signature header is missing; this call is signed with a Signature header "
            "(keyId = client_id) next to Authorization: Bearer");
        if (!auth_values.empty()) {
          d.hint =
              "Authorization: Signature is only for the application-token request; here "
              "send Signature: keyId=...,algorithm=...,headers=...,signature=... and keep "
              "Authorization for the Bearer token.";
        }
        return fail(std::move(d));
      }
      break;
    case SignatureCarrier::Authorization:
      if (!auth_values.empty()) located = Located{auth_values.front, "authorization"};
      if (!located) {
        auto d = Diagnosis::unauthorized(
            std::string(codes::kSignatureMissing),
            "The Authorization: Signature header is missing; the application-token request is "
            "signed with Authorization: Signature keyId=SN=...,algorithm=...,headers=...,"
            "signature=...");
        if (!sig_values.empty()) {
          d.hint =
              "This request carries a Signature header; the application-token request "
              "sends the same parameters as Authorization: Signature ...";
        }
        return fail(std::move(d));
      }
      break;
    case SignatureCarrier::Either:
      if (!sig_values.empty() && !auth_values.empty() &&
          trim_ows(sig_values.front) != trim_ows(auth_values.front)) {
        return fail(Diagnosis::bad_request(
            std::string(codes::kSignatureCarrierConflict),
            "The request carries both a Signature header and Authorization: Signature with "
            "different values; send one"));
      }
      if (!sig_values.empty()) {
        located = Located{sig_values.front, "signature"};
      } else if (!auth_values.empty()) {
        located = Located{auth_values.front, "authorization"};
      } else {
        return fail(Diagnosis::unauthorized(
            std::string(codes::kSignatureMissing),
            "The request is not signed: send a Signature header (or Authorization: Signature for "
            "the application-token request)"));
      }
      break;
  }

  // 2. Parameters.
  Diagnosis problem;
  auto parsed = parse_signature_params(located->params, &problem);
  if (!parsed) return fail(std::move(problem));
  result.params = std::move(*parsed);
  const SignatureParams& params = result.params;
  for (auto [present, name] : {std::pair{!params.key_id.empty(), "keyId"},
                               std::pair{!params.signature.empty(), "signature"},
                               std::pair{params.headers.has_value(), "headers"}}) {
    if (!present) {
      return fail(Diagnosis::bad_request(
          std::string(codes::kSignatureParameterMissing),
          fmt::format("The signature parameter {} is missing or empty; expected {}", name, kForm)));
    }
  }
  std::optional<HttpSignatureAlgorithm> alg;
  if (params.algorithm) {
    alg = http_signature_algorithm(*params.algorithm);
    if (!alg) {
      std::string why = istarts_with(*params.algorithm, "hmac")
                            ? " (shared-secret HMAC is not used for PSD2)"
                            : "";
      return fail(Diagnosis::bad_request(
          std::string(codes::kSignatureAlgorithmUnsupported),
          fmt::format("algorithm '{}' is not supported{}; use rsa-sha256 (as the guide), "
                      "rsa-sha512, ecdsa-sha256/384/512 or hs2019",
                      *params.algorithm, why)));
    }
  }

  // 3. Policy: covered headers.
  const auto& listed = *params.headers;
  for (const auto& required : policy.required_headers) {
    // The listed names are lower-case: equal to the lower-cased required name is equal without
    // case.
    if (std::none_of(listed.begin(), listed.end(),
                     [&](const std::string& l) { return ascii_iequals(l, required); })) {
      auto d = Diagnosis::unauthorized(
          std::string(codes::kSignatureHeaderNotCovered),
          fmt::format("The signature must cover {} but headers lists only {}; sign at least {}",
                      required, join_names(listed), join_names(policy.required_headers)));
      d.fact("headers", join_names(listed));
      d.fact("required", join_names(policy.required_headers));
      return fail(std::move(d));
    }
  }
  bool uses_created = std::find(listed.begin(), listed.end(), "(created)") != listed.end();
  bool uses_expires = std::find(listed.begin(), listed.end(), "(expires)") != listed.end();
  if ((uses_created || uses_expires) && alg && *alg != HttpSignatureAlgorithm::Hs2019 &&
      !policy.lenient) {
    return fail(Diagnosis::bad_request(
        std::string(codes::kSignaturePseudoHeaderNotAllowed),
        fmt::format("(created) and (expires) may not be signed with algorithm {} "
                    "(draft-cavage-12 section 2.3); use hs2019 or leave them out",
                    *params.algorithm)));
  }
  if ((uses_created && !params.created) || (uses_expires && !params.expires)) {
    return fail(Diagnosis::bad_request(
        std::string(codes::kSignatureParameterMissing),
        fmt::format("headers lists {} but the {} parameter is missing",
                    uses_created && !params.created ? "(created)" : "(expires)",
                    uses_created && !params.created ? "created" : "expires")));
  }

  // 4. Key.
  KeyLookup lookup = resolve_key(params.key_id, message);
  if (!lookup.key) {
    if (lookup.failure.ok) {
      lookup.failure =
          Diagnosis::unauthorized(std::string(codes::kSignatureKeyIdUnknown),
                                  fmt::format("No key is known for keyId '{}'", params.key_id));
    }
    return fail(std::move(lookup.failure));
  }
  result.key = std::move(lookup.key);
  const crypto::PublicKey& key = result.key->key;
  const auto key_type = key.type();
  if (alg) {
    bool rsa_alg =
        *alg == HttpSignatureAlgorithm::RsaSha256 || *alg == HttpSignatureAlgorithm::RsaSha512;
    bool ec_alg = *alg == HttpSignatureAlgorithm::EcdsaSha256 ||
                  *alg == HttpSignatureAlgorithm::EcdsaSha384 ||
                  *alg == HttpSignatureAlgorithm::EcdsaSha512;
    if ((rsa_alg && key_type != crypto::KeyType::Rsa) ||
        (ec_alg && key_type != crypto::KeyType::Ec)) {
      return fail(Diagnosis::unauthorized(
          std::string(codes::kSignatureAlgKeyMismatch),
          fmt::format("algorithm {} needs an {} key but the key of keyId {} is {}",
                      *params.algorithm, rsa_alg ? "RSA" : "EC", params.key_id,
                      key_type == crypto::KeyType::Rsa ? "RSA" : "EC")));
    }
  }
  if (key_type == crypto::KeyType::Rsa && key.bits() < policy.min_rsa_bits) {
    return fail(Diagnosis::unauthorized(
        std::string(codes::kSignatureAlgKeyMismatch),
        fmt::format("The RSA key of keyId {} has {} bits; at least {} are required", params.key_id,
                    key.bits(), policy.min_rsa_bits)));
  }

  // 5. Date, (created), (expires).
  const TimePoint now = clock.now();
  if (policy.check_date) {
    std::size_t date_count = 0;
    std::string_view date;
    for (const auto& h : message.headers) {
      if (ascii_iequals(h.name, "date") && date_count++ == 0) date = h.value;
    }
    if (date_count > 1) {
      return fail(Diagnosis::bad_request(std::string(codes::kDateMalformed),
                                         "The Date header is sent more than once"));
    }
    if (date_count == 1) {
      auto d = check_date_value(date, now, policy.window);
      if (!d) return fail(std::move(d));
    }
  }
  auto parse_time = [](const std::string& text) -> std::optional<long long> {
    long long v = 0;
    std::string_view s = text;
    auto dot = s.find('.');
    std::string_view whole = s.substr(0, dot);
    auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), v);
    if (ec != std::errc() || ptr != whole.data() + whole.size()) return std::nullopt;
    return v;
  };
  const long long now_s = std::chrono::duration_cast<Seconds>(now.time_since_epoch()).count();
  if (params.created) {
    auto created = parse_time(*params.created);
    if (!created) {
      return fail(malformed(fmt::format("created='{}' is not a Unix time", *params.created)));
    }
    if (*created > now_s + policy.window.count()) {
      return fail(Diagnosis::unauthorized(
          std::string(codes::kSignatureCreatedInFuture),
          fmt::format("created={} is {} s in the future (server time {})", *params.created,
                      *created - now_s, format_imf_fixdate(now))));
    }
  }
  if (params.expires) {
    auto expires = parse_time(*params.expires);
    if (!expires) {
      return fail(malformed(fmt::format("expires='{}' is not a Unix time", *params.expires)));
    }
    if (*expires + policy.window.count() < now_s) {
      return fail(Diagnosis::unauthorized(
          std::string(codes::kSignatureExpired),
          fmt::format("The signature expired at {} ({} s ago, server time {})", *params.expires,
                      now_s - *expires, format_imf_fixdate(now))));
    }
  }

  // 6. Digest of the body.
  if (policy.check_digest && message.has("digest")) {
    DigestPolicy dp;
    dp.required = false;
    dp.detailed = policy.detailed;
    auto d = verify_digest(message, dp);
    if (!d) return fail(std::move(d));
    if (!d.cause.empty()) {
      result.cause = d.cause;
      result.hint = d.hint;
    }
  }

  // 7. Signing string and signature. The lines are kept apart only for the re-checks, after a
  // failure.
  std::string missing;
  std::string signing_string;
  signing_string.reserve(256);
  if (!detail::append_signing_string(message, listed, params.created, params.expires,
                                     signing_string, &missing)) {
    auto d = Diagnosis::unauthorized(
        std::string(codes::kSignatureHeaderAbsent),
        fmt::format("headers lists {} but the request has no such header; send it or leave it "
                    "out of headers",
                    missing));
    return fail(std::move(d));
  }

  auto sig = base64_decode(params.signature);
  if (!sig || sig->empty()) {
    Diagnosis d = malformed("The signature parameter is not valid base64");
    std::string compact;
    for (char c : params.signature) {
      if (!is_ows(c) && c != '\r' && c != '\n') compact.push_back(c);
    }
    if (compact != params.signature && base64_decode(compact)) {
      d = malformed(
          "The signature parameter contains whitespace; openssl base64 without -A wraps "
          "its output at 64 characters");
      d.cause = causes::kBase64Wrapped;
      d.hint = "Encode the signature with openssl base64 -A.";
    } else if (base64url_decode(params.signature)) {
      d = malformed(
          "The signature parameter uses the base64url alphabet (- and _); HTTP "
          "Signatures use standard base64 with padding");
      d.cause = causes::kBase64Url;
    }
    return fail(std::move(d));
  }

  auto verifiers = verifiers_for(alg, key_type, policy.lenient);
  for (const auto& v : verifiers) {
    if (detail::verify_with(key, v, signing_string, *sig)) {
      result.ok = true;
      result.status = 200;
      result.verified_as = v.name;
      return result;
    }
  }

  const std::string alg_text = params.algorithm ? *params.algorithm : "(none)";
  if (key_type == crypto::KeyType::Rsa &&
      sig->size() != static_cast<std::size_t>((key.bits() + 7) / 8)) {
    auto d = Diagnosis::unauthorized(
        std::string(codes::kSignatureInvalid),
        fmt::format("The signature is {} bytes long; an RSA-{} signature has {} bytes (is it "
                    "truncated or made with another key?)",
                    sig->size(), key.bits(), (key.bits() + 7) / 8));
    d.signing_string = signing_string;
    return fail(std::move(d));
  }
  auto d = Diagnosis::unauthorized(
      std::string(codes::kSignatureInvalid),
      fmt::format("The signature does not verify with the key of keyId {} over the signing "
                  "string the server built from the request (algorithm {}, headers {})",
                  params.key_id, alg_text, join_names(listed)));
  d.signing_string = signing_string;
  d.fact("keyId", params.key_id);
  d.fact("algorithm", alg_text);
  d.fact("headers", join_names(listed));
  if (policy.detailed) {
    detail::BuiltString built =
        detail::build_lines(message, listed, params.created, params.expires, nullptr);
    built.carrier_header = located->header;
    auto family = family_for(key_type);
    auto finding = detail::troubleshoot(message, built, key, verifiers.front(), family, *sig,
                                        /*jws=*/false);
    d.cause = finding.cause;
    d.hint = finding.hint;
    if (!finding.hint.empty()) d.message = clean_message(d.message + ". " + finding.hint);
  }
  return fail(std::move(d));
}

}  // namespace sandbank::signing
