#include "signing/digest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "core/encoding.hpp"
#include "core/strings.hpp"
#include "crypto/hash.hpp"
#include "signing/ascii.hpp"

namespace sandbank::signing {
namespace {

crypto::HashAlgorithm hash_of(DigestAlgorithm alg) {
  return alg == DigestAlgorithm::Sha256 ? crypto::HashAlgorithm::Sha256
                                        : crypto::HashAlgorithm::Sha512;
}

Bytes body_hash(std::string_view body, DigestAlgorithm alg) {
  return crypto::hash(hash_of(alg), as_bytes(body));
}

bool is_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string strip_whitespace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

struct Entry {
  std::string_view token;
  std::string_view value;
  std::optional<DigestAlgorithm> alg;
};

// Calls fn(Entry) for each non-empty comma-separated entry of a Digest header value (the
// entries trimmed of OWS, token and value too) until fn returns false. An entry without '='
// or without a token is passed with an empty token and the entry text as value.
template <typename Fn>
void for_each_entry(std::string_view header, Fn&& fn) {
  std::string_view rest = header;
  while (true) {
    const std::size_t comma = rest.find(',');
    std::string_view part = trim_ows(rest.substr(0, comma));
    if (!part.empty()) {
      Entry e;
      auto eq = part.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        e.value = part;
      } else {
        e.token = trim_ows(part.substr(0, eq));
        e.value = trim_ows(part.substr(eq + 1));
        e.alg = digest_algorithm(e.token);
      }
      if (!fn(e)) return;
    }
    if (comma == std::string_view::npos) return;
    rest.remove_prefix(comma + 1);
  }
}

// Why a value of a supported algorithm cannot be decoded; fills the diagnosis.
Diagnosis malformed_value(const Entry& e, std::size_t expected_size) {
  std::string token(digest_token(*e.alg));
  std::string value(e.value);
  if (is_hex(value) && value.size() == expected_size * 2) {
    auto d = Diagnosis::bad_request(
        std::string(codes::kDigestMalformed),
        fmt::format("Digest {} value is hex; send the base64 of the binary hash "
                    "(openssl dgst -binary -sha{} | openssl base64 -A)",
                    token, expected_size * 8));
    d.cause = causes::kDigestEncoding;
    d.hint = "The digest value must be standard base64 of the raw hash, not hex.";
    return d;
  }
  std::string compact = strip_whitespace(value);
  if (compact != value && base64_decode(compact)) {
    auto d = Diagnosis::bad_request(
        std::string(codes::kDigestMalformed),
        fmt::format("Digest {} value contains whitespace; openssl base64 without -A wraps "
                    "long values at 64 characters",
                    token));
    d.cause = causes::kBase64Wrapped;
    d.hint = "Use openssl base64 -A so the value stays on one line.";
    return d;
  }
  if (!base64_decode(value) && base64url_decode(value)) {
    auto d = Diagnosis::bad_request(
        std::string(codes::kDigestMalformed),
        fmt::format("Digest {} value uses the base64url alphabet (- and _); the Digest header "
                    "takes standard base64 (+ and /) with padding",
                    token));
    d.cause = causes::kBase64Url;
    d.hint = "Encode the hash with standard base64, not base64url.";
    return d;
  }
  if (auto bytes = base64_decode(value); bytes && bytes->size() != expected_size) {
    return Diagnosis::bad_request(
        std::string(codes::kDigestMalformed),
        fmt::format("Digest {} value decodes to {} bytes; a {} hash has {} bytes", token,
                    bytes->size(), token, expected_size));
  }
  return Diagnosis::bad_request(
      std::string(codes::kDigestMalformed),
      fmt::format("Digest {} value '{}' is not valid base64", token, value.substr(0, 100)));
}

// Which known mistake makes the received hash: digest over the body with a trailing newline
// (echo without -n), without its final newline, or over an empty body.
void explain_mismatch(Diagnosis& d, std::string_view body, DigestAlgorithm alg,
                      const Bytes& received) {
  struct Variant {
    std::string body;
    std::string_view cause;
    const char* hint;
  };
  std::vector<Variant> variants;
  variants.push_back({std::string(body) + "\n", causes::kBodyTrailingNewline,
                      "The received digest is the digest of the body followed by a newline: the "
                      "body was digested with echo instead of echo -n (or printf %s)."});
  variants.push_back({std::string(body) + "\r\n", causes::kBodyTrailingNewline,
                      "The received digest is the digest of the body followed by CR LF."});
  if (!body.empty() && body.back() == '\n') {
    std::string_view trimmed = body.substr(0, body.size() - 1);
    if (!trimmed.empty() && trimmed.back() == '\r') trimmed.remove_suffix(1);
    variants.push_back({std::string(trimmed), causes::kBodyDiffers,
                        "The received digest is the digest of the body without its final "
                        "newline: the body sent is not the body that was digested."});
  }
  if (!body.empty()) {
    variants.push_back({std::string(), causes::kBodyDiffers,
                        "The received digest is the digest of an empty body, but the request has "
                        "a body."});
  }
  for (const auto& v : variants) {
    if (body_hash(v.body, alg) == received) {
      d.cause = v.cause;
      d.hint = v.hint;
      return;
    }
  }
  d.cause = causes::kBodyDiffers;
  d.hint =
      "The digest was computed over different bytes than the body received; digest exactly the "
      "bytes you send (no re-serialisation, no added newline).";
}

}  // namespace

std::string_view digest_token(DigestAlgorithm alg) {
  return alg == DigestAlgorithm::Sha256 ? "SHA-256" : "SHA-512";
}

std::optional<DigestAlgorithm> digest_algorithm(std::string_view token) {
  if (detail::ascii_iequals(token, "SHA-256")) return DigestAlgorithm::Sha256;
  if (detail::ascii_iequals(token, "SHA-512")) return DigestAlgorithm::Sha512;
  return std::nullopt;
}

std::string digest_value(std::string_view body, DigestAlgorithm alg) {
  return base64_encode(body_hash(body, alg));
}

std::string make_digest(std::string_view body, DigestAlgorithm alg) {
  std::string out(digest_token(alg));
  out.push_back('=');
  out += digest_value(body, alg);
  return out;
}

Diagnosis verify_digest(const MessageView& message, const DigestPolicy& policy) {
  auto finish = [&](Diagnosis d) { return policy.detailed ? d : d.redacted(); };
  // The header value as signing_value() gives it; one plain Digest header is used in place.
  std::size_t instances = 0;
  std::string_view header;
  for (const auto& h : message.headers) {
    if (detail::ascii_iequals(h.name, "digest") && instances++ == 0) header = trim_ows(h.value);
  }
  std::string joined;
  if (instances > 1 || detail::has_cr_or_lf(header)) {
    message.append_signing_value("digest", joined);
    header = joined;
  }
  if (instances == 0) {
    if (!policy.required) return Diagnosis::success();
    return finish(Diagnosis::bad_request(
        std::string(codes::kDigestMissing),
        "The Digest header is missing; send Digest: SHA-256=<base64 of SHA-256 of the body>"));
  }
  if (trim_ows(header).empty()) {
    return finish(
        Diagnosis::bad_request(std::string(codes::kDigestMalformed), "The Digest header is empty"));
  }

  // A leniency: ING's Node client sends a bare base64 SHA-256 without "SHA-256=" on some calls.
  // One value that decodes to 32 bytes ("SHA-256=..." cannot: '-' is not base64) is taken as
  // SHA-256, and the success says so in cause and hint.
  if (header.find(',') == std::string_view::npos) {
    if (auto bare = base64_decode(header); bare && bare->size() == 32) {
      auto computed = body_hash(message.body, DigestAlgorithm::Sha256);
      if (computed == *bare) {
        Diagnosis ok = Diagnosis::success();
        ok.cause = causes::kDigestWithoutAlgorithm;
        ok.hint =
            "Digest accepted leniently: the value has no algorithm; it was taken as SHA-256. "
            "Send Digest: SHA-256=<base64>, as ING's documentation asks.";
        return ok;
      }
      std::string expected_b64 = base64_encode(computed);
      auto d = Diagnosis::unauthorized(
          std::string(codes::kDigestMismatch),
          fmt::format("Digest (a bare value without algorithm, taken as SHA-256) does not match "
                      "the body: the server computed {} over the {} bytes received, the header "
                      "says {}",
                      expected_b64, message.body.size(), std::string(header)));
      d.fact("algorithm", "SHA-256");
      d.fact("expected", expected_b64);
      d.fact("received", std::string(header));
      d.fact("body_length", std::to_string(message.body.size()));
      if (!policy.detailed) return d.redacted();
      explain_mismatch(d, message.body, DigestAlgorithm::Sha256, *bare);
      return d;
    }
  }

  // Every entry must have the form token=value; at least one must be supported.
  std::optional<Diagnosis> problem;
  bool any_supported = false;
  for_each_entry(header, [&](const Entry& e) {
    if (e.token.empty()) {
      problem = Diagnosis::bad_request(
          std::string(codes::kDigestMalformed),
          fmt::format("Digest entry '{}' is not of the form <algorithm>=<base64 value>, e.g. "
                      "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
                      e.value.substr(0, 100)));
      return false;
    }
    if (e.alg) any_supported = true;
    return true;
  });
  if (problem) return finish(std::move(*problem));
  if (!any_supported) {
    std::string names;
    for_each_entry(header, [&](const Entry& e) {
      if (!names.empty()) names += ", ";
      names += e.token;
      return true;
    });
    return finish(Diagnosis::bad_request(
        std::string(codes::kDigestUnsupportedAlgorithm),
        fmt::format("The Digest header names only {}; Sandbank accepts SHA-256 and SHA-512",
                    names.empty() ? std::string("no algorithm") : names)));
  }

  // Decode and compare every supported entry; the same algorithm twice must agree.
  std::optional<Bytes> seen[2];
  for_each_entry(header, [&](const Entry& e) {
    if (!e.alg) return true;
    std::size_t size = *e.alg == DigestAlgorithm::Sha256 ? 32 : 64;
    auto decoded = base64_decode(e.value);
    if (!decoded || decoded->size() != size) {
      problem = malformed_value(e, size);
      return false;
    }
    auto& slot = seen[*e.alg == DigestAlgorithm::Sha256 ? 0 : 1];
    if (slot && *slot != *decoded) {
      problem = Diagnosis::bad_request(
          std::string(codes::kDigestDuplicateAlgorithm),
          fmt::format("The Digest header carries two different {} values", digest_token(*e.alg)));
      return false;
    }
    slot = std::move(decoded);
    return true;
  });
  if (problem) return finish(std::move(*problem));

  // The body's hash, once per algorithm, against the received values in the header's order.
  std::array<std::uint8_t, crypto::kMaxHashSize> computed[2];
  std::size_t computed_size[2] = {0, 0};
  for_each_entry(header, [&](const Entry& e) {
    if (!e.alg) return true;
    const std::size_t i = *e.alg == DigestAlgorithm::Sha256 ? 0 : 1;
    const Bytes& received = *seen[i];
    if (computed_size[i] == 0) {
      computed_size[i] = crypto::hash(hash_of(*e.alg), as_bytes(message.body), computed[i]);
    }
    if (std::equal(received.begin(), received.end(), computed[i].begin(),
                   computed[i].begin() + static_cast<std::ptrdiff_t>(computed_size[i]))) {
      return true;
    }
    Bytes expected(computed[i].begin(),
                   computed[i].begin() + static_cast<std::ptrdiff_t>(computed_size[i]));
    std::string token(digest_token(*e.alg));
    std::string expected_b64 = base64_encode(expected);
    std::string received_b64 = base64_encode(received);
    auto d = Diagnosis::unauthorized(
        std::string(codes::kDigestMismatch),
        fmt::format("Digest {} does not match the body: the server computed {} over the {} "
                    "bytes received, the header says {}",
                    token, expected_b64, message.body.size(), received_b64));
    d.fact("algorithm", token);
    d.fact("expected", expected_b64);
    d.fact("received", received_b64);
    d.fact("body_length", std::to_string(message.body.size()));
    if (!policy.detailed) {
      problem = d.redacted();
    } else {
      explain_mismatch(d, message.body, *e.alg, received);
      problem = std::move(d);
    }
    return false;
  });
  if (problem) return std::move(*problem);
  return Diagnosis::success();
}

}  // namespace sandbank::signing
