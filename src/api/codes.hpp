#pragma once

// Every detail code the api layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::api::codes {

inline constexpr char kAisAccountNotInConsent[] = "ais.account_not_in_consent";
inline constexpr char kAisAccountUnknown[] = "ais.account_unknown";
inline constexpr char kAisBalanceTypeInvalid[] = "ais.balance_type_invalid";
inline constexpr char kAisCurrencyInvalid[] = "ais.currency_invalid";
inline constexpr char kAisCursorInvalid[] = "ais.cursor_invalid";
inline constexpr char kAisDateInvalid[] = "ais.date_invalid";
inline constexpr char kAisFieldsToOmitInvalid[] = "ais.fields_to_omit_invalid";
inline constexpr char kAisLimitInvalid[] = "ais.limit_invalid";
inline constexpr char kAisNoAccounts[] = "ais.no_accounts";
inline constexpr char kAisPeriodInvalid[] = "ais.period_invalid";
inline constexpr char kCafAccountNotInConsent[] = "caf.account_not_in_consent";
inline constexpr char kCafAmountInvalid[] = "caf.amount_invalid";
inline constexpr char kCafBodyMalformed[] = "caf.body_malformed";
inline constexpr char kCafCurrencyMismatch[] = "caf.currency_mismatch";
inline constexpr char kCafFieldMissing[] = "caf.field_missing";
inline constexpr char kClientAuthenticationMissing[] = "client.authentication_missing";
inline constexpr char kClientAuthenticationUnsupported[] = "client.authentication_unsupported";
inline constexpr char kClientClientIdMismatch[] = "client.client_id_mismatch";
inline constexpr char kClientSigningCertificateNotRegistered[] =
    "client.signing_certificate_not_registered";
inline constexpr char kClientTlsNotRegistered[] = "client.tls_not_registered";
inline constexpr char kClientUnknown[] = "client.unknown";
inline constexpr char kDcrBodyMalformed[] = "dcr.body_malformed";
inline constexpr char kDcrJwkInvalid[] = "dcr.jwk_invalid";
inline constexpr char kGrantTypeUnsupported[] = "grant_type.unsupported";
inline constexpr char kPain001ControlSumMismatch[] = "pain001.control_sum_mismatch";
inline constexpr char kPain001CountMismatch[] = "pain001.count_mismatch";
inline constexpr char kPain001ElementRepeated[] = "pain001.element_repeated";
inline constexpr char kPain001Malformed[] = "pain001.malformed";
inline constexpr char kPain001Namespace[] = "pain001.namespace";
inline constexpr char kPain001NotPain001[] = "pain001.not_pain001";
inline constexpr char kPain001NotSingle[] = "pain001.not_single";
inline constexpr char kPain001Parser[] = "pain001.parser";
inline constexpr char kPain001TooLarge[] = "pain001.too_large";
inline constexpr char kPain001Writer[] = "pain001.writer";
inline constexpr char kPaymentFormMalformed[] = "payment.form_malformed";
inline constexpr char kPaymentIbanInvalid[] = "payment.iban_invalid";
inline constexpr char kPaymentPsuIpInvalid[] = "payment.psu_ip_invalid";
inline constexpr char kPaymentRedirectUriInvalid[] = "payment.redirect_uri_invalid";
inline constexpr char kRequestContentType[] = "request.content_type";
inline constexpr char kRequestCountryCodeInvalid[] = "request.country_code_invalid";
inline constexpr char kRequestDuplicateParameter[] = "request.duplicate_parameter";
inline constexpr char kRequestMalformedForm[] = "request.malformed_form";
inline constexpr char kRequestParameterMissing[] = "request.parameter_missing";
inline constexpr char kRequestTokenTypeHint[] = "request.token_type_hint";
inline constexpr char kScopeMissing[] = "scope.missing";
inline constexpr char kSignatureMissing[] = "signature.missing";
inline constexpr char kTokenCertificateNotRegistered[] = "token.certificate_not_registered";
inline constexpr char kXRequestIdMalformed[] = "x_request_id.malformed";

}  // namespace sandbank::api::codes
