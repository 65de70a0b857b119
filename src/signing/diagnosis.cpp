#include "signing/diagnosis.hpp"

#include "core/strings.hpp"

namespace sandbank::signing {

Diagnosis Diagnosis::failure(int status, std::string code, std::string message) {
  Diagnosis d;
  d.ok = false;
  d.status = status;
  d.code = std::move(code);
  d.message = clean_message(message);
  return d;
}

std::string_view Diagnosis::fact_value(std::string_view name) const {
  for (const auto& [k, v] : facts) {
    if (k == name) return v;
  }
  return {};
}

std::string Diagnosis::diagnostic() const {
  std::string out;
  if (!hint.empty()) {
    out += hint;
    out += '\n';
  }
  for (const auto& [k, v] : facts) {
    out += k;
    out += ": ";
    out += v;
    out += '\n';
  }
  if (!signing_string.empty()) {
    out += "signing string built by the server (between the markers, no trailing newline):\n";
    out += "-----\n";
    out += signing_string;
    out += "\n-----\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

Diagnosis Diagnosis::redacted() const {
  if (ok) return *this;
  Diagnosis d;
  d.ok = false;
  d.status = status;
  d.code = code;
  d.message = generic_message(code);
  return d;
}

Error Diagnosis::to_error() const {
  return Error(status, code, message, diagnostic());
}

std::string generic_message(std::string_view code) {
  if (istarts_with(code, "digest.")) return "The Digest header is missing or does not match.";
  if (istarts_with(code, "date.")) return "The Date header is missing or not acceptable.";
  if (istarts_with(code, "certificate."))
    return "The TPP-Signature-Certificate header is missing or invalid.";
  if (istarts_with(code, "jws.")) return "The JWS signature could not be verified.";
  return "The signature could not be verified.";
}

std::string clean_message(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out.push_back('\'');
    } else if (c == '\\') {
      out.append("%5C");
    } else if (u < 0x20 || u == 0x7f) {
      out.push_back(' ');
    } else if (u >= 0x80) {
      out.push_back('?');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace codes {
std::vector<std::string_view> all() {
  return {kDigestMissing,
          kDigestMalformed,
          kDigestUnsupportedAlgorithm,
          kDigestDuplicateAlgorithm,
          kDigestMismatch,
          kDateMissing,
          kDateMalformed,
          kDateOutsideWindow,
          kCertificateMissing,
          kCertificateMalformed,
          kSignatureMissing,
          kSignatureCarrierConflict,
          kSignatureMalformed,
          kSignatureDuplicateParameter,
          kSignatureParameterMissing,
          kSignatureAlgorithmUnsupported,
          kSignatureHeaderNotCovered,
          kSignaturePseudoHeaderNotAllowed,
          kSignatureCreatedInFuture,
          kSignatureExpired,
          kSignatureKeyIdMalformed,
          kSignatureKeyIdSerialMismatch,
          kSignatureKeyIdIssuerMismatch,
          kSignatureKeyIdUnknown,
          kSignatureAlgKeyMismatch,
          kSignatureHeaderAbsent,
          kSignatureInvalid,
          kJwsMissing,
          kJwsMalformed,
          kJwsNotDetached,
          kJwsHeaderMalformed,
          kJwsHeaderDuplicateMember,
          kJwsAlgUnsupported,
          kJwsCritInvalid,
          kJwsB64Invalid,
          kJwsSigDInvalid,
          kJwsHeaderNotCovered,
          kJwsSigTMissing,
          kJwsSigTMalformed,
          kJwsSigTOutsideWindow,
          kJwsX5tMissing,
          kJwsX5tMismatch,
          kJwsAlgKeyMismatch,
          kJwsParsHeaderAbsent,
          kJwsSignatureMalformed,
          kJwsSignatureInvalid};
}
}  // namespace codes

}  // namespace sandbank::signing
