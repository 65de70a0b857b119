// Long because the guide's troubleshooting list is: each known mistake (a trailing newline,
// CRLF line endings, the wrong digest algorithm, ...) is one small check, tried in order when a
// signature fails, with the hint it gives.
#include "signing/troubleshoot.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>

#include "core/strings.hpp"
#include "crypto/hash.hpp"
#include "signing/ascii.hpp"
#include "signing/diagnosis.hpp"

namespace sandbank::signing::detail {
namespace {

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// s^e mod n, left-padded to the modulus size; nullopt when OpenSSL refuses (s >= n).
std::optional<Bytes> rsa_public_operation(const crypto::PublicKey& key,
                                          std::span<const std::uint8_t> signature) {
  std::size_t k = static_cast<std::size_t>((key.bits() + 7) / 8);
  if (signature.empty() || signature.size() > k) return std::nullopt;
  Bytes input(k - signature.size(), 0);
  input.insert(input.end(), signature.begin(), signature.end());
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.native(), nullptr));
  Bytes out(k);
  std::size_t out_len = out.size();
  bool ok = ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1 &&
            EVP_PKEY_encrypt(ctx.get(), out.data(), &out_len, input.data(), input.size()) == 1;
  ERR_clear_error();
  if (!ok) return std::nullopt;
  if (out_len < k) {  // keep it big-endian, left-padded
    Bytes padded(k - out_len, 0);
    padded.insert(padded.end(), out.begin(), out.begin() + static_cast<long>(out_len));
    return padded;
  }
  return out;
}

struct DigestInfoPrefix {
  crypto::HashAlgorithm hash;
  bool sha1;
  std::array<std::uint8_t, 19> bytes;
  std::size_t size;
  std::size_t digest_size;
};

const DigestInfoPrefix kPrefixes[] = {
    {crypto::HashAlgorithm::Sha256,
     false,
     {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
      0x05, 0x00, 0x04, 0x20},
     19,
     32},
    {crypto::HashAlgorithm::Sha384,
     false,
     {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
      0x05, 0x00, 0x04, 0x30},
     19,
     48},
    {crypto::HashAlgorithm::Sha512,
     false,
     {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
      0x05, 0x00, 0x04, 0x40},
     19,
     64},
    {crypto::HashAlgorithm::Sha256,
     true,
     {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
     15,
     20},
};

Bytes mgf1(crypto::HashAlgorithm h, std::span<const std::uint8_t> seed, std::size_t length) {
  Bytes out;
  Bytes block(seed.begin(), seed.end());
  block.resize(seed.size() + 4);
  for (std::uint32_t counter = 0; out.size() < length; ++counter) {
    block[seed.size()] = static_cast<std::uint8_t>(counter >> 24);
    block[seed.size() + 1] = static_cast<std::uint8_t>(counter >> 16);
    block[seed.size() + 2] = static_cast<std::uint8_t>(counter >> 8);
    block[seed.size() + 3] = static_cast<std::uint8_t>(counter);
    Bytes digest = crypto::hash(h, block);
    out.insert(out.end(), digest.begin(), digest.end());
  }
  out.resize(length);
  return out;
}

std::string join(const std::vector<std::string>& lines, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += sep;
    out += lines[i];
  }
  return out;
}

struct Candidate {
  std::string_view cause;
  std::string hint;
  std::string input;
};

bool is_lower(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// The ways a client commonly gets the signing string wrong, each with the string it then
// signed. Ordered from the most to the least common; capped so that a failure stays cheap.
std::vector<Candidate> candidates(const MessageView& msg, const BuiltString& built, bool jws,
                                  std::size_t cap) {
  std::vector<Candidate> out;
  const auto& lines = built.lines;
  const auto& names = built.names;
  const std::string& prefix = built.prefix;
  const std::string body = built.joined();
  auto add = [&](std::string_view cause, std::string hint, std::string input) {
    if (out.size() < cap) out.push_back({cause, std::move(hint), std::move(input)});
  };

  add(causes::kTrailingNewline,
      "The signed string ends with a line feed after the last header; the signing string has no "
      "newline after its last line (use printf %s, not echo).",
      prefix + body + "\n");
  add(causes::kCrlfLineEndings,
      "The signed string separates its lines with CR LF; use a single LF (0x0A) between lines.",
      prefix + join(lines, "\r\n"));
  add(causes::kCrlfLineEndings,
      "The signed string uses CR LF line endings, also after the last line; use a single LF "
      "between lines and none after the last.",
      prefix + join(lines, "\r\n") + "\r\n");

  // (request-target) variants.
  auto rt = std::find(names.begin(), names.end(), "(request-target)");
  if (rt != names.end()) {
    std::size_t idx = static_cast<std::size_t>(rt - names.begin());
    std::string_view target = origin_form(msg.target);
    auto with_line = [&](std::string line) {
      auto copy = lines;
      copy[idx] = std::move(line);
      return prefix + join(copy, "\n");
    };
    std::string lower_method = to_lower(msg.method);
    if (!is_lower(msg.method)) {
      add(causes::kMethodNotLowerCase,
          fmt::format(
              "The (request-target) line was signed with the method as sent ({}); it must be "
              "lower-case: (request-target): {} {}",
              std::string(msg.method), lower_method, std::string(target)),
          with_line(fmt::format("(request-target): {} {}", msg.method, target)));
    }
    std::string upper_method = to_upper(msg.method);
    if (upper_method != msg.method) {
      add(causes::kMethodNotLowerCase,
          fmt::format("The (request-target) line was signed with an upper-case method ({}); it "
                      "must be lower-case: (request-target): {} {}",
                      upper_method, lower_method, std::string(target)),
          with_line(fmt::format("(request-target): {} {}", upper_method, target)));
    }
    std::vector<std::pair<std::string, std::string>> targets;
    auto q = target.find('?');
    if (q != std::string_view::npos) {
      targets.emplace_back(std::string(target.substr(0, q)), "without its query string");
      // Query parameters in another order.
      auto params = split(target.substr(q + 1), '&');
      std::vector<std::string> sorted(params.begin(), params.end());
      std::sort(sorted.begin(), sorted.end());
      std::string resorted = std::string(target.substr(0, q + 1)) + join(sorted, "&");
      if (resorted != target)
        targets.emplace_back(resorted, "with its query parameters re-ordered");
    }
    if (target.find('%') != std::string_view::npos || target.find('+') != std::string_view::npos) {
      if (auto decoded = percent_decode(target, false); decoded && *decoded != target) {
        targets.emplace_back(*decoded, "percent-decoded");
      }
    }
    if (auto host = msg.first("host")) {
      targets.emplace_back(fmt::format("https://{}{}", *host, target), "as an absolute URL");
    }
    if (msg.target != target) targets.emplace_back(std::string(msg.target), "as an absolute URL");
    std::string_view path = target.substr(0, q);
    if (path.size() > 1 && path.back() == '/') {
      targets.emplace_back(
          std::string(path.substr(0, path.size() - 1)) + std::string(target.substr(path.size())),
          "without its trailing slash");
    } else {
      targets.emplace_back(std::string(path) + "/" + std::string(target.substr(path.size())),
                           "with a trailing slash");
    }
    for (const auto& [t, how] : targets) {
      add(causes::kRequestTargetDiffers,
          fmt::format("The (request-target) line was signed with the path {} ({}); it must be "
                      "the path and query exactly as sent: (request-target): {} {}",
                      t, how, lower_method, std::string(target)),
          with_line(fmt::format("(request-target): {} {}", lower_method, t)));
      if (upper_method != lower_method) {
        add(causes::kRequestTargetDiffers,
            fmt::format("The (request-target) line was signed with the method {} and the path "
                        "{} ({}); it must be: (request-target): {} {}",
                        upper_method, t, how, lower_method, std::string(target)),
            with_line(fmt::format("(request-target): {} {}", upper_method, t)));
      }
    }
  }

  // Header names as sent instead of lower-case.
  {
    auto copy = lines;
    bool changed = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].front() == '(') continue;
      for (const auto& h : msg.headers) {
        if (iequals(h.name, names[i]) && h.name != names[i]) {
          copy[i] = std::string(h.name) + lines[i].substr(names[i].size());
          changed = true;
          break;
        }
      }
    }
    if (changed) {
      add(causes::kHeaderNameCase,
          "The header names in the signed string are not lower-case; write each line as "
          "lower-case-name: value.",
          prefix + join(copy, "\n"));
    }
  }

  // Another order of the same lines.
  const std::string order_hint_what = jws ? "the sigD pars" : "headers=";
  if (lines.size() > 1) {
    std::vector<std::size_t> perm(lines.size());
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    auto describe = [&](const std::vector<std::size_t>& p) {
      std::string names_in_order;
      for (auto i : p) {
        if (!names_in_order.empty()) names_in_order += ' ';
        names_in_order += names[i];
      }
      std::string expected;
      for (const auto& n : names) {
        if (!expected.empty()) expected += ' ';
        expected += n;
      }
      return fmt::format(
          "The headers were signed in the order {} but {} lists {}; sign them in the listed "
          "order.",
          names_in_order, order_hint_what, expected);
    };
    auto emit = [&](const std::vector<std::size_t>& p) {
      std::vector<std::string> copy;
      for (auto i : p) copy.push_back(lines[i]);
      add(causes::kHeaderOrder, describe(p), prefix + join(copy, "\n"));
    };
    if (lines.size() <= 5) {
      while (std::next_permutation(perm.begin(), perm.end())) emit(perm);
      // next_permutation from the sorted start visits every other order once.
    } else {
      for (std::size_t i = 0; i < perm.size(); ++i) {
        for (std::size_t j = i + 1; j < perm.size(); ++j) {
          auto p = perm;
          std::swap(p[i], p[j]);
          emit(p);
        }
      }
      auto sorted = perm;
      std::sort(sorted.begin(), sorted.end(),
                [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
      emit(sorted);
    }
  }

  // A listed header left out of the signed string.
  if (lines.size() > 1) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto copy = lines;
      copy.erase(copy.begin() + static_cast<long>(i));
      add(causes::kHeaderNotSigned,
          fmt::format("'{}' is listed in {} but was not included in the signed string; sign "
                      "every listed header (or remove it from the list).",
                      names[i], order_hint_what),
          prefix + join(copy, "\n"));
    }
  }

  // A header of the request signed but not listed.
  {
    std::vector<std::string> extra_names;
    if (std::find(names.begin(), names.end(), "(request-target)") == names.end()) {
      extra_names.push_back("(request-target)");
    }
    for (const auto& h : msg.headers) {
      std::string n = to_lower(h.name);
      if (n == built.carrier_header) continue;
      if (std::find(names.begin(), names.end(), n) != names.end()) continue;
      if (std::find(extra_names.begin(), extra_names.end(), n) != extra_names.end()) continue;
      extra_names.push_back(n);
    }
    for (const auto& n : extra_names) {
      std::string line;
      if (n == "(request-target)") {
        line =
            fmt::format("(request-target): {} {}", to_lower(msg.method), origin_form(msg.target));
      } else {
        line = n + ": " + msg.signing_value(n).value_or("");
      }
      for (std::size_t pos = 0; pos <= lines.size(); ++pos) {
        auto copy = lines;
        copy.insert(copy.begin() + static_cast<long>(pos), line);
        add(causes::kHeaderNotListed,
            fmt::format("'{}' was included in the signed string but is not listed in {}; list "
                        "every header you sign, in the same order.",
                        n, order_hint_what),
            prefix + join(copy, "\n"));
      }
    }
  }

  if (jws && !prefix.empty()) {
    std::string header_b64 = prefix.substr(0, prefix.size() - 1);
    add(causes::kPayloadEncoded,
        "The signature covers the base64url-encoded header string, as for b64:true; with "
        "b64:false the signing input is the protected header, a dot and the header string "
        "unencoded (a JOSE library honours b64 only when crit lists it).",
        prefix + base64url_encode(as_bytes(body)));
    std::string padded = header_b64;
    while (padded.size() % 4 != 0) padded.push_back('=');
    if (padded != header_b64) {
      add(causes::kProtectedHeaderDiffers,
          "The signing input used the protected header with its base64 padding (=); strip the "
          "padding in the signing input as in the header sent (tr -d '=').",
          padded + "." + body);
    }
    std::string std_alphabet = padded;
    std::replace(std_alphabet.begin(), std_alphabet.end(), '-', '+');
    std::replace(std_alphabet.begin(), std_alphabet.end(), '_', '/');
    if (std_alphabet != padded) {
      add(causes::kProtectedHeaderDiffers,
          "The signing input used the protected header in standard base64 (+ / =) instead of "
          "base64url; translate it with tr '/+' '_-' and tr -d '=' before signing.",
          std_alphabet + "." + body);
    }
  }
  return out;
}

// Checks a candidate string quickly for one verifier: a PKCS#1 v1.5 signature already told us
// its digest, so a hash comparison replaces the RSA operation.
class Matcher {
 public:
  Matcher(const crypto::PublicKey& key, const Verifier& v, std::span<const std::uint8_t> sig,
          const RsaForm* form)
      : key_(key), v_(v), sig_(sig), form_(form) {}
  bool operator()(std::string_view input) const {
    if (form_ && form_->kind == RsaForm::Pkcs1 && !form_->pkcs1_sha1 &&
        v_.alg.scheme == crypto::SignatureScheme::RsaPkcs1v15) {
      return form_->hash == v_.alg.hash &&
             crypto::hash(v_.alg.hash, as_bytes(input)) == form_->pkcs1_digest;
    }
    return verify_with(key_, v_, input, sig_);
  }

 private:
  const crypto::PublicKey& key_;
  const Verifier& v_;
  std::span<const std::uint8_t> sig_;
  const RsaForm* form_;
};

std::string_view hash_bits(crypto::HashAlgorithm h) {
  return h == crypto::HashAlgorithm::Sha256   ? "256"
         : h == crypto::HashAlgorithm::Sha384 ? "384"
                                              : "512";
}

// "PS384 (RSASSA-PSS with SHA-384, salt length 222)" / "rsa-sha512 (RSASSA-PKCS1-v1_5 ...)".
std::string form_name(const RsaForm& f, bool jws) {
  if (f.kind == RsaForm::Pkcs1) {
    if (f.pkcs1_sha1) return "RSASSA-PKCS1-v1_5 with SHA-1";
    std::string name =
        jws ? fmt::format("RS{}", hash_bits(f.hash)) : fmt::format("rsa-sha{}", hash_bits(f.hash));
    return fmt::format("{} (RSASSA-PKCS1-v1_5 with {})", name, hash_name(f.hash));
  }
  std::string name = jws ? fmt::format("PS{} ", hash_bits(f.hash))
                         : (f.hash == crypto::HashAlgorithm::Sha512 ? "hs2019 " : "");
  return fmt::format("{}(RSASSA-PSS with {}, salt length {})", name, hash_name(f.hash), f.pss_salt);
}

}  // namespace

std::string BuiltString::joined() const {
  return join(lines, "\n");
}

BuiltString build_lines(const MessageView& message, std::span<const std::string> names,
                        const std::optional<std::string>& created,
                        const std::optional<std::string>& expires, std::string* missing) {
  BuiltString built;
  built.names.reserve(names.size());
  built.lines.reserve(names.size());
  for (const auto& raw : names) {
    std::string name = ascii_to_lower(raw);
    std::string line;
    if (name == "(request-target)") {
      std::string_view target = origin_form(message.target);
      line.reserve(20 + target.size());
      line = "(request-target): ";
      append_ascii_lower(line, message.method);
      line += ' ';
      line += target;
    } else if (name == "(created)" || name == "(expires)") {
      const auto& value = name == "(created)" ? created : expires;
      if (!value) {
        if (missing && missing->empty()) *missing = name;
        continue;
      }
      line = name + ": " + *value;
    } else {
      auto value = message.signing_value(name);
      if (!value) {
        if (missing && missing->empty()) *missing = name;
        continue;
      }
      line.reserve(name.size() + 2 + value->size());
      line = name;
      line += ": ";
      line += *value;
    }
    built.names.push_back(std::move(name));
    built.lines.push_back(std::move(line));
  }
  return built;
}

bool append_signing_string(const MessageView& message, std::span<const std::string> names,
                           const std::optional<std::string>& created,
                           const std::optional<std::string>& expires, std::string& out,
                           std::string* missing) {
  auto absent = [&](std::string_view raw) {
    if (missing && missing->empty()) *missing = ascii_to_lower(raw);
    return false;
  };
  bool first = true;
  for (const auto& raw : names) {
    if (!first) out.push_back('\n');
    first = false;
    // The pseudo-header names are lower-case, so comparing without case is comparing the
    // lower-cased name.
    if (ascii_iequals(raw, "(request-target)")) {
      out.append("(request-target): ");
      append_ascii_lower(out, message.method);
      out.push_back(' ');
      out.append(origin_form(message.target));
    } else if (ascii_iequals(raw, "(created)") || ascii_iequals(raw, "(expires)")) {
      const auto& value = ascii_iequals(raw, "(created)") ? created : expires;
      if (!value) return absent(raw);
      append_ascii_lower(out, raw);
      out.append(": ");
      out.append(*value);
    } else {
      append_ascii_lower(out, raw);
      out.append(": ");
      if (!message.append_signing_value(raw, out)) return absent(raw);
    }
  }
  return true;
}

std::string_view hash_name(crypto::HashAlgorithm h) {
  switch (h) {
    case crypto::HashAlgorithm::Sha256:
      return "SHA-256";
    case crypto::HashAlgorithm::Sha384:
      return "SHA-384";
    case crypto::HashAlgorithm::Sha512:
      return "SHA-512";
  }
  return "?";
}

bool verify_with(const crypto::PublicKey& key, const Verifier& v, std::string_view input,
                 std::span<const std::uint8_t> signature) {
  try {
    if (v.alg.scheme == crypto::SignatureScheme::Ecdsa && v.ecdsa_raw) {
      auto der = crypto::ecdsa_raw_to_der(signature);
      return der && crypto::verify(key, v.alg, as_bytes(input), *der);
    }
    return crypto::verify(key, v.alg, as_bytes(input), signature);
  } catch (...) {
    return false;
  }
}

RsaForm inspect_rsa(const crypto::PublicKey& key, std::span<const std::uint8_t> signature) {
  RsaForm form;
  if (key.type() != crypto::KeyType::Rsa) return form;
  auto em_full = rsa_public_operation(key, signature);
  if (!em_full) return form;
  const Bytes& m = *em_full;
  const std::size_t k = m.size();

  // RSASSA-PKCS1-v1_5: 00 01 FF..FF 00 DigestInfo
  if (k > 11 && m[0] == 0x00 && m[1] == 0x01) {
    std::size_t i = 2;
    while (i < k && m[i] == 0xff) ++i;
    if (i < k && m[i] == 0x00 && i - 2 >= 8) {
      std::span<const std::uint8_t> t(m.data() + i + 1, k - i - 1);
      for (const auto& p : kPrefixes) {
        if (t.size() == p.size + p.digest_size &&
            std::equal(p.bytes.begin(), p.bytes.begin() + p.size, t.begin())) {
          form.kind = RsaForm::Pkcs1;
          form.hash = p.hash;
          form.pkcs1_sha1 = p.sha1;
          form.pkcs1_digest.assign(t.begin() + static_cast<long>(p.size), t.end());
          return form;
        }
      }
    }
  }

  // RSASSA-PSS (RFC 8017 §9.1.2): EM = maskedDB || H || 0xbc, emBits = modBits - 1.
  const std::size_t mod_bits = static_cast<std::size_t>(key.bits());
  const std::size_t em_bits = mod_bits - 1;
  const std::size_t em_len = (em_bits + 7) / 8;
  std::span<const std::uint8_t> em(m.data() + (k - em_len), em_len);
  if (k > em_len && m[0] != 0) return form;
  if (em.back() != 0xbc) return form;
  const unsigned top_bits = static_cast<unsigned>(8 * em_len - em_bits);
  const std::uint8_t top_mask = static_cast<std::uint8_t>(0xff << (8 - top_bits));
  if (top_bits && (em[0] & top_mask) != 0) return form;
  for (auto h : {crypto::HashAlgorithm::Sha256, crypto::HashAlgorithm::Sha384,
                 crypto::HashAlgorithm::Sha512}) {
    std::size_t h_len = crypto::hash_size(h);
    if (em_len < h_len + 2) continue;
    std::size_t db_len = em_len - h_len - 1;
    std::span<const std::uint8_t> hash_part(em.data() + db_len, h_len);
    Bytes db = mgf1(h, hash_part, db_len);
    for (std::size_t i = 0; i < db_len; ++i) db[i] ^= em[i];
    if (top_bits) db[0] &= static_cast<std::uint8_t>(~top_mask);
    std::size_t j = 0;
    while (j < db_len && db[j] == 0) ++j;
    if (j < db_len && db[j] == 0x01) {
      form.kind = RsaForm::Pss;
      form.hash = h;
      form.pss_salt = db_len - j - 1;
      return form;
    }
  }
  return form;
}

Finding troubleshoot(const MessageView& message, const BuiltString& built,
                     const crypto::PublicKey& key, const Verifier& claimed,
                     std::span<const Verifier> family, std::span<const std::uint8_t> signature,
                     bool jws) {
  const std::string exact = built.prefix + built.joined();
  const std::string what = jws ? "alg" : "algorithm";

  // RSA tells us whether the key fits at all, and which padding and hash were used.
  std::optional<RsaForm> form;
  if (key.type() == crypto::KeyType::Rsa) {
    form = inspect_rsa(key, signature);
    if (form->kind == RsaForm::Unrecognised) {
      if (message.client_certificate) {
        auto tls_key = message.client_certificate->public_key();
        if (tls_key.type() == crypto::KeyType::Rsa &&
            inspect_rsa(tls_key, signature).kind != RsaForm::Unrecognised) {
          return {std::string(causes::kSignedWithTlsKey),
                  "The signature was made with the private key of the TLS client certificate "
                  "(example_client_tls.key); sign with the key of the signing certificate "
                  "(example_client_signing.key)."};
        }
      }
      return {std::string(causes::kWrongKey),
              jws ? "The signature was not made with the private key of the certificate that "
                    "x5t#S256 identifies (TPP-Signature-Certificate); sign with the key that "
                    "belongs to that certificate."
                  : "The signature was not made with the private key of the certificate the keyId "
                    "identifies; sign with the key that belongs to that certificate."};
    }
  }

  // The verifier matching what the RSA signature actually is, if it differs from the claim.
  const Verifier* actual = &claimed;
  Verifier detected;
  if (form) {
    crypto::SignatureScheme scheme = form->kind == RsaForm::Pkcs1
                                         ? crypto::SignatureScheme::RsaPkcs1v15
                                         : crypto::SignatureScheme::RsaPss;
    if (form->kind == RsaForm::Pkcs1 && form->pkcs1_sha1) {
      return {std::string(causes::kAlgorithmMismatch),
              fmt::format("The signature uses RSASSA-PKCS1-v1_5 with SHA-1, but {} says {}; sign "
                          "with openssl dgst -sha256.",
                          what, claimed.name)};
    }
    if (scheme != claimed.alg.scheme || form->hash != claimed.alg.hash) {
      detected = Verifier{{scheme, form->hash}, false, form_name(*form, jws)};
      actual = &detected;
    }
  }

  auto mismatch_text = [&](const Verifier& used) {
    bool padding = used.alg.scheme != claimed.alg.scheme;
    std::string advice;
    if (padding && claimed.alg.scheme == crypto::SignatureScheme::RsaPss) {
      advice = " (add -sigopt rsa_padding_mode:pss to openssl dgst)";
    } else if (padding && claimed.alg.scheme == crypto::SignatureScheme::RsaPkcs1v15) {
      advice = " (drop -sigopt rsa_padding_mode:pss from openssl dgst)";
    }
    return std::make_pair(
        std::string(padding ? causes::kPaddingMismatch : causes::kAlgorithmMismatch),
        fmt::format("{} says {} but the signature was made with {}; make them agree{}.", what,
                    claimed.name, used.name, advice));
  };

  // 1. The exact string under another algorithm of the family.
  if (actual != &claimed) {
    if (Matcher(key, *actual, signature, &*form)(exact)) {
      auto [cause, hint] = mismatch_text(*actual);
      return {cause, hint};
    }
  } else {
    for (const auto& v : family) {
      if (v.name == claimed.name) continue;
      if (verify_with(key, v, exact, signature)) {
        auto [cause, hint] = mismatch_text(v);
        return {cause, hint};
      }
    }
  }

  // 2. The known mistakes in building the string.
  const bool cheap = form.has_value();
  const std::size_t cap = cheap ? 600 : 150;
  Matcher matches(key, *actual, signature, form ? &*form : nullptr);
  for (const auto& c : candidates(message, built, jws, cap)) {
    if (matches(c.input)) {
      std::string hint = c.hint;
      if (actual != &claimed) {
        hint += " " + mismatch_text(*actual).second;
      }
      return {std::string(c.cause), hint};
    }
  }

  // 3. Nothing reproduces it.
  if (!form && message.client_certificate) {
    auto tls_key = message.client_certificate->public_key();
    for (const auto& v : family) {
      if (verify_with(tls_key, v, exact, signature)) {
        return {std::string(causes::kSignedWithTlsKey),
                "The signature was made with the private key of the TLS client certificate; "
                "sign with the key of the signing certificate."};
      }
    }
  }
  if (form) {
    std::string hint = fmt::format(
        "The signature was made with the certificate's key ({}) but over other bytes than the "
        "signing string below: a header value, the method or the path differs from what was "
        "signed. Compare your signing string with this one line by line.",
        form_name(*form, jws));
    if (actual != &claimed) hint += " " + mismatch_text(*actual).second;
    return {std::string(causes::kSignedBytesDiffer), hint};
  }
  return {std::string(),
          "None of the known mistakes reproduces the signature: either it was made with another "
          "private key than the certificate's, or over other bytes than the signing string below. "
          "Compare your signing string with this one line by line."};
}

}  // namespace sandbank::signing::detail
