// pain.001.001.03 documents (libxml2, no entities, no network, no DTD; size, depth and element
// limits) as POST /v1/payments/pain.001-{product} reads them, the identifiers a status report
// reads back, and the multipart/form-data of periodic pain.001 payments.
#include "api/pain001.hpp"

#include <string_view>

#include "api/multipart.hpp"
#include "core/error.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  api::pain001::ReadContext context;
  context.today = "2026-03-16";
  context.periodic = size > 0 && (data[0] & 1) == 1;
  context.held_iban = [](const std::string& iban) { return iban == "NL69INGB0123456789"; };
  try {
    auto transfer = api::pain001::read_credit_transfer(text, context);
    (void)api::pain001::payment_instruction_json(transfer, context.today, context.periodic);
  } catch (const Error&) {
  }
  try {
    (void)api::pain001::read_original_ids(text);  // stored documents; it may refuse others
  } catch (const Error&) {
  }
  try {
    (void)api::parse_form_data(text, "sandbank-boundary");
  } catch (const Error&) {
  }
  (void)api::form_data_boundary(text.substr(0, 200));
  return 0;
}
