// The Digest header (RFC 3230 instance digests, the bare-SHA-256 leniency) against a body.
#include "signing/digest.hpp"

#include "fuzz_support.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  signing::Message m;
  m.method = "POST";
  m.target = "/oauth2/token";
  int headers = in.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < headers; ++i) m.add("Digest", in.ConsumeRandomLengthString(512));
  m.body = in.ConsumeRemainingBytesAsString();
  signing::DigestPolicy policy;
  policy.detailed = (size & 1) == 0;
  auto d = signing::verify_digest(m.view(), policy);
  (void)d.diagnostic();
  return 0;
}
