// The Signature / Authorization: Signature parameter list (RFC 7235 auth-params), then the
// whole HTTP Signature check of a request whose Signature, Date and Digest headers and body
// come from the input (the key resolver knows one fixed certificate).
#include "fuzz_support.hpp"
#include "signing/http_signature.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto params_text = in.ConsumeRandomLengthString(4096);
  signing::Diagnosis problem;
  if (auto params = signing::parse_signature_params(params_text, &problem)) {
    (void)signing::format_signature_params(*params);
  }
  signing::Message m;
  m.method = in.ConsumeBool() ? "GET" : "POST";
  m.target = in.ConsumeRandomLengthString(256);
  m.add(in.ConsumeBool() ? "Signature" : "Authorization",
        in.ConsumeBool() ? params_text : "Signature " + params_text);
  m.add("Date", in.ConsumeRandomLengthString(64));
  m.add("Digest", in.ConsumeRandomLengthString(128));
  m.body = in.ConsumeRemainingBytesAsString();
  signing::HttpSignaturePolicy policy;
  policy.carrier = signing::SignatureCarrier::Either;
  auto resolver =
      signing::registered_key_resolver([](std::string_view) -> std::optional<crypto::Certificate> {
        return fuzz::signing_certificate();
      });
  auto result = signing::verify_http_signature(m.view(), policy, resolver, fuzz::fixed_clock());
  (void)result.diagnostic();
  return 0;
}
