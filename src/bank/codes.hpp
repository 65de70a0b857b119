#pragma once

// Every detail code the bank layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::bank::codes {

inline constexpr char kBankProfilesInvalid[] = "bank.profiles_invalid";
inline constexpr char kPaymentAmountInvalid[] = "payment.amount_invalid";
inline constexpr char kPaymentBicInvalid[] = "payment.bic_invalid";
inline constexpr char kPaymentBodyMalformed[] = "payment.body_malformed";
inline constexpr char kPaymentBulkTooLarge[] = "payment.bulk_too_large";
inline constexpr char kPaymentCurrencyInvalid[] = "payment.currency_invalid";
inline constexpr char kPaymentDateInPast[] = "payment.date_in_past";
inline constexpr char kPaymentDateInvalid[] = "payment.date_invalid";
inline constexpr char kPaymentDebtorInvalid[] = "payment.debtor_invalid";
inline constexpr char kPaymentFieldCharset[] = "payment.field_charset";
inline constexpr char kPaymentFieldInvalid[] = "payment.field_invalid";
inline constexpr char kPaymentFieldMissing[] = "payment.field_missing";
inline constexpr char kPaymentFieldTooLong[] = "payment.field_too_long";
inline constexpr char kPaymentFrequencyInvalid[] = "payment.frequency_invalid";
inline constexpr char kPaymentInstantLimit[] = "payment.instant_limit";
inline constexpr char kPaymentInstantNotAllowed[] = "payment.instant_not_allowed";
inline constexpr char kPaymentNotAuthorizable[] = "payment.not_authorizable";
inline constexpr char kPaymentNotCancellable[] = "payment.not_cancellable";
inline constexpr char kPaymentProductUnknown[] = "payment.product_unknown";
inline constexpr char kPaymentRequestIdReused[] = "payment.request_id_reused";
inline constexpr char kPaymentUnknown[] = "payment.unknown";
// A malformed X-Sandbank-Scenario or sandbank_scenario (docs/scenarios.md), an unknown name,
// or one the route or page has no use for.
inline constexpr char kScenarioRequestInvalid[] = "request.scenario_invalid";
inline constexpr char kScenarioRequestNotApplicable[] = "request.scenario_not_applicable";
inline constexpr char kScenarioRequestUnknown[] = "request.scenario_unknown";
// The outcomes of the scenarios: the access log's detail of a request that asked for one.
inline constexpr char kScenarioConsentExpired[] = "scenario.consent-expired";
inline constexpr char kScenarioPaymentRejected[] = "scenario.payment-rejected";
inline constexpr char kScenarioRateLimited[] = "scenario.rate-limited";
inline constexpr char kScenarioScaCancelled[] = "scenario.sca-cancelled";
inline constexpr char kScenarioScaFailed[] = "scenario.sca-failed";
inline constexpr char kScenarioScaPendingForever[] = "scenario.sca-pending-forever";
inline constexpr char kScenarioServerError[] = "scenario.server-error";
inline constexpr char kScenarioSignatureInvalid[] = "scenario.signature-invalid";
inline constexpr char kScenarioSlow[] = "scenario.slow";
inline constexpr char kScenarioTokenExpired[] = "scenario.token-expired";
inline constexpr char kScenarioUnavailable[] = "scenario.unavailable";

}  // namespace sandbank::bank::codes
