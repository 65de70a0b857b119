// Micro benchmarks of the signing library: sign and verify of each scheme, next to the one
// RSA operation each of them needs (bench/run.sh prints `openssl speed rsa2048` beside them).

#include <benchmark/benchmark.h>

#include <chrono>

#include "core/clock.hpp"
#include "core/time_format.hpp"
#include "crypto/pki.hpp"
#include "crypto/signature.hpp"
#include "signing/signing.hpp"

namespace sandbank::signing {
namespace {

TimePoint now() {
  return *parse_rfc3339("2026-11-24T10:00:00Z");
}

struct Pair {
  crypto::Certificate cert;
  crypto::PrivateKey key;
};

Pair issue(const crypto::Certificate& ca, const crypto::PrivateKey& ca_key, crypto::PrivateKey key,
           std::uint8_t serial_byte) {
  crypto::IssueRequest r;
  r.profile = crypto::CertificateProfile::Qsealc;
  r.common_name = "Bench TPP";
  r.organization = "Sandbank Bench";
  r.organization_identifier = "PSDNL-SBX-1234512345";
  r.roles = {crypto::Psd2Role::AccountInformation};
  r.serial = Bytes{0x49, 0xBA, 0x5C, serial_byte};
  r.not_before = now() - std::chrono::hours(24);
  r.not_after = now() + std::chrono::hours(24 * 365);
  auto cert = crypto::issue_certificate(r, key.public_key(), ca, ca_key);
  return Pair{std::move(cert), std::move(key)};
}

struct Fixture {
  crypto::PrivateKey ca_key = crypto::PrivateKey::generate_rsa(2048);
  crypto::Certificate ca = [this] {
    crypto::IssueRequest r;
    r.profile = crypto::CertificateProfile::RootCa;
    r.common_name = "Bench CA";
    r.serial = Bytes{1};
    r.not_before = now() - std::chrono::hours(24);
    r.not_after = now() + std::chrono::hours(24 * 3650);
    return crypto::issue_certificate(r, ca_key.public_key(), std::nullopt, ca_key);
  }();
  Pair rsa = issue(ca, ca_key, crypto::PrivateKey::generate_rsa(2048), 0x71);
  Pair ec = issue(ca, ca_key, crypto::PrivateKey::generate_ec_p256(), 0x72);
};

const Fixture& fx() {
  static const Fixture f;
  return f;
}

const std::vector<std::string> kHeaders = {"(request-target)", "date", "digest"};

Message token_request(const crypto::Certificate& cert) {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/token";
  m.body = "grant_type=client_credentials";
  m.add("Accept", "application/json");
  m.add("Content-Type", "application/x-www-form-urlencoded");
  m.add("Digest", make_digest(m.body));
  m.add("Date", format_imf_fixdate(now()));
  m.add("TPP-Signature-Certificate", tpp_certificate_header_value(cert));
  return m;
}

Message registration_request(const crypto::Certificate& cert) {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/applications";
  m.body = R"({"contact":"tpp@example.com","redirect_uris":["https://example.com/redirect"]})";
  m.add("Content-Type", "application/json");
  m.add("Digest", make_digest(m.body));
  m.add("TPP-Signature-Certificate", tpp_certificate_header_value(cert));
  return m;
}

// --- baselines --------------------------------------------------------------------------------

void BM_RsaPkcs1Verify_Baseline(benchmark::State& state) {
  auto pub = fx().rsa.cert.public_key();
  std::string data = "(request-target): post /oauth2/token";
  crypto::SignatureAlgorithm alg{crypto::SignatureScheme::RsaPkcs1v15,
                                 crypto::HashAlgorithm::Sha256};
  auto sig = crypto::sign(fx().rsa.key, alg, as_bytes(data));
  for (auto _ : state) benchmark::DoNotOptimize(crypto::verify(pub, alg, as_bytes(data), sig));
}
BENCHMARK(BM_RsaPkcs1Verify_Baseline);

void BM_RsaPkcs1Sign_Baseline(benchmark::State& state) {
  std::string data = "(request-target): post /oauth2/token";
  crypto::SignatureAlgorithm alg{crypto::SignatureScheme::RsaPkcs1v15,
                                 crypto::HashAlgorithm::Sha256};
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sign(fx().rsa.key, alg, as_bytes(data)));
}
BENCHMARK(BM_RsaPkcs1Sign_Baseline);

void BM_TppCertificateParse(benchmark::State& state) {
  std::string value = tpp_certificate_header_value(fx().rsa.cert);
  for (auto _ : state) benchmark::DoNotOptimize(parse_tpp_certificate(value));
}
BENCHMARK(BM_TppCertificateParse);

// --- Digest and Date ----------------------------------------------------------------------------

void BM_DigestMake(benchmark::State& state) {
  std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(make_digest(body));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_DigestMake)->Arg(64)->Arg(4096);

void BM_DigestVerify(benchmark::State& state) {
  Message m;
  m.body = std::string(static_cast<std::size_t>(state.range(0)), 'x');
  m.add("Digest", make_digest(m.body));
  auto v = m.view();
  for (auto _ : state) benchmark::DoNotOptimize(verify_digest(v));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_DigestVerify)->Arg(64)->Arg(4096);

void BM_DateCheck(benchmark::State& state) {
  ManualClock clock(now());
  Message m;
  m.add("Date", format_imf_fixdate(now()));
  auto v = m.view();
  for (auto _ : state) benchmark::DoNotOptimize(check_date(v, clock));
}
BENCHMARK(BM_DateCheck);

// --- HTTP Signature -----------------------------------------------------------------------------

void BM_HttpSignatureSign_RsaSha256(benchmark::State& state) {
  Message m = token_request(fx().rsa.cert);
  auto v = m.view();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sign_http_signature(
        v, "SN=49BA5C71", HttpSignatureAlgorithm::RsaSha256, kHeaders, fx().rsa.key));
  }
}
BENCHMARK(BM_HttpSignatureSign_RsaSha256);

// The parts of a verification around the RSA operation, one at a time.
void BM_SignatureParamsParse(benchmark::State& state) {
  Message m = token_request(fx().rsa.cert);
  std::string params =
      sign_http_signature(m.view(), "5ca1ab1e-c0ca-c01a-cafe-154deadbea75",
                          HttpSignatureAlgorithm::RsaSha256, kHeaders, fx().rsa.key);
  for (auto _ : state) benchmark::DoNotOptimize(parse_signature_params(params));
}
BENCHMARK(BM_SignatureParamsParse);

void BM_SigningStringBuild(benchmark::State& state) {
  Message m = token_request(fx().rsa.cert);
  auto v = m.view();
  for (auto _ : state) benchmark::DoNotOptimize(build_signing_string(v, kHeaders));
}
BENCHMARK(BM_SigningStringBuild);

// The application-token request: keyId SN=..., certificate parsed from TPP-Signature-Certificate.
void BM_HttpSignatureVerify_TokenRequest(benchmark::State& state) {
  ManualClock clock(now());
  Message m = token_request(fx().rsa.cert);
  m.add("Authorization", "Signature " + sign_http_signature(m.view(), "SN=49BA5C71",
                                                            HttpSignatureAlgorithm::RsaSha256,
                                                            kHeaders, fx().rsa.key));
  auto v = m.view();
  // Arg 1: the resolver's certificate cache (a TPP sends the same certificate every time);
  // Arg 0: no cache, the certificate parsed on every request.
  auto resolver = tpp_certificate_key_resolver(
      true, std::make_shared<CertificateCache>(state.range(0) ? 256 : 0));
  HttpSignaturePolicy policy;
  policy.carrier = SignatureCarrier::Authorization;
  for (auto _ : state) {
    auto r = verify_http_signature(v, policy, resolver, clock);
    if (!r.ok) state.SkipWithError("did not verify");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HttpSignatureVerify_TokenRequest)->ArgName("cached")->Arg(1)->Arg(0);

// Later calls: keyId = client_id, the registered certificate already parsed.
void BM_HttpSignatureVerify_RegisteredKey(benchmark::State& state) {
  ManualClock clock(now());
  Message m = token_request(fx().rsa.cert);
  m.remove("TPP-Signature-Certificate");
  m.add("Signature",
        sign_http_signature(m.view(), "5ca1ab1e-c0ca-c01a-cafe-154deadbea75",
                            HttpSignatureAlgorithm::RsaSha256, kHeaders, fx().rsa.key));
  auto v = m.view();
  const crypto::Certificate cert = fx().rsa.cert;
  auto resolver = registered_key_resolver(
      [&](std::string_view) -> std::optional<crypto::Certificate> { return cert; });
  for (auto _ : state) {
    auto r = verify_http_signature(v, {}, resolver, clock);
    if (!r.ok) state.SkipWithError("did not verify");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HttpSignatureVerify_RegisteredKey);

void BM_HttpSignatureVerify_EcdsaP256(benchmark::State& state) {
  ManualClock clock(now());
  Message m = token_request(fx().ec.cert);
  m.add("Signature", sign_http_signature(m.view(), "app", HttpSignatureAlgorithm::EcdsaSha256,
                                         kHeaders, fx().ec.key));
  auto v = m.view();
  const crypto::Certificate cert = fx().ec.cert;
  auto resolver = registered_key_resolver(
      [&](std::string_view) -> std::optional<crypto::Certificate> { return cert; });
  for (auto _ : state) {
    auto r = verify_http_signature(v, {}, resolver, clock);
    if (!r.ok) state.SkipWithError("did not verify");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HttpSignatureVerify_EcdsaP256);

// A failing request with the detailed diagnosis (the re-checks run only here).
void BM_HttpSignatureVerify_FailureDiagnosed(benchmark::State& state) {
  ManualClock clock(now());
  Message m = token_request(fx().rsa.cert);
  std::string s = build_signing_string(m.view(), kHeaders) + "\n";  // trailing LF
  auto sig = crypto::sign(fx().rsa.key,
                          {crypto::SignatureScheme::RsaPkcs1v15, crypto::HashAlgorithm::Sha256},
                          as_bytes(s));
  m.add("Authorization",
        "Signature keyId=\"SN=49BA5C71\",algorithm=\"rsa-sha256\",headers=\"(request-target) "
        "date digest\",signature=\"" +
            base64_encode(sig) + "\"");
  auto v = m.view();
  auto resolver = tpp_certificate_key_resolver();
  HttpSignaturePolicy policy;
  policy.detailed = state.range(0) != 0;
  for (auto _ : state) {
    auto r = verify_http_signature(v, policy, resolver, clock);
    if (r.ok) state.SkipWithError("verified");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HttpSignatureVerify_FailureDiagnosed)->Arg(1)->Arg(0);

// --- Detached JWS -------------------------------------------------------------------------------

void BM_JwsSign(benchmark::State& state, const char* alg, bool ec) {
  const Pair& p = ec ? fx().ec : fx().rsa;
  Message m = registration_request(p.cert);
  auto v = m.view();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sign_detached_jws(v, kGuidePars, alg, p.key, p.cert, now()));
  }
}
BENCHMARK_CAPTURE(BM_JwsSign, PS256, "PS256", false);
BENCHMARK_CAPTURE(BM_JwsSign, ES256, "ES256", true);

void BM_JwsVerify(benchmark::State& state, const char* alg, bool ec, bool parse_certificate) {
  ManualClock clock(now());
  const Pair& p = ec ? fx().ec : fx().rsa;
  Message m = registration_request(p.cert);
  m.add("x-jws-signature", sign_detached_jws(m.view(), kGuidePars, alg, p.key, p.cert, now()));
  auto v = m.view();
  JwsPolicy policy;
  CertificateCache cache;
  for (auto _ : state) {
    auto r = parse_certificate ? verify_detached_jws(v, policy, clock)
                               : verify_detached_jws(v, policy, clock, &cache);
    if (!r.ok) state.SkipWithError("did not verify");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_JwsVerify, PS256_certificate_header_uncached, "PS256", false, true);
BENCHMARK_CAPTURE(BM_JwsVerify, PS256_certificate_header_cached, "PS256", false, false);
BENCHMARK_CAPTURE(BM_JwsVerify, ES256_certificate_header_cached, "ES256", true, false);

}  // namespace
}  // namespace sandbank::signing

BENCHMARK_MAIN();
