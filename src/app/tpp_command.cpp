#include "app/tpp_command.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/strings.hpp"
#include "tpp/client.hpp"

namespace sandbank::app {
namespace fs = std::filesystem;
using tpp::Auth;
using tpp::Payment;
using tpp::Request;
using tpp::Response;
using tpp::TppClient;

namespace {

constexpr const char* kDefaultProfile = "sandbank-tpp.toml";

struct Common {
  std::string data_dir;
  std::string profile_file;
  std::string host, web, ca_file, client_id, redirect_uri;
  std::string tls_cert, tls_key, signing_cert, signing_key, key_id;
  bool insecure = false;
  bool verbose = false;
  bool raw = false;
  bool dry_run = false;
  int timeout = 60;
};

struct State {
  Common common;
  std::function<int(TppClient&)> action;  // the parsed subcommand
  // init
  bool init = false;
  bool force = false;
  // token
  bool mtls = false;
  std::string scope;
  // app
  std::string app_id;
  std::string contact;
  std::vector<std::string> redirect_uris;
  std::string body;
  // authorize-url
  std::string country, state;
  std::string authorize_scope = "payment-accounts:balances:view payment-accounts:transactions:view";
  // exchange / revoke
  std::string code, token;
  // AIS
  std::string account_id, currency, balance_types, date_from, date_to, limit;
  std::string ais_version = "v2";
  bool all_pages = false;
  // PIS / CAF
  Payment payment;
  std::string psu_ip = "127.0.0.1";
  std::string payment_id;
  bool periodic = false;
  std::string iban;
  // call
  std::string method, target, auth = "auto";
};

tpp::TppProfile resolve_profile(const Common& c) {
  tpp::TppProfile p;
  if (!c.profile_file.empty()) {
    p = tpp::load_profile(c.profile_file);
  } else if (!c.data_dir.empty()) {
    p = tpp::profile_from_data_dir(c.data_dir);
    if (p.host.empty() && c.host.empty()) {
      throw Error(400, "tpp.not_configured",
                  "no " + (fs::path(c.data_dir) / "endpoints.json").string() +
                      ": is `sandbank serve --data " + c.data_dir +
                      "` running? Otherwise pass --host URL");
    }
  } else if (fs::exists(kDefaultProfile)) {
    p = tpp::load_profile(kDefaultProfile);
  } else {
    throw Error(400, "tpp.not_configured",
                "no profile: pass --data DIR (a local sandbox), --profile FILE, or write one with "
                "`sandbank tpp init --data DIR`");
  }
  auto set = [](std::string& field, const std::string& value) {
    if (!value.empty()) field = value;
  };
  set(p.host, c.host);
  set(p.web, c.web);
  set(p.ca_file, c.ca_file);
  set(p.client_id, c.client_id);
  set(p.redirect_uri, c.redirect_uri);
  set(p.tls_cert, c.tls_cert);
  set(p.tls_key, c.tls_key);
  set(p.signing_cert, c.signing_cert);
  set(p.signing_key, c.signing_key);
  set(p.key_id, c.key_id);
  return p;
}

void print_body(const Common& c, const std::string& body) {
  if (body.empty()) return;
  std::string out = c.raw ? body : tpp::pretty_json(body);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (out.back() != '\n') std::fputc('\n', stdout);
}

// Prints the response and turns its status into the exit code.
int finish(const Common& c, const Response& r) {
  if (c.dry_run) return 0;
  print_body(c, r.body);
  if (r.status >= 200 && r.status < 300) return 0;
  std::fprintf(stderr, "sandbank tpp: the server answered HTTP %ld\n", r.status);
  return 1;
}

std::string body_or_file(const std::string& text) {
  if (!text.empty() && text.front() == '@') {
    std::FILE* f = std::fopen(text.c_str() + 1, "rb");
    if (f == nullptr) throw Error(400, "tpp.body_unreadable", "cannot read " + text.substr(1));
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
  }
  return text;
}

std::string registration_body(const State& s) {
  if (!s.body.empty()) return body_or_file(s.body);
  if (s.contact.empty() || s.redirect_uris.empty()) {
    throw Error(400, "tpp.usage", "give --contact and --redirect-uri (repeatable), or --body JSON");
  }
  boost::json::object o;
  o["contact"] = s.contact;
  boost::json::array uris;
  for (const auto& u : s.redirect_uris) uris.emplace_back(u);
  o["redirect_uris"] = std::move(uris);
  return boost::json::serialize(o);
}

std::string query_of(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += q.empty() ? "?" : "&";
    q += k + "=" + percent_encode(v);
  }
  return q;
}

int run_init(const State& s) {
  if (s.common.data_dir.empty()) {
    throw Error(400, "tpp.usage",
                "`sandbank tpp init` needs --data DIR (the sandbox's data directory)");
  }
  fs::path file =
      s.common.profile_file.empty() ? fs::path(kDefaultProfile) : fs::path(s.common.profile_file);
  if (fs::exists(file) && !s.force) {
    throw Error(400, "tpp.profile_exists", file.string() + " exists; pass --force to overwrite it");
  }
  auto p = tpp::profile_from_data_dir(s.common.data_dir, true);
  if (!s.common.host.empty()) p.host = s.common.host;
  if (!s.common.web.empty()) p.web = s.common.web;
  if (!s.common.redirect_uri.empty()) p.redirect_uri = s.common.redirect_uri;
  if (!s.common.client_id.empty()) p.client_id = s.common.client_id;
  tpp::save_profile(p, file);
  std::printf("wrote %s (host %s, web %s)\n", file.string().c_str(), p.host.c_str(), p.web.c_str());
  return 0;
}

}  // namespace

TppCommand add_tpp_commands(CLI::App& cli) {
  auto state = std::make_shared<State>();
  auto& s = *state;
  auto* tpp = cli.add_subcommand(
      "tpp", "The TPP toolkit: every step of ING's PSD2 Get Started guide, against any host");
  tpp->require_subcommand(1);
  tpp->fallthrough();
  auto& c = s.common;
  tpp->add_option("--data", c.data_dir,
                  "Local sandbox data directory: certificates from DIR/certs, URLs from "
                  "DIR/endpoints.json");
  tpp->add_option("--profile", c.profile_file, "Profile file (TOML); default ./sandbank-tpp.toml");
  tpp->add_option("--host", c.host, "API host URL (overrides the profile)");
  tpp->add_option("--web", c.web, "Authorization (myaccount) host URL (overrides the profile)");
  tpp->add_option("--ca", c.ca_file, "CA file (PEM) the server is verified against");
  tpp->add_option("--client-id", c.client_id, "client_id (default: learned and cached)");
  tpp->add_option("--redirect-uri", c.redirect_uri, "Redirect URI (overrides the profile)");
  tpp->add_option("--tls-cert", c.tls_cert, "TLS client certificate (QWAC, PEM)");
  tpp->add_option("--tls-key", c.tls_key, "TLS client key (PEM)");
  tpp->add_option("--signing-cert", c.signing_cert, "Signing certificate (QSealC, PEM)");
  tpp->add_option("--signing-key", c.signing_key, "Signing key (PEM)");
  tpp->add_option("--key-id", c.key_id, "keyId of the token request (default SN=<serial>)");
  tpp->add_option("--timeout", c.timeout, "Seconds per request")->capture_default_str();
  tpp->add_flag("--insecure", c.insecure, "Do not verify the server's certificate (never default)");
  tpp->add_flag("-v,--verbose", c.verbose,
                "Print request headers, Digest, signing string / JWS input, response headers");
  tpp->add_flag("--raw", c.raw, "Print the response body as received (no pretty-printing)");
  tpp->add_flag("--dry-run", c.dry_run, "Print the requests instead of sending them");

  // init
  auto* init = tpp->add_subcommand("init", "Write a profile for a local sandbox (--data DIR)");
  init->add_flag("--force", s.force, "Overwrite an existing profile");
  init->callback([&s] { s.init = true; });

  // register
  auto* reg = tpp->add_subcommand("register", "Step 1: POST /oauth2/applications (JWS-signed)");
  reg->add_option("--contact", s.contact, "Contact e-mail");
  reg->add_option("--redirect-uri", s.redirect_uris, "Redirect URI (repeatable)");
  reg->add_option("--body", s.body, "Request body (JSON, or @FILE) instead of the options");
  reg->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common, client.send(client.register_request(registration_body(s))));
    };
  });

  // token
  auto* token = tpp->add_subcommand("token", "Request an application token (signed, or --mtls)");
  token->add_flag("--mtls", s.mtls, "mTLS-only flow (step 2.1: for /oauth2/applications)");
  token->add_option("--scope", s.scope,
                    "Space-separated scopes (default: all the certificate allows)");
  token->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common,
                    s.mtls ? client.fetch_mtls_token(s.scope) : client.fetch_app_token(s.scope));
    };
  });

  // app show / update
  auto* app = tpp->add_subcommand("app", "The registered application (steps 2.2 and 2b)");
  app->require_subcommand(1);
  auto* show = app->add_subcommand("show", "GET /oauth2/applications/me (or --id)");
  show->add_option("--id", s.app_id, "Application id (client_id) instead of 'me'");
  show->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.mtls_token();
      return finish(s.common, client.send(client.app_show_request(token, s.app_id)));
    };
  });
  auto* update = app->add_subcommand("update", "PUT /oauth2/applications/{id} (JWS-signed)");
  update->add_option("--id", s.app_id, "Application id (default: the client_id)");
  update->add_option("--contact", s.contact, "Contact e-mail");
  update->add_option("--redirect-uri", s.redirect_uris, "Redirect URI (repeatable)");
  update->add_option("--body", s.body, "Request body (JSON, or @FILE) instead of the options");
  update->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto body = registration_body(s);
      auto token = client.mtls_token();
      auto id = s.app_id.empty() ? client.client_id() : s.app_id;
      return finish(s.common, client.send(client.app_update_request(token, id, body)));
    };
  });

  // authorize-url
  auto* authorize = tpp->add_subcommand("authorize-url", "Step 3a: the customer's consent URL");
  authorize->add_option("--country", s.country, "Two-letter country code (NL, BE, DE, ...)");
  authorize->add_option("--scope", s.authorize_scope, "Space-separated scopes")
      ->capture_default_str();
  authorize->add_option("--state", s.state, "State (default: random)");
  authorize->callback([&s] {
    s.action = [&s](TppClient& client) {
      std::string st = s.state;
      if (st.empty()) {
        SystemRandom random;
        st = random.hex(8);
      }
      std::printf("%s\n", client
                              .authorize_url(client.client_id(), s.country, s.authorize_scope, st,
                                             client.profile().redirect_uri)
                              .c_str());
      return 0;
    };
  });

  // exchange / refresh / revoke
  auto* exchange = tpp->add_subcommand("exchange", "Step 3d: authorization code -> customer token");
  exchange->add_option("code", s.code, "The code from the redirect")->required();
  exchange->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common, client.exchange(s.code, client.profile().redirect_uri));
    };
  });
  auto* refresh = tpp->add_subcommand("refresh", "Refresh the customer token");
  refresh->callback(
      [&s] { s.action = [&s](TppClient& client) { return finish(s.common, client.refresh()); }; });
  auto* revoke =
      tpp->add_subcommand("revoke", "Revoke the refresh token (POST /oauth2/token/revoke)");
  revoke->add_option("token", s.token, "Refresh token (default: the cached one)");
  revoke->callback([&s] {
    s.action = [&s](TppClient& client) { return finish(s.common, client.revoke(s.token)); };
  });

  // AIS
  auto* accounts = tpp->add_subcommand("accounts", "GET /v3/accounts (customer token)");
  accounts->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.customer_token();
      return finish(s.common,
                    client.send(client.ais_request(token, client.client_id(), "/v3/accounts")));
    };
  });
  auto* balances = tpp->add_subcommand("balances", "GET /v3/accounts/{id}/balances");
  balances->add_option("id", s.account_id, "Account id (resourceId)")->required();
  balances->add_option("--currency", s.currency, "Currency (multi-currency accounts)");
  balances->add_option("--balance-types", s.balance_types, "e.g. expected,closingBooked");
  balances->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.customer_token();
      std::string target = "/v3/accounts/" + percent_encode(s.account_id) + "/balances" +
                           query_of({{"balanceTypes", s.balance_types}, {"currency", s.currency}});
      return finish(s.common, client.send(client.ais_request(token, client.client_id(), target)));
    };
  });
  auto* transactions = tpp->add_subcommand("transactions", "GET /v2|v3/accounts/{id}/transactions");
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
                           query_of({{"dateFrom", s.date_from},
                                     {"dateTo", s.date_to},
                                     {"currency", s.currency},
                                     {"limit", s.limit}});
      int code = 0;
      for (int page = 0; page < 1000; ++page) {
        auto r = client.send(client.ais_request(token, id, target));
        code = finish(s.common, r);
        if (code != 0 || !s.all_pages || s.common.dry_run) break;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        const boost::json::value* next = nullptr;
        if (!ec && v.is_object()) {
          if (auto* t = v.as_object().if_contains("transactions"); t && t->is_object()) {
            if (auto* l = t->as_object().if_contains("_links"); l && l->is_object()) {
              if (auto* n = l->as_object().if_contains("next"); n && n->is_object()) {
                next = n->as_object().if_contains("href");
              }
            }
          }
        }
        if (next == nullptr || !next->is_string()) break;
        target = std::string(next->as_string());
      }
      return code;
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
  auto* pay = tpp->add_subcommand("pay", "POST /v1/payments/{product} (application token)");
  add_payment_options(pay);
  pay->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.app_token();
      return finish(s.common,
                    client.send(client.payment_request(token, client.client_id(), s.payment, false,
                                                       client.profile().redirect_uri, s.psu_ip)));
    };
  });
  auto* periodic = tpp->add_subcommand("periodic-pay", "POST /v1/periodic-payments/{product}");
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
  auto* status = tpp->add_subcommand("payment-status", "GET /v1/payments/{product}/{id}/status");
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
  auto* funds = tpp->add_subcommand("funds-check", "POST /v1/funds-confirmations (customer token)");
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
  auto* call = tpp->add_subcommand("call", "Any endpoint, with the right authentication");
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

  TppCommand command;
  command.command = tpp;
  command.run = [state]() -> int {
    auto& s = *state;
    try {
      if (s.init) return run_init(s);
      if (!s.action) return 2;
      auto profile = resolve_profile(s.common);
      SystemClock clock;
      SystemRandom random;
      tpp::Options options;
      options.insecure = s.common.insecure;
      options.dry_run = s.common.dry_run;
      options.timeout = std::chrono::seconds(s.common.timeout);
      const bool verbose = s.common.verbose;
      const bool dry_run = s.common.dry_run;
      options.observe = [verbose, dry_run](const Request& request, const Response* response) {
        if (dry_run) {
          std::string text = tpp::describe_request(request);
          std::fwrite(text.data(), 1, text.size(), stdout);
          std::fputc('\n', stdout);
          return;
        }
        if (!verbose) return;
        std::string text = tpp::describe_request(request);
        if (response != nullptr) text += tpp::describe_response(*response);
        std::fwrite(text.data(), 1, text.size(), stderr);
        std::fputc('\n', stderr);
      };
      TppClient client(std::move(profile), clock, random, std::move(options));
      return s.action(client);
    } catch (const Error& e) {
      std::fprintf(stderr, "sandbank tpp: %s [%s]\n", e.message().c_str(), e.code().c_str());
      return e.code() == "http.transport" ? 3 : (e.code() == "tpp.token_failed" ? 1 : 2);
    }
  };
  return command;
}

}  // namespace sandbank::app
