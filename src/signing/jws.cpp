#include "signing/jws.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/encoding.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "core/time_format.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature.hpp"
#include "signing/digest.hpp"
#include "signing/tpp_certificate.hpp"
#include "signing/troubleshoot.hpp"

namespace sandbank::signing {
namespace {

namespace json = boost::json;
using crypto::HashAlgorithm;
using crypto::SignatureScheme;
using detail::Verifier;

// ---------------------------------------------------------------------------------------------

struct JwsAlg {
  std::string_view name;
  crypto::SignatureAlgorithm alg;
  std::string_view curve;  // ES only
  std::size_t field_bytes;
};

constexpr JwsAlg kAlgs[] = {
    {"PS256", {SignatureScheme::RsaPss, HashAlgorithm::Sha256}, "", 0},
    {"PS384", {SignatureScheme::RsaPss, HashAlgorithm::Sha384}, "", 0},
    {"PS512", {SignatureScheme::RsaPss, HashAlgorithm::Sha512}, "", 0},
    {"ES256", {SignatureScheme::Ecdsa, HashAlgorithm::Sha256}, "P-256", 32},
    {"ES384", {SignatureScheme::Ecdsa, HashAlgorithm::Sha384}, "P-384", 48},
    {"ES512", {SignatureScheme::Ecdsa, HashAlgorithm::Sha512}, "P-521", 66},
    {"RS256", {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256}, "", 0},
    {"RS384", {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha384}, "", 0},
    {"RS512", {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512}, "", 0},
};

const JwsAlg* find_alg(std::string_view name) {
  for (const auto& a : kAlgs) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// Why `key` cannot make/verify `alg` signatures, or empty.
std::string key_problem(const JwsAlg& a, const crypto::PublicKey& key, int min_rsa_bits) {
  bool rsa = a.alg.scheme != SignatureScheme::Ecdsa;
  if (rsa && key.type() != crypto::KeyType::Rsa) {
    return fmt::format(
        "alg {} needs an RSA key but the certificate holds an EC key ({}); use "
        "ES256/ES384/ES512 or an RSA certificate",
        a.name, key.curve());
  }
  if (!rsa && key.type() != crypto::KeyType::Ec) {
    return fmt::format("alg {} needs an EC {} key but the certificate holds an RSA key; use PS256",
                       a.name, a.curve);
  }
  if (rsa && key.bits() < min_rsa_bits) {
    return fmt::format("The certificate's RSA key has {} bits; {} needs at least {}", key.bits(),
                       a.name, min_rsa_bits);
  }
  if (!rsa && key.curve() != a.curve) {
    return fmt::format("alg {} needs a key on curve {} but the certificate's key is on {}", a.name,
                       a.curve, key.curve());
  }
  return {};
}

std::string json_string(std::string_view s) {
  return json::serialize(json::string(s));
}

// base64url as JOSE wants it: no padding, no whitespace, URL alphabet only.
std::optional<Bytes> strict_base64url(std::string_view s, std::string* why) {
  for (char c : s) {
    if (c == '=') {
      *why = "contains base64 padding (=); strip it (tr -d '=')";
      return std::nullopt;
    }
    if (c == '+' || c == '/') {
      *why = "uses the standard base64 alphabet (+ /); translate it (tr '/+' '_-')";
      return std::nullopt;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      *why = "contains whitespace; base64url has none (openssl base64 -A, tr -d newline)";
      return std::nullopt;
    }
  }
  auto out = base64url_decode(s);
  if (!out) *why = "is not valid base64url";
  return out;
}

bool is_registered_header_name(std::string_view n) {
  static constexpr std::string_view kNames[] = {"alg",  "jku", "jwk",      "kid", "x5u",
                                                "x5c",  "x5t", "x5t#S256", "typ", "cty",
                                                "crit", "enc", "zip"};
  return std::find(std::begin(kNames), std::end(kNames), n) != std::end(kNames);
}

bool is_lower(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Strict sigT: "YYYY-MM-DDThh:mm:ssZ". Empty when fine, else the problem.
std::string sigt_problem(std::string_view s) {
  if (s.size() > 19 && s[19] == '.') {
    return "has fractional seconds; ING wants RFC 3339 UTC without fraction "
           "(date -u +%Y-%m-%dT%H:%M:%SZ)";
  }
  if (s.size() >= 20 && s.back() != 'Z' && s.back() != 'z') {
    return "is not in UTC; write it with Z (date -u +%Y-%m-%dT%H:%M:%SZ)";
  }
  if (s.size() != 20 || s[10] != 'T' || !parse_rfc3339(s)) {
    return "is not an RFC 3339 UTC date-time such as 2019-11-19T17:28:15Z "
           "(date -u +%Y-%m-%dT%H:%M:%SZ)";
  }
  return {};
}

// Which common mistake produced a wrong x5t#S256.
std::pair<std::string, std::string> explain_x5t(std::string_view received,
                                                const crypto::Certificate& cert,
                                                const MessageView& message) {
  Bytes fp = cert.sha256_fingerprint();
  std::string hex_lower = hex_encode(fp, false);
  std::string hex_upper = hex_encode(fp, true);
  std::string std_b64 = base64_encode(fp);
  std::string url = cert.x5t_s256();
  std::string colon_hex;
  for (std::size_t i = 0; i < fp.size(); ++i) {
    if (i) colon_hex += ':';
    colon_hex += hex_encode(std::span<const std::uint8_t>(&fp[i], 1), true);
  }
  if (received == hex_lower || received == hex_upper || received == colon_hex) {
    return {std::string(causes::kThumbprintEncoding),
            "x5t#S256 is the SHA-256 fingerprint in hex; it must be base64url of the raw 32 "
            "bytes (xxd -r -p | base64 | tr -d '=' | tr '/+' '_-')."};
  }
  std::string padded_url = url;
  while (padded_url.size() % 4) padded_url.push_back('=');
  if (received == std_b64 || received == padded_url) {
    return {std::string(causes::kThumbprintEncoding),
            "x5t#S256 is standard or padded base64; it must be base64url without padding (tr -d "
            "'=' | tr '/+' '_-')."};
  }
  if (received == cert.x5t_sha1()) {
    return {std::string(causes::kThumbprintEncoding),
            "x5t#S256 holds the SHA-1 thumbprint (that is x5t); use SHA-256 (openssl x509 "
            "-fingerprint -sha256)."};
  }
  std::string pem = cert.pem();
  for (std::string text : {pem, pem.substr(0, pem.size() - (pem.ends_with('\n') ? 1 : 0))}) {
    if (received == base64url_encode(crypto::sha256(as_bytes(text)))) {
      return {std::string(causes::kThumbprintEncoding),
              "x5t#S256 is the hash of the PEM text; it must be the hash of the DER certificate "
              "(openssl x509 -fingerprint -sha256)."};
    }
  }
  if (message.client_certificate && received == message.client_certificate->x5t_s256()) {
    return {std::string(causes::kThumbprintOfTlsCertificate),
            "x5t#S256 is the thumbprint of the TLS client certificate; use the signing "
            "certificate (example_client_signing.cer) sent in TPP-Signature-Certificate."};
  }
  return {std::string(causes::kWrongKey),
          "x5t#S256 identifies another certificate than the one in TPP-Signature-Certificate; "
          "compute it from the certificate you send and sign with that certificate's key."};
}

}  // namespace

std::string build_jws_header_string(const MessageView& message, std::span<const std::string> pars) {
  std::string missing;
  auto built = detail::build_lines(message, pars, std::nullopt, std::nullopt, &missing);
  if (!missing.empty()) {
    throw Error(400, std::string(codes::kJwsParsHeaderAbsent),
                fmt::format("sigD pars lists {} but the request has no such header", missing));
  }
  return built.joined();
}

std::string jws_signing_input(std::string_view protected_header_b64,
                              std::string_view header_string) {
  std::string out;
  out.reserve(protected_header_b64.size() + 1 + header_string.size());
  out += protected_header_b64;
  out += '.';
  out += header_string;
  return out;
}

std::string sign_detached_jws(const MessageView& message, std::span<const std::string> pars,
                              std::string_view alg, const crypto::PrivateKey& key,
                              const crypto::Certificate& certificate, TimePoint signing_time) {
  const JwsAlg* a = find_alg(alg);
  if (!a || a->alg.scheme == SignatureScheme::RsaPkcs1v15) {
    throw Error(400, std::string(codes::kJwsAlgUnsupported),
                fmt::format("alg {} is not one of PS256/384/512, ES256/384/512", alg));
  }
  // The certificate's key (cached by OpenSSL) for the checks; PrivateKey::public_key() would
  // re-encode the key, which costs as much as the signature on OpenSSL 3.0.
  auto public_key = certificate.public_key();
  if (auto problem = key_problem(*a, public_key, 0); !problem.empty()) {
    throw Error(400, std::string(codes::kJwsAlgKeyMismatch), problem);
  }
  bool same_key = EVP_PKEY_eq(key.native(), public_key.native()) == 1;
  ERR_clear_error();
  if (!same_key) {
    throw Error(400, std::string(codes::kJwsX5tMismatch),
                "The private key does not belong to the signing certificate");
  }
  std::string pars_json;
  for (const auto& p : pars) {
    if (!pars_json.empty()) pars_json += ',';
    pars_json += json_string(to_lower(p));
  }
  std::string header = fmt::format(
      R"({{"b64":false,"x5t#S256":{},"crit":["sigT","sigD","b64"],"sigT":{},"sigD":{{"pars":[{}],"mId":{}}},"alg":{}}})",
      json_string(certificate.x5t_s256()), json_string(format_rfc3339(signing_time)), pars_json,
      json_string(kHttpHeadersMechanism), json_string(a->name));
  std::string header_b64 = base64url_encode(as_bytes(header));
  std::string input = jws_signing_input(header_b64, build_jws_header_string(message, pars));
  Bytes sig = crypto::sign(key, a->alg, as_bytes(input));
  if (a->alg.scheme == SignatureScheme::Ecdsa) {
    auto raw = crypto::ecdsa_der_to_raw(sig, a->field_bytes);
    if (!raw) throw Error::internal("jws.sign", "ECDSA signature conversion failed");
    sig = std::move(*raw);
  }
  return header_b64 + ".." + base64url_encode(sig);
}

JwsResult verify_detached_jws(const MessageView& message, const JwsPolicy& policy,
                              const Clock& clock, CertificateCache* cache) {
  auto cert = tpp_signature_certificate(message, cache);
  if (!cert.certificate) {
    JwsResult r;
    static_cast<Diagnosis&>(r) = policy.detailed ? cert.diagnosis : cert.diagnosis.redacted();
    return r;
  }
  return verify_detached_jws(message, policy, *cert.certificate, clock);
}

JwsResult verify_detached_jws(const MessageView& message, const JwsPolicy& policy,
                              const crypto::Certificate& signing_certificate, const Clock& clock) {
  JwsResult result;
  auto fail = [&](Diagnosis d) -> JwsResult {
    if (!policy.detailed) d = d.redacted();
    static_cast<Diagnosis&>(result) = std::move(d);
    return result;
  };
  auto bad = [&](std::string_view code, std::string message) {
    return fail(Diagnosis::bad_request(std::string(code), std::move(message)));
  };
  auto unauthorized = [&](std::string_view code, std::string message) {
    return fail(Diagnosis::unauthorized(std::string(code), std::move(message)));
  };

  // 1. Three parts, the middle one empty.
  auto values = message.values(policy.header);
  if (values.empty()) {
    return unauthorized(codes::kJwsMissing,
                        fmt::format("The {} header is missing; this call is signed with a "
                                    "detached JWS (the guide's x-jws-signature)",
                                    policy.header));
  }
  if (values.size() > 1) {
    return bad(codes::kJwsMalformed, fmt::format("{} is sent more than once", policy.header));
  }
  std::string_view jws = trim_ows(values.front());
  auto dot1 = jws.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return bad(codes::kJwsMalformed,
               fmt::format("{} must have three parts BASE64URL(header)..BASE64URL(signature) "
                           "separated by dots; it has {}",
                           policy.header, std::count(jws.begin(), jws.end(), '.') + 1));
  }
  std::string_view header_b64 = jws.substr(0, dot1);
  std::string_view payload_b64 = jws.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = jws.substr(dot2 + 1);
  if (!payload_b64.empty()) {
    return bad(codes::kJwsNotDetached,
               "The JWS carries a payload; it must be detached (header..signature, nothing "
               "between the two dots): the signed header lines are not sent inside the JWS");
  }

  // 2. Protected header: strict base64url, a JSON object without duplicate members.
  std::string why;
  auto header_bytes = strict_base64url(header_b64, &why);
  if (!header_bytes) {
    return bad(codes::kJwsMalformed, fmt::format("The JWS protected header {}", why));
  }
  result.protected_header = to_string(*header_bytes);
  json::error_code ec;
  json::value header_value = json::parse(result.protected_header, ec);
  if (ec || !header_value.is_object()) {
    return bad(codes::kJwsHeaderMalformed,
               fmt::format("The JWS protected header is not a JSON object ({}); it starts with {}",
                           ec ? ec.message() : std::string("not an object"),
                           clean_message(result.protected_header.substr(0, 60))));
  }
  // Boost.JSON keeps the last of a duplicated member; a JWS header must be rejected instead
  // (RFC 7515 §4).
  if (auto dup = find_duplicate_member(result.protected_header); !dup.empty()) {
    return bad(codes::kJwsHeaderDuplicateMember,
               fmt::format("The JWS protected header has the member {} twice", dup));
  }
  const json::object& header = header_value.as_object();

  // 3. alg.
  const json::value* alg_v = header.if_contains("alg");
  if (!alg_v || !alg_v->is_string()) {
    return bad(codes::kJwsAlgUnsupported, "The JWS protected header has no alg");
  }
  std::string alg(alg_v->as_string().c_str());
  result.alg = alg;
  const JwsAlg* jalg = find_alg(alg);
  if (!jalg || std::find(policy.algorithms.begin(), policy.algorithms.end(), alg) ==
                   policy.algorithms.end()) {
    std::string allowed;
    for (const auto& a : policy.algorithms) {
      if (!allowed.empty()) allowed += ", ";
      allowed += a;
    }
    return bad(codes::kJwsAlgUnsupported,
               fmt::format("alg {} is not accepted; use one of {}", alg, allowed));
  }

  // 4. crit.
  const json::value* crit_v = header.if_contains("crit");
  if (!crit_v || !crit_v->is_array() || crit_v->as_array().empty()) {
    return bad(codes::kJwsCritInvalid,
               "The JWS protected header needs crit, a non-empty array naming sigT, sigD and b64");
  }
  std::vector<std::string> crit;
  for (const auto& c : crit_v->as_array()) {
    if (!c.is_string()) return bad(codes::kJwsCritInvalid, "crit may only contain strings");
    std::string name(c.as_string().c_str());
    if (std::find(crit.begin(), crit.end(), name) != crit.end()) {
      return bad(codes::kJwsCritInvalid, fmt::format("crit lists {} twice", name));
    }
    if (is_registered_header_name(name)) {
      return bad(codes::kJwsCritInvalid,
                 fmt::format("crit lists {}, a header parameter of RFC 7515 itself; crit names "
                             "only extensions (sigT, sigD, b64)",
                             name));
    }
    static constexpr std::string_view kUnderstood[] = {"b64", "sigT", "sigD", "iat"};
    if (std::find(std::begin(kUnderstood), std::end(kUnderstood), name) == std::end(kUnderstood)) {
      return bad(codes::kJwsCritInvalid,
                 fmt::format("crit lists {}, which Sandbank does not understand; only b64, sigT, "
                             "sigD (and iat) may be critical",
                             name));
    }
    if (!header.contains(name)) {
      return bad(codes::kJwsCritInvalid,
                 fmt::format("crit lists {} but the protected header has no {}", name, name));
    }
    crit.push_back(std::move(name));
  }
  for (std::string_view needed : {"b64", "sigD"}) {
    if (std::find(crit.begin(), crit.end(), needed) == crit.end()) {
      return bad(codes::kJwsCritInvalid,
                 fmt::format("crit must list {} (crit: [sigT, sigD, b64])", needed));
    }
  }
  if (header.contains("sigT") && std::find(crit.begin(), crit.end(), "sigT") == crit.end()) {
    return bad(codes::kJwsCritInvalid, "crit must list sigT (crit: [sigT, sigD, b64])");
  }

  // 5. b64 false.
  const json::value& b64 = header.at("b64");
  if (!b64.is_bool() || b64.as_bool()) {
    return bad(codes::kJwsB64Invalid,
               b64.is_string() ? "b64 is the string false; it must be the JSON literal false"
                               : "b64 must be false: the signed header lines are not encoded");
  }

  // 6. sigD.
  const json::value& sigd_v = header.at("sigD");
  if (!sigd_v.is_object()) return bad(codes::kJwsSigDInvalid, "sigD must be a JSON object");
  const json::object& sigd = sigd_v.as_object();
  const json::value* mid = sigd.if_contains("mId");
  if (!mid || !mid->is_string() || mid->as_string() != kHttpHeadersMechanism) {
    std::string got = mid && mid->is_string() ? std::string(mid->as_string().c_str()) : "nothing";
    return bad(codes::kJwsSigDInvalid,
               fmt::format("sigD.mId must be exactly {} (got {})", kHttpHeadersMechanism, got));
  }
  if (sigd.contains("hashM") || sigd.contains("hashV")) {
    return bad(codes::kJwsSigDInvalid,
               "sigD for HttpHeaders takes no hashM or hashV: the header lines are signed as they "
               "are");
  }
  const json::value* pars_v = sigd.if_contains("pars");
  if (!pars_v || !pars_v->is_array() || pars_v->as_array().empty()) {
    return bad(codes::kJwsSigDInvalid,
               "sigD.pars must be a non-empty array of the signed header names, e.g. "
               "[(request-target), digest, content-type]");
  }
  for (const auto& p : pars_v->as_array()) {
    if (!p.is_string()) return bad(codes::kJwsSigDInvalid, "sigD.pars may only contain strings");
    std::string name(p.as_string().c_str());
    if (name.empty()) return bad(codes::kJwsSigDInvalid, "sigD.pars contains an empty name");
    if (!is_lower(name)) {
      return bad(codes::kJwsSigDInvalid,
                 fmt::format("sigD.pars entry {} must be lower-case ({})", name, to_lower(name)));
    }
    if (std::find(result.pars.begin(), result.pars.end(), name) != result.pars.end()) {
      return bad(codes::kJwsSigDInvalid, fmt::format("sigD.pars lists {} twice", name));
    }
    result.pars.push_back(std::move(name));
  }
  for (const auto& m : policy.mandatory_pars) {
    if (std::find(result.pars.begin(), result.pars.end(), m) == result.pars.end()) {
      std::string listed;
      for (const auto& p : result.pars) listed += (listed.empty() ? "" : " ") + p;
      std::string mandatory;
      for (const auto& p : policy.mandatory_pars) mandatory += (mandatory.empty() ? "" : " ") + p;
      auto d = Diagnosis::unauthorized(
          std::string(codes::kJwsHeaderNotCovered),
          fmt::format("The JWS must cover {} but sigD.pars lists only {}; sign at least {}", m,
                      listed, mandatory));
      d.fact("pars", listed);
      d.fact("mandatory", mandatory);
      return fail(std::move(d));
    }
  }

  // 7. sigT (or iat) within the window.
  const TimePoint now = clock.now();
  TimePoint signing_time;
  std::string shown_time;
  if (const json::value* sigt = header.if_contains("sigT")) {
    if (!sigt->is_string()) return bad(codes::kJwsSigTMalformed, "sigT must be a string");
    std::string text(sigt->as_string().c_str());
    if (auto problem = sigt_problem(text); !problem.empty()) {
      return bad(codes::kJwsSigTMalformed, fmt::format("sigT {} {}", text, problem));
    }
    signing_time = *parse_rfc3339(text);
    shown_time = "sigT " + text;
  } else if (const json::value* iat = header.if_contains("iat"); iat && policy.accept_iat) {
    if (!iat->is_int64() && !iat->is_uint64()) {
      return bad(codes::kJwsSigTMalformed, "iat must be a NumericDate (seconds since 1970)");
    }
    signing_time = TimePoint(Seconds(iat->to_number<std::int64_t>()));
    shown_time = "iat " + format_rfc3339(signing_time);
  } else {
    return bad(codes::kJwsSigTMissing,
               "The JWS protected header has no sigT; add the signing time, e.g. sigT: "
               "2019-11-19T17:28:15Z (date -u +%Y-%m-%dT%H:%M:%SZ), and list it in crit");
  }
  result.signing_time = signing_time;
  auto skew = std::chrono::duration_cast<Seconds>(signing_time - now);
  if (skew > policy.window || skew < -policy.window) {
    auto d = Diagnosis::unauthorized(
        std::string(codes::kJwsSigTOutsideWindow),
        fmt::format("{} is {} the server time {}; the allowed difference is {} s either way "
                    "(take sigT right before sending)",
                    shown_time, describe_skew(signing_time, now), format_rfc3339(now),
                    policy.window.count()));
    d.fact("server_time", format_rfc3339(now));
    d.fact("skew_seconds", std::to_string(skew.count()));
    return fail(std::move(d));
  }

  // 8. x5t#S256 identifies the certificate.
  const json::value* x5t_v = header.if_contains("x5t#S256");
  if (!x5t_v || !x5t_v->is_string()) {
    std::string extra = header.contains("x5t")
                            ? "; x5t (SHA-1) is present, but ING identifies the certificate by "
                              "x5t#S256 = base64url(SHA-256(DER))"
                            : "";
    return bad(codes::kJwsX5tMissing,
               fmt::format("The JWS protected header has no x5t#S256{}", extra));
  }
  std::string x5t(x5t_v->as_string().c_str());
  std::string expected_x5t = signing_certificate.x5t_s256();
  if (x5t != expected_x5t) {
    auto d = Diagnosis::unauthorized(
        std::string(codes::kJwsX5tMismatch),
        fmt::format("x5t#S256 {} does not identify the TPP-Signature-Certificate (serial {}), "
                    "whose x5t#S256 is {}",
                    x5t, signing_certificate.serial_hex(), expected_x5t));
    d.fact("received", x5t);
    d.fact("expected", expected_x5t);
    if (policy.detailed) {
      auto [cause, hint] = explain_x5t(x5t, signing_certificate, message);
      d.cause = cause;
      d.hint = hint;
    }
    return fail(std::move(d));
  }

  // 9. Key and alg agree.
  const crypto::PublicKey key = signing_certificate.public_key();
  if (auto problem = key_problem(*jalg, key, policy.min_rsa_bits); !problem.empty()) {
    return unauthorized(codes::kJwsAlgKeyMismatch, problem);
  }

  // 10. The header lines from pars, built from the received request.
  std::string missing;
  detail::BuiltString built =
      detail::build_lines(message, result.pars, std::nullopt, std::nullopt, &missing);
  built.prefix = std::string(header_b64) + ".";
  built.carrier_header = policy.header;
  if (!missing.empty()) {
    auto d = Diagnosis::unauthorized(
        std::string(codes::kJwsParsHeaderAbsent),
        fmt::format("sigD.pars lists {} but the request has no {} header; send it or remove it "
                    "from pars",
                    missing, missing));
    d.cause = causes::kHeaderNotSigned;
    return fail(std::move(d));
  }
  const std::string header_string = built.joined();

  // 12 (cheap, so first). The Digest header covers the body only if it matches it.
  if (policy.check_digest &&
      (std::find(result.pars.begin(), result.pars.end(), "digest") != result.pars.end() ||
       message.has("digest"))) {
    DigestPolicy dp;
    dp.required = true;
    dp.detailed = policy.detailed;
    auto d = verify_digest(message, dp);
    if (!d) return fail(std::move(d));
  }

  // 11. The signature.
  auto sig = strict_base64url(signature_b64, &why);
  if (!sig || sig->empty()) {
    return bad(codes::kJwsSignatureMalformed,
               fmt::format("The JWS signature {}", sig ? std::string("is empty") : why));
  }
  if (jalg->alg.scheme == SignatureScheme::Ecdsa && sig->size() != 2 * jalg->field_bytes) {
    auto d = Diagnosis::bad_request(
        std::string(codes::kJwsSignatureMalformed),
        fmt::format("An {} signature is R||S, {} bytes; this one has {} bytes", jalg->name,
                    2 * jalg->field_bytes, sig->size()));
    if (crypto::ecdsa_der_to_raw(*sig, jalg->field_bytes)) {
      d.message = clean_message(fmt::format(
          "The {} signature is DER-encoded (as openssl dgst outputs it); JWS needs the raw R||S "
          "form of {} bytes (RFC 7518 section 3.4)",
          jalg->name, 2 * jalg->field_bytes));
      d.cause = causes::kEcdsaDer;
    }
    return fail(std::move(d));
  }
  const std::string input = built.prefix + header_string;
  Verifier claimed{jalg->alg, jalg->alg.scheme == SignatureScheme::Ecdsa, std::string(alg)};
  if (detail::verify_with(key, claimed, input, *sig)) {
    result.ok = true;
    result.status = 200;
    return result;
  }

  auto d = Diagnosis::unauthorized(
      std::string(codes::kJwsSignatureInvalid),
      fmt::format("The JWS signature ({}) does not verify with the key of the "
                  "TPP-Signature-Certificate over the protected header and the header lines the "
                  "server built from the request (pars {})",
                  alg, [&] {
                    std::string s;
                    for (const auto& p : result.pars) s += (s.empty() ? "" : " ") + p;
                    return s;
                  }()));
  d.signing_string = header_string;
  d.fact("alg", alg);
  d.fact("protected_header", result.protected_header);
  if (policy.detailed) {
    std::vector<Verifier> family;
    for (const auto& a : kAlgs) {
      bool same_family =
          (a.alg.scheme == SignatureScheme::Ecdsa) == (jalg->alg.scheme == SignatureScheme::Ecdsa);
      if (!same_family || a.name == jalg->name) continue;
      family.push_back({a.alg, a.alg.scheme == SignatureScheme::Ecdsa,
                        a.alg.scheme == SignatureScheme::RsaPkcs1v15
                            ? fmt::format("{} (RSASSA-PKCS1-v1_5)", a.name)
                            : std::string(a.name)});
    }
    auto finding = detail::troubleshoot(message, built, key, claimed, family, *sig, /*jws=*/true);
    d.cause = finding.cause;
    d.hint = finding.hint;
    if (!finding.hint.empty()) d.message = clean_message(d.message + ". " + finding.hint);
  }
  return fail(std::move(d));
}

}  // namespace sandbank::signing
