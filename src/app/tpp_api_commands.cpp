// `sandbank tpp` commands of the bank's APIs (step 4 of the guide): AIS (accounts, balances,
// transactions with --all), PIS (pay, periodic-pay, payment-status), CAF (funds-check), and
// `call`, any endpoint with the authentication its path needs.

#include <boost/json.hpp>
#include <string>

#include "app/tpp_cli.hpp"
#include "core/encoding.hpp"
#include "core/strings.hpp"
#include "tpp/client.hpp"
#include "tpp/json_path.hpp"

namespace sandbank::app::tpp_cli {
using tpp::Auth;
using tpp::TppClient;

void add_api_commands(CLI::App& tpp, State& s) {
  // AIS
  auto* accounts = tpp.add_subcommand("accounts", "GET /v3/accounts (customer token)");
  accounts->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.customer_token();
      return finish(s.common,
                    client.send(client.ais_request(token, client.client_id(), "/v3/accounts")));
    };
  });
  auto* balances = tpp.add_subcommand("balances", "GET /v3/accounts/{id}/balances");
  balances->add_option("id", s.account_id, "Account id (resourceId)")->required();
  balances->add_option("--currency", s.currency, "Currency (multi-currency accounts)");
  balances->add_option("--balance-types", s.balance_types, "e.g. expected,closingBooked");
  balances->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.customer_token();
      std::string target =
          "/v3/accounts/" + percent_encode(s.account_id) + "/balances" +
          query_string({{"balanceTypes", s.balance_types}, {"currency", s.currency}});
      return finish(s.common, client.send(client.ais_request(token, client.client_id(), target)));
    };
  });
  auto* transactions = tpp.add_subcommand("transactions", "GET /v2|v3/accounts/{id}/transactions");
  transactions->add_option("id", s.account_id, "Account id (resourceId)")->required();
  transactions->add_option("--from", s.date_from, "dateFrom (YYYY-MM-DD)");
  transactions->add_option("--to", s.date_to, "dateTo (YYYY-MM-DD)");
  transactions->add_option("--currency", s.currency, "Currency");
  transactions->add_option("--limit", s.limit, "Page size");
  transactions->add_option("--api-version", s.ais_version, "v2 or v3")
      ->check(CLI::IsMember({"v2", "v3"}))
      ->capture_default_str();
  transactions->add_flag("--all", s.all_pages, "Follow _links.next until the last page");
  transactions->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.customer_token();
      auto id = client.client_id();
      std::string target = "/" + s.ais_version + "/accounts/" + percent_encode(s.account_id) +
                           "/transactions" +
                           query_string({{"dateFrom", s.date_from},
                                         {"dateTo", s.date_to},
                                         {"currency", s.currency},
                                         {"limit", s.limit}});
      if (!s.all_pages || s.common.dry_run) {
        return finish(s.common, client.send(client.ais_request(token, id, target)));
      }
      // --all: every page (following transactions._links.next), printed as one document with
      // the booked, pending and info lists concatenated.
      boost::json::value merged;
      for (int page = 0; page < 10000; ++page) {
        auto r = client.send(client.ais_request(token, id, target));
        if (r.status < 200 || r.status >= 300) return finish(s.common, r);
        auto v = tpp::parse_or_null(r.body);
        auto* t = tpp::path_of(v, {"transactions"});
        if (t == nullptr || !t->is_object()) return finish(s.common, r);
        std::string next = tpp::string_path(v, {"transactions", "_links", "next", "href"});
        if (merged.is_null()) {
          merged = v;
        } else {
          auto& into = merged.as_object()["transactions"].as_object();
          for (const auto& [key, list] : t->as_object()) {
            if (!list.is_array()) continue;
            auto& to = into[key];
            if (!to.is_array()) to = boost::json::array();
            for (const auto& item : list.as_array()) to.as_array().push_back(item);
          }
        }
        if (next.empty()) break;
        target = tpp::link_target(next);
      }
      merged.as_object()["transactions"].as_object().erase("_links");
      print_body(s.common, boost::json::serialize(merged));
      return 0;
    };
  });

  // PIS
  auto add_payment_options = [&s](CLI::App* cmd) {
    cmd->add_option("--product", s.payment.product, "Payment product")->capture_default_str();
    cmd->add_option("--amount", s.payment.amount, "Amount, e.g. 1.00")->required();
    cmd->add_option("--currency", s.payment.currency, "Currency")->capture_default_str();
    cmd->add_option("--creditor-iban", s.payment.creditor_iban, "Creditor IBAN")->required();
    cmd->add_option("--creditor-name", s.payment.creditor_name, "Creditor name")->required();
    cmd->add_option("--debtor-iban", s.payment.debtor_iban, "Debtor IBAN");
    cmd->add_option("--remittance", s.payment.remittance, "remittanceInformationUnstructured");
    cmd->add_flag("--instant", s.payment.instant, "localInstrumentCode INST");
    cmd->add_option("--execution-date", s.payment.requested_execution_date,
                    "requestedExecutionDate (YYYY-MM-DD)");
    cmd->add_option("--psu-ip", s.psu_ip, "PSU-IP-Address")->capture_default_str();
  };
  auto* pay = tpp.add_subcommand("pay", "POST /v1/payments/{product} (application token)");
  add_payment_options(pay);
  pay->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.app_token();
      return finish(s.common,
                    client.send(client.payment_request(token, client.client_id(), s.payment, false,
                                                       client.profile().redirect_uri, s.psu_ip)));
    };
  });
  auto* periodic = tpp.add_subcommand("periodic-pay", "POST /v1/periodic-payments/{product}");
  add_payment_options(periodic);
  periodic->add_option("--start-date", s.payment.start_date, "startDate (YYYY-MM-DD)")->required();
  periodic
      ->add_option("--frequency", s.payment.frequency,
                   "DAIL WEEK TOWK MNTH TOMN FOMN QUTR SEMI YEAR")
      ->required()
      ->check(
          CLI::IsMember({"DAIL", "WEEK", "TOWK", "MNTH", "TOMN", "FOMN", "QUTR", "SEMI", "YEAR"}));
  periodic->add_option("--end-date", s.payment.end_date, "endDate (YYYY-MM-DD)");
  periodic->add_option("--day", s.payment.day_of_execution, "dayOfExecution (01..31)");
  periodic->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.app_token();
      return finish(s.common,
                    client.send(client.payment_request(token, client.client_id(), s.payment, true,
                                                       client.profile().redirect_uri, s.psu_ip)));
    };
  });
  auto* status = tpp.add_subcommand("payment-status", "GET /v1/payments/{product}/{id}/status");
  status->add_option("id", s.payment_id, "paymentId")->required();
  status->add_option("--product", s.payment.product, "Payment product")->capture_default_str();
  status->add_flag("--periodic", s.periodic, "A periodic payment (/v1/periodic-payments)");
  status->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.app_token();
      return finish(s.common,
                    client.send(client.payment_status_request(
                        token, client.client_id(), s.payment.product, s.payment_id, s.periodic)));
    };
  });

  // CAF
  auto* funds = tpp.add_subcommand("funds-check", "POST /v1/funds-confirmations (customer token)");
  funds->add_option("--iban", s.iban, "Account IBAN")->required();
  funds->add_option("--amount", s.payment.amount, "Amount, e.g. 10.00")->required();
  funds->add_option("--currency", s.payment.currency, "Currency")->capture_default_str();
  funds->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.customer_token();
      return finish(s.common,
                    client.send(client.funds_check_request(token, client.client_id(), s.iban,
                                                           s.payment.amount, s.payment.currency)));
    };
  });

  // call
  auto* call = tpp.add_subcommand("call", "Any endpoint, with the right authentication");
  call->add_option("method", s.method, "GET, POST, PUT, DELETE")->required();
  call->add_option("path", s.target, "Path and query, e.g. /v3/accounts")->required();
  call->add_option("-d,--body", s.body, "Request body (or @FILE)");
  call->add_option("--auth", s.auth, "none|mtls|app|customer|auto (auto: from the path)")
      ->check(CLI::IsMember({"none", "mtls", "app", "customer", "auto"}))
      ->capture_default_str();
  call->callback([&s] {
    s.action = [&s](TppClient& client) {
      Auth auth = s.auth == "none"       ? Auth::None
                  : s.auth == "mtls"     ? Auth::Mtls
                  : s.auth == "app"      ? Auth::Application
                  : s.auth == "customer" ? Auth::Customer
                                         : tpp::auth_for_path(s.target);
      std::string body = body_or_file(s.body);
      std::string token, id;
      if (auth == Auth::Mtls &&
          !(to_upper(s.method) == "POST" && s.target == "/oauth2/applications")) {
        token = client.mtls_token();
      } else if (auth == Auth::Application) {
        token = client.app_token();
        id = client.client_id();
      } else if (auth == Auth::Customer) {
        token = client.customer_token();
        id = client.client_id();
      }
      return finish(s.common,
                    client.send(client.call_request(s.method, s.target, body, auth, token, id)));
    };
  });
}

}  // namespace sandbank::app::tpp_cli
