#include "signing/tpp_certificate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "signing/ascii.hpp"

namespace sandbank::signing {
namespace {

std::string_view strip_zeros(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

bool is_hex_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string canonical_attribute(std::string_view type) {
  std::string t = to_upper(trim_ows(type));
  if (t.starts_with("OID.")) t = t.substr(4);
  if (t == "S" || t == "STATEORPROVINCENAME") return "ST";
  if (t == "E" || t == "EMAIL") return "EMAILADDRESS";
  if (t == "2.5.4.97") return "ORGANIZATIONIDENTIFIER";
  if (t == "2.5.4.3" || t == "COMMONNAME") return "CN";
  if (t == "2.5.4.6" || t == "COUNTRYNAME") return "C";
  if (t == "2.5.4.10" || t == "ORGANIZATIONNAME") return "O";
  if (t == "2.5.4.11" || t == "ORGANIZATIONALUNITNAME") return "OU";
  if (t == "2.5.4.7" || t == "LOCALITYNAME") return "L";
  if (t == "SERIALNUMBER") return "2.5.4.5";
  return t;
}

// Splits a DN ("CN=a,OU=b" or "/C=NL/O=b") into canonical "TYPE=value" strings.
std::vector<std::string> dn_parts(std::string_view dn) {
  dn = trim_ows(dn);
  std::vector<std::string> raw;
  std::string current;
  bool slash_form = !dn.empty() && dn.front() == '/';
  if (slash_form) dn.remove_prefix(1);
  for (std::size_t i = 0; i < dn.size(); ++i) {
    char c = dn[i];
    if (c == '\\' && i + 1 < dn.size()) {
      current.push_back(dn[++i]);
      continue;
    }
    bool sep = slash_form ? c == '/' : (c == ',' || c == ';' || c == '+');
    if (sep) {
      raw.push_back(current);
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  raw.push_back(current);
  std::vector<std::string> out;
  for (const auto& part : raw) {
    auto eq = part.find('=');
    if (eq == std::string::npos) {
      if (!trim_ows(part).empty()) out.push_back(to_upper(trim_ows(part)));
      continue;
    }
    out.push_back(canonical_attribute(std::string_view(part).substr(0, eq)) + "=" +
                  to_upper(trim_ows(std::string_view(part).substr(eq + 1))));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

CertificateResult parse_tpp_certificate(std::string_view value) {
  CertificateResult r;
  if (value.find("PRIVATE KEY") != std::string_view::npos ||
      value.find("PRIVATE%20KEY") != std::string_view::npos) {
    r.diagnosis = Diagnosis::bad_request(
        std::string(codes::kCertificateMalformed),
        "TPP-Signature-Certificate contains a PRIVATE KEY: send the certificate "
        "(example_client_signing.cer), never the key, and replace the key you just exposed");
    return r;
  }
  if (value.find("BEGIN PUBLIC KEY") != std::string_view::npos ||
      value.find("BEGIN RSA PUBLIC KEY") != std::string_view::npos) {
    r.diagnosis = Diagnosis::bad_request(
        std::string(codes::kCertificateMalformed),
        "TPP-Signature-Certificate contains a bare public key; send the X.509 certificate");
    return r;
  }
  try {
    r.certificate = crypto::Certificate::from_header_value(value);
  } catch (const Error& e) {
    r.diagnosis = Diagnosis::bad_request(std::string(codes::kCertificateMalformed),
                                         "TPP-Signature-Certificate: " + e.message());
    if (!e.diagnostic().empty()) r.diagnosis.fact("parser", e.diagnostic());
  }
  return r;
}

CertificateResult CertificateCache::parse(std::string_view header_value) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(header_value); it != entries_.end()) {
      CertificateResult hit;
      hit.certificate = it->second;
      return hit;
    }
  }
  CertificateResult r = parse_tpp_certificate(header_value);
  if (r.certificate && capacity_ > 0) {
    std::string key(header_value);
    std::lock_guard lock(mutex_);
    if (entries_.emplace(key, *r.certificate).second) {
      order_.push_back(std::move(key));
      while (order_.size() > capacity_) {
        entries_.erase(order_.front());
        order_.pop_front();
      }
    }
  }
  return r;
}

std::size_t CertificateCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

CertificateResult tpp_signature_certificate(const MessageView& message, CertificateCache* cache) {
  std::size_t count = 0;
  std::string_view value;
  for (const auto& h : message.headers) {
    if (detail::ascii_iequals(h.name, "tpp-signature-certificate") && count++ == 0) {
      value = h.value;
    }
  }
  if (count == 0) {
    CertificateResult r;
    r.diagnosis = Diagnosis::bad_request(
        std::string(codes::kCertificateMissing),
        "The TPP-Signature-Certificate header is missing; send the signing certificate "
        "(example_client_signing.cer) as one line, its line breaks removed with tr -d");
    return r;
  }
  if (count > 1) {
    CertificateResult r;
    r.diagnosis = Diagnosis::bad_request(std::string(codes::kCertificateMalformed),
                                         "TPP-Signature-Certificate is sent more than once");
    return r;
  }
  return cache ? cache->parse(value) : parse_tpp_certificate(value);
}

std::string tpp_certificate_header_value(const crypto::Certificate& certificate) {
  std::string pem = certificate.pem();
  std::erase_if(pem, [](char c) { return c == '\n' || c == '\r'; });
  return pem;
}

std::optional<SerialKeyId> parse_serial_key_id(std::string_view key_id) {
  std::string_view s = trim_ows(key_id);
  if (!istarts_with(s, "SN=")) return std::nullopt;
  s.remove_prefix(3);
  SerialKeyId out;
  auto comma = s.find(',');
  std::string_view serial = trim_ows(s.substr(0, comma));
  if (comma != std::string_view::npos) {
    std::string_view rest = trim_ows(s.substr(comma + 1));
    if (!istarts_with(rest, "CA=")) return std::nullopt;
    out.issuer = std::string(trim_ows(rest.substr(3)));
  }
  out.serial = std::string(serial);
  return out;
}

std::string serial_key_id(const crypto::Certificate& certificate, bool with_issuer) {
  std::string out = "SN=" + certificate.serial_hex();
  if (with_issuer) out += ",CA=" + certificate.issuer();
  return out;
}

bool serial_matches(std::string_view key_id_serial, std::string_view certificate_serial_hex) {
  key_id_serial = trim_ows(key_id_serial);
  if (istarts_with(key_id_serial, "0x")) key_id_serial.remove_prefix(2);
  if (!is_hex_digits(key_id_serial) || !is_hex_digits(certificate_serial_hex)) return false;
  return iequals(strip_zeros(key_id_serial), strip_zeros(certificate_serial_hex));
}

bool same_distinguished_name(std::string_view a, std::string_view b) {
  return dn_parts(a) == dn_parts(b);
}

}  // namespace sandbank::signing
