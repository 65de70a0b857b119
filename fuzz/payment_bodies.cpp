// The JSON bodies of PIS: a payment instruction (single and periodic) and a bulk payment, as
// bank::parse_payment and parse_bulk_payment check them against the seeded bank.
#include <memory>
#include <string_view>

#include "bank/payments.hpp"
#include "bank/profiles.hpp"
#include "bank/seed.hpp"
#include "core/time_format.hpp"
#include "fuzz_support.hpp"

using namespace sandbank;

namespace {

store::Store& bank_store() {
  static std::unique_ptr<store::Store> store = [] {
    auto s = store::open_memory_store();
    bank::seed_bank(*s, bank::builtin_profiles(), bank::kDefaultSeed, fuzz::fixed_clock().now());
    return s;
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* products[] = {"sepa-credit-transfers", "cross-border-credit-transfers",
                            "domestic-credit-transfers", "pain.001-sepa-credit-transfers"};
  std::string_view product = products[data[0] % 4];
  auto today = format_date(fuzz::fixed_clock().now());
  bank::PaymentSettings settings;
  try {
    switch ((data[0] >> 2) % 3) {
      case 0:
        (void)bank::parse_payment(bank::PaymentKind::Single, product, body, today,
                                  bank_store().bank(), settings);
        break;
      case 1:
        (void)bank::parse_payment(bank::PaymentKind::Periodic, product, body, today,
                                  bank_store().bank(), settings);
        break;
      default:
        (void)bank::parse_bulk_payment(product, body, today, bank_store().bank(), settings);
    }
  } catch (const Error&) {
  }
  return 0;
}
