// The JSON bodies of DCR (POST/PUT /oauth2/applications: contact, redirect_uris, keys.tls and
// keys.sign with x5c), CAF (POST /v1/funds-confirmations: account.iban, instructedAmount) and
// grantssupport (POST /grantssupport/.../auth-code: id, client_id, scopes, state, redirectURL):
// the strict parser every one of them goes through (sandbank::parse_request_json, which refuses
// a member named twice) and the parse functions their handlers apply to the members. The
// handlers themselves read the members inline and need a server; this target calls what can be
// called without one.
#include <boost/json.hpp>
#include <cstdlib>
#include <string_view>

#include "bank/money.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "crypto/certificate.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scopes.hpp"
#include "web/authorize_request.hpp"

using namespace sandbank;
namespace json = boost::json;

namespace {

const json::value* member(const json::value& v, std::string_view name) {
  return v.is_object() ? v.get_object().if_contains(name) : nullptr;
}

std::string_view string_or_empty(const json::value* v) {
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// DCR: keys.<use> is an array of JWKs whose first x5c entry is a base64 DER certificate.
void dcr_keys(const json::value& keys, std::string_view use) {
  const auto* list = member(keys, use);
  if (!list || !list->is_array()) return;
  for (const auto& jwk : list->get_array()) {
    const auto* x5c = member(jwk, "x5c");
    if (!x5c || !x5c->is_array() || x5c->get_array().empty()) continue;
    auto der = base64_decode(string_or_empty(&x5c->get_array()[0]));
    if (!der) continue;
    try {
      (void)crypto::Certificate::from_der(*der);
    } catch (const Error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  json::value value;
  try {
    value = parse_request_json(text, ec);
  } catch (const Error& e) {
    // The one refusal parse_request_json throws; the member it names is the duplicate's path.
    if (e.status() != 400 || e.code() != "request.duplicate_member") std::abort();
    if (find_duplicate_member(text).empty()) std::abort();
    return 0;
  }
  if (ec || !value.is_object()) return 0;
  // DCR
  if (const auto* uris = member(value, "redirect_uris"); uris && uris->is_array()) {
    for (const auto& u : uris->get_array()) {
      (void)oauth::same_redirect_uri(string_or_empty(&u), "https://www.example.com/");
    }
  }
  if (const auto* keys = member(value, "keys"); keys && keys->is_object()) {
    dcr_keys(*keys, "tls");
    dcr_keys(*keys, "sign");
  }
  // CAF
  if (const auto* amount = member(value, "instructedAmount")) {
    (void)bank::parse_amount(string_or_empty(member(*amount, "amount")));
  }
  // grantssupport
  if (const auto* scopes = member(value, "scopes")) {
    if (scopes->is_string()) {
      (void)oauth::split_scope(std::string_view(scopes->get_string()));
    } else if (scopes->is_array()) {
      std::string joined;
      for (const auto& s : scopes->get_array()) {
        joined += string_or_empty(&s);
        joined += ' ';
      }
      (void)oauth::split_scope(joined);
    }
  }
  (void)web::is_valid_state(string_or_empty(member(value, "state")));
  (void)oauth::same_redirect_uri(string_or_empty(member(value, "redirectURL")),
                                 "https://www.example.com/callback?x=1");
  return 0;
}
