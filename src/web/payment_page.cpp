#include "web/payment_page.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>

#include "bank/codes.hpp"
#include "bank/money.hpp"
#include "core/encoding.hpp"
#include "core/strings.hpp"
#include "crypto/hash.hpp"
#include "store/codes.hpp"
#include "web/assets.hpp"
#include "web/authorization_app.hpp"
#include "web/authorize_request.hpp"
#include "web/page_scenarios.hpp"
#include "web/pages.hpp"

namespace sandbank::web {
namespace {

namespace mustache = kainjow::mustache;

constexpr std::string_view kOutcomeSelectAccount = "select-account";

std::string layout(const std::string& title, std::string_view outcome, const std::string& error,
                   const std::string& content) {
  mustache::data data;
  data.set("title", title);
  data.set("stylesheet", std::string(kStylesheetPath));
  data.set("outcome", std::string(outcome));
  if (!error.empty()) data.set("error", error);
  data.set("content", content);
  return mustache::mustache{std::string(assets::kLayoutTemplate)}.render(data);
}

std::string origin_of(const std::string& uri) {
  auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return "";
  auto origin = uri.substr(0, uri.find_first_of("/?#", scheme_end + 3));
  bool safe = std::all_of(origin.begin(), origin.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '/' || c == '[' || c == ']';
  });
  return safe ? origin : "";
}

http::Response html(unsigned status, std::string body, const std::string& redirect_uri = "") {
  auto response = http::Response::text(status, std::move(body), "text/html; charset=utf-8");
  std::string form_action = "'self'";
  if (auto origin = origin_of(redirect_uri); !origin.empty()) form_action += " " + origin;
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action " +
                   form_action + "; frame-ancestors 'none'; base-uri 'none'");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cache-Control", "no-store");
  return response;
}

http::Response error_page(unsigned status, const std::string& error, const std::string& text) {
  mustache::data d;
  d.set("heading", "The payment cannot be authorized");
  d.set("text", text);
  d.set("error", error);
  auto content =
      mustache::mustache{
          "<h1>{{heading}}</h1>\n<p class=\"message error\" id=\"message\" "
          "role=\"alert\">{{text}}</p>\n"
          "<dl class=\"details\"><dt>error</dt><dd><code "
          "id=\"error-code\">{{error}}</code></dd></dl>"}
          .render(d);
  return html(status, layout("Payment", kOutcomeError, error, content));
}

std::string cookie_value(const http::Request& request, std::string_view name) {
  for (auto header : request.headers_named("Cookie")) {
    for (auto part : split(header, ';')) {
      auto pair = trim_ows(part);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && trim_ows(pair.substr(0, eq)) == name) {
        return std::string(trim_ows(pair.substr(eq + 1)));
      }
    }
  }
  return {};
}

std::string cookie(const std::string& id, Seconds max_age) {
  return fmt::format("{}={}; Path=/payment-initiation; Max-Age={}; HttpOnly; Secure; SameSite=Lax",
                     kPaymentSessionCookie, id, max_age.count());
}

std::string schedule_text(const store::PaymentRecord& p) {
  if (p.kind != "periodic") {
    return p.requested_execution_date.empty() ? "" : "On " + p.requested_execution_date;
  }
  auto text = fmt::format("{} from {}", p.frequency, p.start_date);
  if (!p.end_date.empty()) text += " until " + p.end_date;
  return text;
}

// The payment a stored session is for (AuthorizationSession::data {"payment_id"}).
std::string session_payment_id(const store::AuthorizationSession& session) {
  boost::system::error_code ec;
  auto value = boost::json::parse(session.data, ec);
  const boost::json::value* id = nullptr;
  if (!ec && value.is_object()) id = value.as_object().if_contains("payment_id");
  if (!id || !id->is_string()) {
    throw Error::internal(store::codes::kStoreDamaged,
                          "A payment session in the store lacks payment_id");
  }
  return std::string(id->get_string());
}

// The page's sandbank_scenario the session kept ({"scenario"}; absent in an older session).
std::optional<bank::Scenario> session_scenario(const store::AuthorizationSession& session) {
  boost::system::error_code ec;
  auto value = boost::json::parse(session.data, ec);
  const boost::json::value* text = nullptr;
  if (!ec && value.is_object()) text = value.as_object().if_contains("scenario");
  if (!text || !text->is_string()) return std::nullopt;
  return kept_scenario(std::string(text->get_string()));
}

}  // namespace

PaymentPage::PaymentPage(bank::PaymentService& payments, store::BankRepository& bank,
                         store::AuthorizationSessionRepository& sessions,
                         const bank::Profiles& profiles, const Clock& clock, RandomSource& random,
                         Seconds session_lifetime, std::size_t max_sessions)
    : payments_(payments),
      bank_(bank),
      sessions_(sessions),
      profiles_(profiles),
      clock_(clock),
      random_(random),
      session_lifetime_(session_lifetime),
      max_sessions_(max_sessions) {}

http::Response PaymentPage::show(http::Request& request) {
  const auto& id = request.path_params.at("paymentId");
  auto country = to_upper(request.path_params.at("country"));
  auto payment = payments_.find(id);
  if (!payment) return error_page(404, "payment_unknown", "There is no payment " + id + ".");
  if (payment->status != "RCVD") {
    return error_page(
        409, "payment_not_pending",
        fmt::format("This payment was handled already (status {}).", payment->status));
  }
  auto now = clock_.now();
  auto session_id = random_.token(32);
  store::AuthorizationSession session{
      session_id_hash(session_id),
      std::string(kPaymentSessionKind),
      random_.token(32),
      boost::json::serialize(
          boost::json::object{{"payment_id", id}, {"scenario", page_scenario_text(request)}}),
      now,
      now + session_lifetime_};
  if (!sessions_.create(session, now, max_sessions_)) {
    request.detail_code = "payment.too_many_sessions";
    auto response = error_page(503, "too_many_sessions",
                               "Too many customers are authorizing payments at this moment. Try "
                               "again in a minute.");
    response.set("Retry-After", "60");
    return response;
  }
  mustache::data data;
  data.set("payment_id", payment->id);
  data.set("amount", bank::format_amount(payment->amount_minor));
  data.set("currency", payment->currency);
  data.set("creditor_name", payment->creditor_name);
  data.set("creditor_iban", payment->creditor_iban);
  if (!payment->remittance.empty()) data.set("remittance", payment->remittance);
  if (auto s = schedule_text(*payment); !s.empty()) data.set("schedule", s);
  data.set("kind", payment->kind == "bulk"       ? std::string("Bulk payment")
                   : payment->instant            ? std::string("Instant payment")
                   : payment->kind == "periodic" ? "Standing order"
                                                 : "Credit transfer");
  if (payment->kind == "bulk") {
    // One authorization for the whole batch: every credit transfer is shown.
    mustache::data transfers{mustache::data::type::list};
    for (const auto& e : payments_.bulk_entries(payment->id)) {
      mustache::data t;
      t.set("index", std::to_string(e.position + 1));
      t.set("amount", bank::format_amount(e.amount_minor));
      t.set("currency", e.currency);
      t.set("creditor_name", e.creditor_name);
      t.set("creditor_iban", e.creditor_iban);
      if (!e.remittance.empty()) t.set("remittance", e.remittance);
      transfers.push_back(t);
    }
    data.set("transfers", transfers);
    data.set("bulk", true);
  }
  data.set("action", fmt::format("/payment-initiation/{}/{}", id, country));
  data.set("csrf_token", session.csrf_token);
  if (!payment->debtor_iban.empty()) data.set("debtor_iban", payment->debtor_iban);
  mustache::data list{mustache::data::type::list};
  bool first = true;
  for (const auto& profile : bank_.list_profiles(country)) {
    for (const auto& account : payments_.debtor_accounts(*payment, profile.id)) {
      mustache::data item;
      item.set("id", account.id);
      item.set("profile", profile.name);
      item.set("iban", account.iban);
      item.set("product", account.product);
      item.set("currency", account.currency);
      if (auto b = bank_.balances(account.id)) {
        item.set("balance", bank::format_amount(b->expected_minor));
      }
      if (!profile.scenario.empty()) {
        auto it = profiles_.scenarios.find(profile.scenario);
        item.set("scenario", it == profiles_.scenarios.end() ? profile.scenario : it->second);
      }
      if (first) item.set("checked", true);
      first = false;
      list.push_back(item);
    }
  }
  data.set("has_accounts", !first);
  data.set("accounts", list);
  auto content = mustache::mustache{std::string(assets::kPaymentTemplate)}.render(data);
  auto response = html(200, layout("Approve payment", kOutcomeSelectAccount, "", content),
                       payment->redirect_uri);
  response.add("Set-Cookie", cookie(session_id, session_lifetime_));
  return response;
}

http::Response PaymentPage::decide(http::Request& request) {
  const auto& id = request.path_params.at("paymentId");
  auto session_cookie = cookie_value(request, kPaymentSessionCookie);
  std::optional<store::AuthorizationSession> session;
  if (!session_cookie.empty()) {
    session = sessions_.find(std::string(kPaymentSessionKind), session_id_hash(session_cookie),
                             clock_.now());
  }
  if (!session || session_payment_id(*session) != id) {
    return error_page(400, "session_missing",
                      "This browser has no session for this payment; open the payment's "
                      "authorization link again.");
  }
  auto form = parse_form(request.body);
  auto csrf = form.get("csrf_token");
  if (!csrf || !crypto::constant_time_equal(as_bytes(*csrf), as_bytes(session->csrf_token))) {
    return error_page(403, "csrf_mismatch",
                      "The form's security token does not match this session.");
  }
  // How the customer's authentication ends: the first page's scenario, else what the profiles
  // file declares for the chosen account's profile (docs/scenarios.md).
  std::string sca, reject_reason;
  if (auto account = bank_.find_account(form.get("account").value_or(""))) {
    if (const auto* profile = profiles_.find(account->profile_id)) {
      sca = profile->behaviour.sca;
      reject_reason = profile->behaviour.payment_reject_reason;
    }
  }
  if (auto scenario = session_scenario(*session)) {
    namespace bc = bank::codes;
    for (auto [code, outcome] : {std::pair{bc::kScenarioScaFailed, "failed"},
                                 std::pair{bc::kScenarioScaCancelled, "cancelled"},
                                 std::pair{bc::kScenarioScaPendingForever, "pending-forever"}}) {
      if (scenario->is(code)) sca = outcome;
    }
    if (scenario->is(bc::kScenarioPaymentRejected)) reject_reason = scenario->reason;
    if (!sca.empty() || scenario->is(bc::kScenarioPaymentRejected)) {
      request.scenario_code = std::string(scenario->code());
    }
  }
  if (sca == "pending-forever") {
    // The session stays, the payment stays RCVD, the TPP gets no redirect.
    return error_page(200, "sca_pending",
                      "Waiting for the customer to confirm in the banking app. (Scenario "
                      "sca-pending-forever: this never completes.)");
  }
  if (sca == "cancelled") form.values.erase("action");
  if (sca == "failed") reject_reason = "AC07";
  store::PaymentRecord result;
  std::string_view outcome;
  try {
    if (form.get("action") == "approve") {
      result = payments_.approve(id, form.get("account").value_or(""), reject_reason);
      outcome = result.status == "RJCT" ? kOutcomeRejected : kOutcomeAuthorized;
    } else {
      result = payments_.reject(id);
      outcome = kOutcomeDenied;
    }
  } catch (const Error& e) {
    return error_page(static_cast<unsigned>(e.status()), e.code(), e.message());
  }
  sessions_.remove(session->id_hash);
  auto response =
      html(302, render_redirect_page(outcome, result.redirect_uri), result.redirect_uri);
  response.set("Location", result.redirect_uri);
  response.add("Set-Cookie", cookie("", Seconds(0)));
  return response;
}

}  // namespace sandbank::web
