// The detached JWS of x-jws-signature (protected header: base64url, JSON, crit, sigT, sigD,
// x5t#S256, alg) and the TPP-Signature-Certificate it may name, checked against a request whose
// headers and body come from the input.
#include "fuzz_support.hpp"
#include "signing/jws.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  signing::Message m;
  m.method = "POST";
  m.target = "/oauth2/applications";
  m.add("x-jws-signature", in.ConsumeRandomLengthString(4096));
  m.add("Content-Type", "application/json");
  m.add("Digest", in.ConsumeRandomLengthString(128));
  bool with_header_certificate = in.ConsumeBool();
  if (with_header_certificate)
    m.add("TPP-Signature-Certificate", in.ConsumeRandomLengthString(4096));
  m.body = in.ConsumeRemainingBytesAsString();
  signing::JwsPolicy policy;
  auto fixed = signing::verify_detached_jws(m.view(), policy, fuzz::signing_certificate(),
                                            fuzz::fixed_clock());
  (void)fixed.diagnostic();
  if (with_header_certificate) {
    auto named = signing::verify_detached_jws(m.view(), policy, fuzz::fixed_clock());
    (void)named.diagnostic();
  }
  return 0;
}
