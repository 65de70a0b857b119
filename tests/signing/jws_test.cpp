#include "signing/jws.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature.hpp"
#include "signing/troubleshoot.hpp"
#include "signing_test_support.hpp"

namespace sandbank::signing {
namespace {

using crypto::HashAlgorithm;
using crypto::SignatureScheme;
using testing::clean;
using testing::pki;
using testing::t0;

const std::vector<std::string>& pars() {
  return kGuidePars;
}

std::string guide_header(
    std::string_view x5t, std::string_view sigt, std::string_view alg,
    std::string_view pars_json = R"~("(request-target)", "digest", "content-type")~") {
  // The guide's own JSON, spaces included.
  return fmt::format(
      R"~({{ "b64":false, "x5t#S256":"{}","crit":[ "sigT", "sigD", "b64"], "sigT":"{}","sigD":{{"pars":[ {} ],"mId":"http://uri.etsi.org/19182/HttpHeaders"}},"alg":"{}"}})~",
      x5t, sigt, pars_json, alg);
}

// A JWS over an arbitrary protected header, signed over `signed_string` (or the right one).
std::string make_jws(std::string_view header_json, const crypto::PrivateKey& key,
                     crypto::SignatureAlgorithm alg, std::string_view signed_string,
                     std::size_t ec_field = 32) {
  std::string header_b64 = base64url_encode(as_bytes(header_json));
  std::string input = header_b64 + "." + std::string(signed_string);
  Bytes sig = crypto::sign(key, alg, as_bytes(input));
  if (alg.scheme == SignatureScheme::Ecdsa) sig = *crypto::ecdsa_der_to_raw(sig, ec_field);
  return header_b64 + ".." + base64url_encode(sig);
}

JwsResult verify(const Message& m, JwsPolicy policy = {}, TimePoint now = t0()) {
  ManualClock clock(now);
  return verify_detached_jws(m.view(), policy, clock);
}

void expect_code(const JwsResult& r, std::string_view code, int status) {
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, code) << r.message;
  EXPECT_EQ(r.status, status) << r.code;
  EXPECT_TRUE(clean(r.message)) << r.message;
}

std::string signing_string_of(const Message& m) {
  return build_jws_header_string(m.view(), pars());
}

const crypto::SignatureAlgorithm kPs256{SignatureScheme::RsaPss, HashAlgorithm::Sha256};

// ---------------------------------------------------------------------------------------------

TEST(Jws, SignsAndVerifiesEveryAlgorithm) {
  struct Case {
    const char* alg;
    const testing::KeyPair* pair;
    std::size_t signature_bytes;
  };
  const Case cases[] = {{"PS256", &pki().signing, 256}, {"PS384", &pki().signing, 256},
                        {"PS512", &pki().signing, 256}, {"ES256", &pki().ec256, 64},
                        {"ES384", &pki().ec384, 96},    {"ES512", &pki().ec521, 132}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.alg);
    Message m = testing::registration_request();
    m.set("TPP-Signature-Certificate", tpp_certificate_header_value(c.pair->cert));
    std::string jws = sign_detached_jws(m.view(), pars(), c.alg, c.pair->key, c.pair->cert, t0());
    auto dots = jws.find("..");
    ASSERT_NE(dots, std::string::npos);
    EXPECT_EQ(base64url_decode(jws.substr(dots + 2))->size(), c.signature_bytes);
    m.add("x-jws-signature", jws);
    auto r = verify(m);
    EXPECT_TRUE(r) << r.code << ": " << r.message;
    EXPECT_EQ(r.alg, c.alg);
    EXPECT_EQ(r.pars, pars());
    EXPECT_EQ(r.signing_time, t0());
  }
}

TEST(Jws, HeaderHasTheGuidesShape) {
  Message m = testing::registration_request();
  std::string jws =
      sign_detached_jws(m.view(), pars(), "PS256", pki().signing.key, pki().signing.cert, t0());
  auto header = to_string(*base64url_decode(jws.substr(0, jws.find('.'))));
  EXPECT_EQ(
      header,
      R"~({"b64":false,"x5t#S256":")~" + pki().signing.cert.x5t_s256() +
          R"~(","crit":["sigT","sigD","b64"],"sigT":"2026-11-24T10:00:00Z","sigD":{"pars":["(request-target)","digest","content-type"],"mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"PS256"})~");
}

TEST(Jws, SignerRefusesMismatchedInputs) {
  Message m = testing::registration_request();
  EXPECT_THROW(
      sign_detached_jws(m.view(), pars(), "ES256", pki().signing.key, pki().signing.cert, t0()),
      Error);
  EXPECT_THROW(
      sign_detached_jws(m.view(), pars(), "PS256", pki().other.key, pki().signing.cert, t0()),
      Error);
  EXPECT_THROW(
      sign_detached_jws(m.view(), pars(), "RS256", pki().signing.key, pki().signing.cert, t0()),
      Error);
  std::vector<std::string> with_absent = {"(request-target)", "x-request-id"};
  try {
    sign_detached_jws(m.view(), with_absent, "PS256", pki().signing.key, pki().signing.cert, t0());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "jws.pars_header_absent");
  }
}

TEST(Jws, GuidesHeaderWithSpacesIsUsedAsReceived) {
  Message m = testing::registration_request();
  std::string header = guide_header(pki().signing.cert.x5t_s256(), "2026-11-24T10:00:00Z", "PS256");
  m.add("x-jws-signature", make_jws(header, pki().signing.key, kPs256, signing_string_of(m)));
  auto r = verify(m);
  EXPECT_TRUE(r) << r.message;
  EXPECT_EQ(r.protected_header, header);
}

// standards.md §3.4: ING's example header and body; the signing input is deterministic.
TEST(JwsVectors, IngProfileSigningInput) {
  const std::string header_b64 =
      "eyAiYjY0IjpmYWxzZSwgIng1dCNTMjU2IjoicTNjS0VMazlmNHVyOFlJQzJjNm1lRVFkYndMT2ZwMkF5QVp0RFp3QlF6"
      "dyIsImNyaXQiOlsgInNpZ1QiLCAic2lnRCIsICJiNjQiXSwgInNpZ1QiOiIyMDI2LTExLTI0VDEwOjAwOjAwWiIsInNp"
      "Z0QiOnsicGFycyI6WyAiKHJlcXVlc3QtdGFyZ2V0KSIsICJkaWdlc3QiLCAiY29udGVudC10eXBlIiBdLCJtSWQiOiJo"
      "dHRwOi8vdXJpLmV0c2kub3JnLzE5MTgyL0h0dHBIZWFkZXJzIn0sImFsZyI6IlBTMjU2In0";
  Message m = testing::registration_request();
  EXPECT_EQ(*m.get("Digest"), "SHA-256=SLlA36o+xDPnPxyNDfKB9O8opJCLByDc2kod9qkID6k=");
  std::string input = jws_signing_input(header_b64, signing_string_of(m));
  EXPECT_EQ(input.size(), 483u);
  EXPECT_EQ(hex_encode(crypto::sha256(as_bytes(input))),
            "0894255fca8859c546afc78cf3240b165cb98c16583b272d685d0c0ffdbd7f3b");
  // The header passes every structural check; only the certificate (ING's, not ours) differs.
  m.add("x-jws-signature", header_b64 + "..AAAA");
  auto r = verify(m);
  expect_code(r, "jws.x5t_mismatch", 401);
  EXPECT_EQ(r.fact_value("received"), "q3cKELk9f4ur8YIC2c6meEQdbwLOfp2AyAZtDZwBQzw");
}

// RFC 7797 §4.2: the canonical check of the unencoded signing input (HS256).
TEST(JwsVectors, Rfc7797UnencodedSigningInput) {
  auto key = *base64url_decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  std::string input =
      jws_signing_input("eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19", "$.02");
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  EXPECT_EQ(base64url_encode(std::span<const std::uint8_t>(mac, len)),
            "A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY");
}

// standards.md §3.8: ES256 raw R||S verifies, the same signature in DER does not.
TEST(JwsVectors, Es256RawVersusDer) {
  Bytes spki = *hex_decode("3059301306072a8648ce3d020106082a8648ce3d030107034200");
  spki.push_back(0x04);
  for (auto part : {"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                    "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}) {
    auto b = *base64url_decode(part);
    spki.insert(spki.end(), b.begin(), b.end());
  }
  std::string b64 = base64_encode(spki);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END PUBLIC KEY-----\n";
  auto key = crypto::PublicKey::from_pem(pem);
  std::string input = "eyJhbGciOiJFUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.$.02";
  detail::Verifier es256{{SignatureScheme::Ecdsa, HashAlgorithm::Sha256}, true, "ES256"};
  auto raw = *base64url_decode(
      "FskF9HXEY90WyU0DKZdZquqFkNjZXuVMxhZradlDVLRZ9b2l_GSlNJP8gBwUusvmwuJAl_MiFMdGT3SEibq8Ew");
  EXPECT_TRUE(detail::verify_with(key, es256, input, raw));
  auto der = *base64_decode(
      "MEQCIBbJBfR1xGPdFslNAymXWarqhZDY2V7lTMYWa2nZQ1S0AiBZ9b2l/GSlNJP8gBwUusvmwuJAl/"
      "MiFMdGT3SEibq8Ew==");
  EXPECT_FALSE(detail::verify_with(key, es256, input, der));
}

TEST(Jws, DerEcdsaSignatureIsNamed) {
  Message m = testing::registration_request();
  m.set("TPP-Signature-Certificate", tpp_certificate_header_value(pki().ec256.cert));
  std::string header = guide_header(pki().ec256.cert.x5t_s256(), "2026-11-24T10:00:00Z", "ES256");
  std::string header_b64 = base64url_encode(as_bytes(header));
  Bytes der = crypto::sign(pki().ec256.key, {SignatureScheme::Ecdsa, HashAlgorithm::Sha256},
                           as_bytes(header_b64 + "." + signing_string_of(m)));
  m.add("x-jws-signature", header_b64 + ".." + base64url_encode(der));
  auto r = verify(m);
  expect_code(r, "jws.signature_malformed", 400);
  EXPECT_EQ(r.cause, "ecdsa_der_signature");
}

TEST(Jws, AcceptsIatInsteadOfSigT) {
  Message m = testing::registration_request();
  auto iat = std::chrono::duration_cast<Seconds>(t0().time_since_epoch()).count();
  std::string header = fmt::format(
      R"~({{"b64":false,"x5t#S256":"{}","crit":["sigD","b64"],"iat":{},"sigD":{{"pars":["(request-target)","digest","content-type"],"mId":"http://uri.etsi.org/19182/HttpHeaders"}},"alg":"PS256"}})~",
      pki().signing.cert.x5t_s256(), iat);
  m.add("x-jws-signature", make_jws(header, pki().signing.key, kPs256, signing_string_of(m)));
  EXPECT_TRUE(verify(m));
  JwsPolicy no_iat;
  no_iat.accept_iat = false;
  expect_code(verify(m, no_iat), "jws.sigt_missing", 400);
}

// ---------------------------------------------------------------------------------------------
// Every detail code

struct HeaderCase {
  const char* name;
  std::string header;
  std::string code;
  int status;
};

TEST(JwsCodes, ProtectedHeaderRules) {
  const std::string x5t = pki().signing.cert.x5t_s256();
  const std::string t = "2026-11-24T10:00:00Z";
  const std::string sigd =
      R"~("sigD":{"pars":["(request-target)","digest","content-type"],"mId":"http://uri.etsi.org/19182/HttpHeaders"})~";
  auto hdr = [&](std::string_view crit, std::string_view extra, std::string_view alg = "PS256",
                 std::string_view b64 = "false", std::string_view sigd_part = "") {
    return fmt::format(R"~({{"b64":{},"x5t#S256":"{}",{}"sigT":"{}",{},"alg":"{}"{}}})~", b64, x5t,
                       crit.empty() ? std::string() : std::string(crit) + ",", t,
                       sigd_part.empty() ? sigd : std::string(sigd_part), alg, extra);
  };
  const std::string crit = R"~("crit":["sigT","sigD","b64"])~";
  const std::vector<HeaderCase> cases = {
      {"not JSON", "{b64:false", "jws.header_malformed", 400},
      {"an array", "[1,2]", "jws.header_malformed", 400},
      {"duplicate alg", hdr(crit, R"~(,"alg":"none")~"), "jws.header_duplicate_member", 400},
      {"alg none", hdr(crit, "", "none"), "jws.alg_unsupported", 400},
      {"alg RS256", hdr(crit, "", "RS256"), "jws.alg_unsupported", 400},
      {"alg HS256", hdr(crit, "", "HS256"), "jws.alg_unsupported", 400},
      {"no crit", hdr("", ""), "jws.crit_invalid", 400},
      {"crit without b64", hdr(R"~("crit":["sigT","sigD"])~", ""), "jws.crit_invalid", 400},
      {"crit without sigT", hdr(R"~("crit":["sigD","b64"])~", ""), "jws.crit_invalid", 400},
      {"crit unknown", hdr(R"~("crit":["sigT","sigD","b64","foo"])~", R"~(,"foo":1)~"),
       "jws.crit_invalid", 400},
      {"crit absent member", hdr(R"~("crit":["sigT","sigD","b64","iat"])~", ""), "jws.crit_invalid",
       400},
      {"crit duplicate", hdr(R"~("crit":["sigT","sigD","b64","b64"])~", ""), "jws.crit_invalid",
       400},
      {"crit registered", hdr(R"~("crit":["sigT","sigD","b64","alg"])~", ""), "jws.crit_invalid",
       400},
      {"b64 true", hdr(crit, "", "PS256", "true"), "jws.b64_invalid", 400},
      {"b64 string", hdr(crit, "", "PS256", R"~("false")~"), "jws.b64_invalid", 400},
      {"mId case",
       hdr(crit, "", "PS256", "false",
           R"~("sigD":{"pars":["(request-target)","digest","content-type"],"mId":"HTTP://uri.etsi.org/19182/HttpHeaders"})~"),
       "jws.sigd_invalid", 400},
      {"pars empty",
       hdr(crit, "", "PS256", "false",
           R"~("sigD":{"pars":[],"mId":"http://uri.etsi.org/19182/HttpHeaders"})~"),
       "jws.sigd_invalid", 400},
      {"pars upper-case",
       hdr(crit, "", "PS256", "false",
           R"~("sigD":{"pars":["(request-target)","Digest","content-type"],"mId":"http://uri.etsi.org/19182/HttpHeaders"})~"),
       "jws.sigd_invalid", 400},
      {"hashM",
       hdr(crit, "", "PS256", "false",
           R"~("sigD":{"pars":["(request-target)","digest","content-type"],"hashM":"S256","mId":"http://uri.etsi.org/19182/HttpHeaders"})~"),
       "jws.sigd_invalid", 400},
      {"pars lacks content-type",
       hdr(crit, "", "PS256", "false",
           R"~("sigD":{"pars":["(request-target)","digest"],"mId":"http://uri.etsi.org/19182/HttpHeaders"})~"),
       "jws.header_not_covered", 401},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Message m = testing::registration_request();
    m.add("x-jws-signature", base64url_encode(as_bytes(c.header)) + "..c2ln");
    expect_code(verify(m), c.code, c.status);
  }
}

TEST(JwsCodes, SerialisationRules) {
  Message none = testing::registration_request();
  expect_code(verify(none), "jws.missing", 401);
  auto with = [](std::string value) {
    Message m = testing::registration_request();
    m.add("x-jws-signature", std::move(value));
    return verify(m);
  };
  expect_code(with("abc.def"), "jws.malformed", 400);
  expect_code(with("abc.def.ghi.jkl"), "jws.malformed", 400);
  expect_code(with("eyJhIjoxfQ.eyJhIjoxfQ.c2ln"), "jws.not_detached", 400);
  auto padded = with("eyJhIjoxfQ==..c2ln");
  expect_code(padded, "jws.malformed", 400);
  EXPECT_NE(padded.message.find("padding"), std::string::npos);
  expect_code(with("eyJhIjoxf+/..c2ln"), "jws.malformed", 400);
  Message twice = testing::registration_request();
  twice.add("x-jws-signature", "a..b").add("X-JWS-Signature", "a..b");
  expect_code(verify(twice), "jws.malformed", 400);
}

TEST(JwsCodes, TimeCertificateKeyAndSignature) {
  const std::string x5t = pki().signing.cert.x5t_s256();
  auto signed_with = [&](std::string header, const crypto::PrivateKey& key = pki().signing.key,
                         crypto::SignatureAlgorithm alg = kPs256, std::size_t field = 32) {
    Message m = testing::registration_request();
    m.add("x-jws-signature", make_jws(header, key, alg, signing_string_of(m), field));
    return m;
  };
  // sigT
  auto r = verify(signed_with(guide_header(x5t, "2026-11-24T10:00:00.123Z", "PS256")));
  expect_code(r, "jws.sigt_malformed", 400);
  EXPECT_NE(r.message.find("fraction"), std::string::npos);
  r = verify(signed_with(guide_header(x5t, "2026-11-24T11:00:00+01:00", "PS256")));
  expect_code(r, "jws.sigt_malformed", 400);
  EXPECT_NE(r.message.find("UTC"), std::string::npos);
  r = verify(signed_with(guide_header(x5t, "2026-11-24T10:03:01Z", "PS256")));
  expect_code(r, "jws.sigt_outside_window", 401);
  EXPECT_NE(r.message.find("181 s ahead of the server time 2026-11-24T10:00:00Z"),
            std::string::npos)
      << r.message;
  EXPECT_TRUE(verify(signed_with(guide_header(x5t, "2026-11-24T09:57:00Z", "PS256"))));
  std::string no_sigt = fmt::format(
      R"~({{"b64":false,"x5t#S256":"{}","crit":["sigD","b64"],"sigD":{{"pars":["(request-target)","digest","content-type"],"mId":"http://uri.etsi.org/19182/HttpHeaders"}},"alg":"PS256"}})~",
      x5t);
  expect_code(verify(signed_with(no_sigt)), "jws.sigt_missing", 400);

  // x5t#S256
  std::string no_x5t =
      R"~({"b64":false,"x5t":"abc","crit":["sigT","sigD","b64"],"sigT":"2026-11-24T10:00:00Z","sigD":{"pars":["(request-target)","digest","content-type"],"mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"PS256"})~";
  r = verify(signed_with(no_x5t));
  expect_code(r, "jws.x5t_missing", 400);
  EXPECT_NE(r.message.find("SHA-1"), std::string::npos);
  std::string hex = hex_encode(pki().signing.cert.sha256_fingerprint());
  r = verify(signed_with(guide_header(hex, "2026-11-24T10:00:00Z", "PS256")));
  expect_code(r, "jws.x5t_mismatch", 401);
  EXPECT_EQ(r.cause, "thumbprint_encoding");
  r = verify(
      signed_with(guide_header(pki().signing.cert.x5t_sha1(), "2026-11-24T10:00:00Z", "PS256")));
  EXPECT_EQ(r.cause, "thumbprint_encoding");
  Message tls =
      signed_with(guide_header(pki().tls.cert.x5t_s256(), "2026-11-24T10:00:00Z", "PS256"));
  tls.client_certificate = pki().tls.cert;
  r = verify(tls);
  expect_code(r, "jws.x5t_mismatch", 401);
  EXPECT_EQ(r.cause, "thumbprint_of_tls_certificate");
  r = verify(
      signed_with(guide_header(pki().other.cert.x5t_s256(), "2026-11-24T10:00:00Z", "PS256")));
  expect_code(r, "jws.x5t_mismatch", 401);

  // alg and key
  r = verify(signed_with(guide_header(x5t, "2026-11-24T10:00:00Z", "ES256"), pki().ec256.key,
                         {SignatureScheme::Ecdsa, HashAlgorithm::Sha256}));
  expect_code(r, "jws.alg_key_mismatch", 401);
  Message ec =
      signed_with(guide_header(pki().ec256.cert.x5t_s256(), "2026-11-24T10:00:00Z", "ES384"),
                  pki().ec256.key, {SignatureScheme::Ecdsa, HashAlgorithm::Sha384});
  ec.set("TPP-Signature-Certificate", tpp_certificate_header_value(pki().ec256.cert));
  r = verify(ec);
  expect_code(r, "jws.alg_key_mismatch", 401);
  EXPECT_NE(r.message.find("P-384"), std::string::npos);

  // pars header absent
  std::string with_request_id =
      guide_header(x5t, "2026-11-24T10:00:00Z", "PS256",
                   R"~("(request-target)", "digest", "content-type", "x-request-id")~");
  Message absent = testing::registration_request();
  absent.add("x-jws-signature",
             make_jws(with_request_id, pki().signing.key, kPs256, signing_string_of(absent)));
  r = verify(absent);
  expect_code(r, "jws.pars_header_absent", 401);
  EXPECT_NE(r.message.find("x-request-id"), std::string::npos);

  // signature encoding and value
  Message bad_sig = testing::registration_request();
  bad_sig.add(
      "x-jws-signature",
      base64url_encode(as_bytes(guide_header(x5t, "2026-11-24T10:00:00Z", "PS256"))) + "..c2ln=");
  expect_code(verify(bad_sig), "jws.signature_malformed", 400);

  Message good = signed_with(guide_header(x5t, "2026-11-24T10:00:00Z", "PS256"));
  std::string jws = *good.get("x-jws-signature");
  jws[jws.size() - 5] = jws[jws.size() - 5] == 'A' ? 'B' : 'A';
  good.set("x-jws-signature", jws);
  r = verify(good);
  expect_code(r, "jws.signature_invalid", 401);
  EXPECT_EQ(r.signing_string, signing_string_of(good));
  EXPECT_NE(r.diagnostic().find("(request-target): post /oauth2/applications"), std::string::npos);

  // certificate and digest
  Message no_cert = signed_with(guide_header(x5t, "2026-11-24T10:00:00Z", "PS256"));
  no_cert.remove("TPP-Signature-Certificate");
  expect_code(verify(no_cert), "certificate.missing", 400);
  Message swapped = signed_with(guide_header(x5t, "2026-11-24T10:00:00Z", "PS256"));
  swapped.body = R"~({"contact":"evil@example.com"})~";
  expect_code(verify(swapped), "digest.mismatch", 401);

  JwsPolicy production;
  production.detailed = false;
  r = verify(good, production);
  expect_code(r, "jws.signature_invalid", 401);
  EXPECT_TRUE(r.signing_string.empty() && r.cause.empty() && r.facts.empty());
  EXPECT_EQ(r.message, "The JWS signature could not be verified.");
}

// ---------------------------------------------------------------------------------------------
// The guide's JWS troubleshooting list, item by item

TEST(JwsTroubleshooting, EachGuideMistakeIsNamed) {
  Message base = testing::registration_request();
  base.add("X-Request-ID", "3f6b1c9e-2f4a-4c1b-9d3e-7a8b9c0d1e2f");
  const std::string x5t = pki().signing.cert.x5t_s256();
  const std::string header = guide_header(x5t, "2026-11-24T10:00:00Z", "PS256");
  const std::string header_b64 = base64url_encode(as_bytes(header));
  const std::string rt = "(request-target): post /oauth2/applications";
  const std::string dg = "digest: " + *base.get("Digest");
  const std::string ct = "content-type: application/json";
  const std::string good = rt + "\n" + dg + "\n" + ct;
  ASSERT_EQ(good, signing_string_of(base));

  struct Case {
    const char* item;
    std::string signed_string;
    crypto::SignatureAlgorithm alg;
    const crypto::PrivateKey* key;
    std::string cause;
  };
  const auto& key = pki().signing.key;
  const Case cases[] = {
      {"1 pars entry not signed", rt + "\n" + dg, kPs256, &key, "header_listed_not_signed"},
      {"2 signed but not in pars", good + "\nx-request-id: 3f6b1c9e-2f4a-4c1b-9d3e-7a8b9c0d1e2f",
       kPs256, &key, "header_signed_not_listed"},
      {"3 method upper-case", "(request-target): POST /oauth2/applications\n" + dg + "\n" + ct,
       kPs256, &key, "method_not_lower_case"},
      {"3 other path", "(request-target): post /oauth2/applications/\n" + dg + "\n" + ct, kPs256,
       &key, "request_target_differs"},
      {"4 trailing LF", good + "\n", kPs256, &key, "trailing_newline"},
      {"5 other header value", rt + "\n" + dg + "\ncontent-type: application/json; charset=utf-8",
       kPs256, &key, "signed_bytes_differ"},
      {"6 wrong private key", good, kPs256, &pki().other.key, "wrong_key"},
      {"7 order differs", rt + "\n" + ct + "\n" + dg, kPs256, &key, "header_order"},
      {"8 alg PS256, signed PS384",
       good,
       {SignatureScheme::RsaPss, HashAlgorithm::Sha384},
       &key,
       "algorithm_mismatch"},
      {"PSS option forgotten",
       good,
       {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256},
       &key,
       "padding_mismatch"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.item);
    Message m = base;
    Bytes sig = crypto::sign(*c.key, c.alg, as_bytes(header_b64 + "." + c.signed_string));
    m.add("x-jws-signature", header_b64 + ".." + base64url_encode(sig));
    auto r = verify(m);
    expect_code(r, "jws.signature_invalid", 401);
    EXPECT_EQ(r.cause, c.cause) << r.hint;
    EXPECT_FALSE(r.hint.empty());
    EXPECT_EQ(r.signing_string, good);
  }
}

TEST(JwsTroubleshooting, LibraryAndKeyMistakes) {
  Message base = testing::registration_request();
  const std::string header =
      guide_header(pki().signing.cert.x5t_s256(), "2026-11-24T10:00:00Z", "PS256");
  const std::string header_b64 = base64url_encode(as_bytes(header));
  const std::string good = signing_string_of(base);

  // A JOSE library that ignored b64:false signed BASE64URL(payload).
  Message encoded = base;
  Bytes sig = crypto::sign(pki().signing.key, kPs256,
                           as_bytes(header_b64 + "." + base64url_encode(as_bytes(good))));
  encoded.add("x-jws-signature", header_b64 + ".." + base64url_encode(sig));
  EXPECT_EQ(verify(encoded).cause, "payload_base64url_encoded");

  // Signed with the TLS key.
  Message tls = base;
  tls.client_certificate = pki().tls.cert;
  sig = crypto::sign(pki().tls.key, kPs256, as_bytes(header_b64 + "." + good));
  tls.add("x-jws-signature", header_b64 + ".." + base64url_encode(sig));
  EXPECT_EQ(verify(tls).cause, "signed_with_tls_key");

  // ECDSA: a trailing LF is found by re-verifying.
  Message ec = base;
  ec.set("TPP-Signature-Certificate", tpp_certificate_header_value(pki().ec256.cert));
  std::string ec_header =
      guide_header(pki().ec256.cert.x5t_s256(), "2026-11-24T10:00:00Z", "ES256");
  ec.add("x-jws-signature", make_jws(ec_header, pki().ec256.key,
                                     {SignatureScheme::Ecdsa, HashAlgorithm::Sha256}, good + "\n"));
  auto r = verify(ec);
  expect_code(r, "jws.signature_invalid", 401);
  EXPECT_EQ(r.cause, "trailing_newline");
}

}  // namespace
}  // namespace sandbank::signing
