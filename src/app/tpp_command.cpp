#include "app/tpp_command.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/strings.hpp"
#include "tpp/authorize.hpp"
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

// `exchange` takes the code, or the whole redirect the browser landed on
// (https://www.example.com/?code=...&state=...), whose code it reads; a redirect carrying
// error=... (the customer cancelled) is reported as such.
std::string code_from_argument(const std::string& argument) {
  auto query_start = argument.find('?');
  if (argument.find("://") == std::string::npos || query_start == std::string::npos) {
    return argument;
  }
  std::string_view query(argument);
  query.remove_prefix(query_start + 1);
  query = query.substr(0, query.find('#'));
  std::optional<std::string> code, error;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    auto name = pair.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (name == "code") code = percent_decode(value, true);
    if (name == "error") error = percent_decode(value, true).value_or(std::string(value));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  if (error) {
    throw Error(400, "tpp.authorization_refused",
                "The redirect carries error=" + *error + " instead of a code");
  }
  if (!code || code->empty()) {
    throw Error(400, "tpp.code_missing", "The redirect URL has no code parameter: " + argument);
  }
  return *code;
}

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
  // authorize
  std::string test_profile;
  bool exchange = false;
  // walkthrough
  std::string walk_profile = "Alice and Bob";
  std::string walk_scope =
      "payment-accounts:balances:view payment-accounts:transactions:view "
      "payment-accounts:funds-availability:confirm";
  bool no_register = false;
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

std::string random_state() {
  SystemRandom random;
  return random.hex(8);
}

// Steps 3a + 3b: the authorize URL, walked over HTTP. `country` empty: the URL has none and the
// country page is answered with NL.
tpp::AuthorizeOutcome authorize_as(TppClient& client, const std::string& profile_name,
                                   const std::string& country, const std::string& scope,
                                   const std::string& state) {
  tpp::AuthorizeWalk walk;
  walk.redirect_uri = client.profile().redirect_uri;
  walk.url = client.authorize_url(client.client_id(), country, scope, state, walk.redirect_uri);
  walk.profile_name = profile_name;
  if (!country.empty()) walk.country = country;
  auto outcome = tpp::walk_authorization(
      walk,
      [&client](std::string_view method, const std::string& url, const http::HeaderList& headers,
                std::string_view body) { return client.send_web(method, url, headers, body); });
  if (!outcome.error.empty()) {
    throw Error(
        400, "tpp.authorize_refused",
        "the authorization ended with error=" + outcome.error +
            (outcome.error_description.empty() ? "" : " (" + outcome.error_description + ")") +
            ": " + outcome.location);
  }
  if (outcome.code.empty()) {
    throw Error(400, "tpp.authorize_failed", "the redirect carries no code: " + outcome.location);
  }
  if (outcome.state != state) {
    throw Error(400, "tpp.authorize_failed",
                "the redirect's state '" + outcome.state + "' is not the one sent ('" + state +
                    "'): " + outcome.location);
  }
  return outcome;
}

// A link from a response (relative, or absolute on the API host) as a request target.
std::string link_target(std::string_view href) {
  auto scheme = href.find("://");
  if (scheme == std::string_view::npos) return std::string(href);
  auto path = href.find('/', scheme + 3);
  return path == std::string_view::npos ? "/" : std::string(href.substr(path));
}

const boost::json::value* path_of(const boost::json::value& v,
                                  std::initializer_list<std::string_view> keys) {
  const boost::json::value* at = &v;
  for (auto key : keys) {
    if (!at->is_object()) return nullptr;
    at = at->as_object().if_contains(key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::string string_path(const boost::json::value& v, std::initializer_list<std::string_view> keys) {
  auto* at = path_of(v, keys);
  return at != nullptr && at->is_string() ? std::string(at->as_string()) : std::string();
}

boost::json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value() : v;
}

// ---- walkthrough: the whole guide, one step after the other ---------------------------------

struct WalkStep {
  std::string name, endpoint, outcome, response_id;
  long status = 0;
  long long ms = 0;
};

struct WalkFailed {
  int exit_code;
};

class Walkthrough {
 public:
  explicit Walkthrough(int total) : total_(total) {}

  // Runs a step. Returns the response when it succeeded, nullopt when the target answered 404
  // (not implemented there: skipped). Throws WalkFailed after printing the diagnostic.
  std::optional<Response> run(const std::string& name, const std::string& endpoint,
                              const std::function<Response()>& action) {
    WalkStep step{name, endpoint, "", "", 0, 0};
    auto start = std::chrono::steady_clock::now();
    Response r;
    try {
      r = action();
    } catch (const Error& e) {
      step.ms = elapsed(start);
      step.outcome = "FAILED";
      record(step);
      std::fprintf(stderr, "sandbank tpp walkthrough: step '%s' failed: %s [%s]\n", name.c_str(),
                   e.message().c_str(), e.code().c_str());
      summary();
      throw WalkFailed{e.code() == "http.transport" ? 3 : (e.code() == "tpp.token_failed" ? 1 : 2)};
    }
    step.ms = elapsed(start);
    step.status = r.status;
    step.response_id = r.header("X-ING-Response-ID").value_or("");
    if (r.status == 404) {
      step.outcome = "skipped (404)";
      ++skipped_404_;
      record(step);
      return std::nullopt;
    }
    if (r.status < 200 || r.status >= 400) {
      step.outcome = "FAILED";
      record(step);
      std::fprintf(
          stderr,
          "sandbank tpp walkthrough: step '%s' (%s) failed: the server answered HTTP "
          "%ld%s\n%s\n",
          name.c_str(), endpoint.c_str(), r.status,
          step.response_id.empty() ? "" : (" (X-ING-Response-ID " + step.response_id + ")").c_str(),
          tpp::pretty_json(r.body).c_str());
      summary();
      throw WalkFailed{1};
    }
    step.outcome = "ok";
    record(step);
    return r;
  }

  void skip(const std::string& name, const std::string& endpoint, const std::string& why) {
    record({name, endpoint, "skipped (" + why + ")", "", 0, 0});
  }

  void summary() const {
    std::printf("\n%-18s %-52s %-16s %-34s %s\n", "step", "endpoint", "status", "x-ing-response-id",
                "time");
    for (const auto& st : steps_) {
      std::string status = st.status == 0       ? st.outcome
                           : st.outcome == "ok" ? std::to_string(st.status)
                                                : std::to_string(st.status) + " " + st.outcome;
      if (st.outcome.starts_with("skipped (404)")) status = "skipped (404)";
      std::printf("%-18s %-52s %-16s %-34s %lld ms\n", st.name.c_str(), st.endpoint.c_str(),
                  status.c_str(), st.response_id.empty() ? "-" : st.response_id.c_str(), st.ms);
    }
    int skipped = 0;
    for (const auto& st : steps_) skipped += st.outcome.starts_with("skipped") ? 1 : 0;
    if (skipped_404_ > 0) {
      std::printf(
          "\n%d step(s) skipped because the target answered 404: that endpoint is not "
          "implemented there (steps that need its answer are skipped too). They were NOT "
          "verified.\n",
          skipped_404_);
    } else if (skipped > 0) {
      std::printf("\n%d step(s) skipped (see above); they were NOT verified.\n", skipped);
    }
    std::fflush(stdout);
  }

 private:
  static long long elapsed(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  }
  void record(const WalkStep& st) {
    steps_.push_back(st);
    std::string status = st.status == 0       ? st.outcome
                         : st.outcome == "ok" ? std::to_string(st.status)
                                              : std::to_string(st.status) + " " + st.outcome;
    if (st.outcome.starts_with("skipped (404)"))
      status = "404, skipped: not implemented by the target";
    std::printf("[%2zu/%d] %-18s %-52s %s (%lld ms)\n", steps_.size(), total_, st.name.c_str(),
                st.endpoint.c_str(), status.c_str(), st.ms);
    std::fflush(stdout);
  }

  int total_;
  int skipped_404_ = 0;
  std::vector<WalkStep> steps_;
};

int run_walkthrough(const State& s, TppClient& client) {
  if (s.common.dry_run) {
    throw Error(400, "tpp.usage",
                "the walkthrough needs each step's answer for the next; it cannot --dry-run");
  }
  constexpr int kSteps = 13;
  Walkthrough walk(kSteps);
  const auto& redirect_uri = client.profile().redirect_uri;
  try {
    // Step 1: register (with the example certificates Sandbank answers the pre-registered app).
    if (s.no_register) {
      walk.skip("register", "POST /oauth2/applications", "--no-register");
    } else {
      boost::json::object body;
      body["contact"] = s.contact.empty() ? "walkthrough@tpp.example" : s.contact;
      boost::json::array uris;
      if (!redirect_uri.empty()) uris.emplace_back(redirect_uri);
      body["redirect_uris"] = std::move(uris);
      auto r = walk.run("register", "POST /oauth2/applications", [&] {
        return client.send(client.register_request(boost::json::serialize(body)));
      });
      if (r) {
        auto id = string_path(parse_or_null(r->body), {"application", "client_id"});
        if (!id.empty() && client.profile().client_id.empty()) client.tokens().set_client_id(id);
      }
    }
    // Step 2: mTLS-only token and the application's metadata.
    auto mtls = walk.run("mTLS token", "POST /oauth2/token (client_id, mTLS)",
                         [&] { return client.fetch_mtls_token(); });
    if (mtls) {
      auto token = client.tokens().any(tpp::TokenKind::Mtls)->access_token;
      walk.run("app show", "GET /oauth2/applications/me",
               [&] { return client.send(client.app_show_request(token, "me")); });
    } else {
      walk.skip("app show", "GET /oauth2/applications/me", "no mTLS token");
    }
    // Step 3: signed application token, the customer's consent, the code exchange.
    walk.run("app token", "POST /oauth2/token (signed)", [&] { return client.fetch_app_token(); });
    std::string state = random_state();
    std::string code;
    walk.run("authorize", "GET /authorize/v2 (web) ... 302", [&] {
      auto outcome = authorize_as(client, s.walk_profile, "", s.walk_scope, state);
      code = outcome.code;
      Response r;
      r.status = outcome.status;
      return r;
    });
    auto exchanged = walk.run("exchange", "POST /oauth2/token (authorization_code)",
                              [&] { return client.exchange(code, redirect_uri); });
    // Step 4: AIS, PIS, CAF as far as the target has them.
    std::string token = exchanged ? client.customer_token() : "";
    auto id = client.client_id();
    std::string iban;
    auto accounts = walk.run("accounts", "GET /v3/accounts", [&] {
      return client.send(client.ais_request(token, id, "/v3/accounts"));
    });
    const boost::json::value* account = nullptr;
    boost::json::value accounts_body;
    if (accounts) {
      accounts_body = parse_or_null(accounts->body);
      if (auto* list = path_of(accounts_body, {"accounts"});
          list && list->is_array() && !list->as_array().empty()) {
        account = &list->as_array().front();
      }
    }
    if (account != nullptr) {
      auto resource = string_path(*account, {"resourceId"});
      iban = string_path(*account, {"iban"});
      auto balances = string_path(*account, {"_links", "balances", "href"});
      auto transactions = string_path(*account, {"_links", "transactions", "href"});
      if (balances.empty()) balances = "/v3/accounts/" + resource + "/balances";
      if (transactions.empty()) transactions = "/v3/accounts/" + resource + "/transactions";
      walk.run("balances", "GET /v3/accounts/{id}/balances",
               [&] { return client.send(client.ais_request(token, id, link_target(balances))); });
      walk.run(
          "transactions",
          "GET " + link_target(transactions).substr(0, 3) + "/accounts/{id}/transactions",
          [&] { return client.send(client.ais_request(token, id, link_target(transactions))); });
    } else {
      std::string why = accounts ? "no account in the answer" : "no AIS";
      walk.skip("balances", "GET /v3/accounts/{id}/balances", why);
      walk.skip("transactions", "GET /v2/accounts/{id}/transactions", why);
    }
    tpp::Payment payment;
    payment.amount = "1.00";
    payment.creditor_iban = "AT861921125678901234";
    payment.creditor_name = "Laura Musterfrau";
    payment.remittance = "sandbank tpp walkthrough";
    auto app_token = client.app_token();
    auto paid = walk.run("payment", "POST /v1/payments/sepa-credit-transfers", [&] {
      return client.send(
          client.payment_request(app_token, id, payment, false, redirect_uri, "127.0.0.1"));
    });
    auto payment_id = paid ? string_path(parse_or_null(paid->body), {"paymentId"}) : "";
    if (!payment_id.empty()) {
      walk.run("payment status", "GET /v1/payments/sepa-credit-transfers/{id}/status", [&] {
        return client.send(
            client.payment_status_request(app_token, id, payment.product, payment_id, false));
      });
    } else {
      walk.skip("payment status", "GET /v1/payments/sepa-credit-transfers/{id}/status",
                paid ? "no paymentId in the answer" : "no PIS");
    }
    if (!iban.empty()) {
      walk.run("funds check", "POST /v1/funds-confirmations", [&] {
        return client.send(client.funds_check_request(token, id, iban, "10.00", "EUR"));
      });
    } else {
      walk.skip("funds check", "POST /v1/funds-confirmations", "no account IBAN (no AIS)");
    }
    walk.run("refresh", "POST /oauth2/token (refresh_token)", [&] { return client.refresh(); });
  } catch (const WalkFailed& failed) {
    return failed.exit_code;
  }
  walk.summary();
  return 0;
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

  // authorize (3a + 3b without a browser)
  auto* authz = tpp->add_subcommand(
      "authorize",
      "Steps 3a-3b without a browser: walk the authorization pages as a test profile, print the "
      "code");
  authz->add_option("--profile", s.test_profile, "Test profile name, e.g. \"Jane Doe\"")
      ->required();
  authz->add_option("--country", s.country,
                    "Country code in the authorize URL (default: none, NL chosen on the country "
                    "page)");
  authz->add_option("--scope", s.authorize_scope, "Space-separated scopes")->capture_default_str();
  authz->add_option("--state", s.state, "State (default: random)");
  authz->add_flag("--exchange", s.exchange, "Also exchange the code for a customer token (3d)");
  authz->callback([&s] {
    s.action = [&s](TppClient& client) {
      std::string st = s.state.empty() ? random_state() : s.state;
      if (s.common.dry_run) {
        std::printf("GET %s\n", client
                                    .authorize_url(client.client_id(), s.country, s.authorize_scope,
                                                   st, client.profile().redirect_uri)
                                    .c_str());
        return 0;
      }
      auto outcome = authorize_as(client, s.test_profile, s.country, s.authorize_scope, st);
      boost::json::object o;
      o["code"] = outcome.code;
      o["state"] = outcome.state;
      o["redirect"] = outcome.location;
      int code = 0;
      if (s.exchange) {
        auto r = client.exchange(outcome.code, client.profile().redirect_uri);
        boost::system::error_code ec;
        auto body = boost::json::parse(r.body, ec);
        o["token"] = ec ? boost::json::value(r.body) : body;
        if (r.status != 200) {
          std::fprintf(stderr, "sandbank tpp: the code exchange answered HTTP %ld\n", r.status);
          code = 1;
        }
      }
      print_body(s.common, boost::json::serialize(o));
      return code;
    };
  });

  // walkthrough
  auto* walkthrough = tpp->add_subcommand(
      "walkthrough",
      "The whole guide against the target: register, tokens, app show, authorize, exchange, AIS, "
      "PIS, CAF, refresh; a summary table");
  walkthrough->add_option("--test-profile", s.walk_profile, "Test profile to authorize as")
      ->capture_default_str();
  walkthrough->add_option("--scope", s.walk_scope, "Scopes the customer grants")
      ->capture_default_str();
  walkthrough->add_option("--contact", s.contact, "Contact e-mail of the registration");
  walkthrough->add_flag("--no-register", s.no_register,
                        "Skip step 1 (use an application registered before)");
  walkthrough->callback(
      [&s] { s.action = [&s](TppClient& client) { return run_walkthrough(s, client); }; });

  // exchange / refresh / revoke
  auto* exchange = tpp->add_subcommand("exchange", "Step 3d: authorization code -> customer token");
  exchange
      ->add_option("code", s.code,
                   "The code from the redirect, or the whole redirect URL (code read from it)")
      ->required();
  exchange->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common,
                    client.exchange(code_from_argument(s.code), client.profile().redirect_uri));
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
      if (!s.all_pages || s.common.dry_run) {
        return finish(s.common, client.send(client.ais_request(token, id, target)));
      }
      // --all: every page (following transactions._links.next), printed as one document with
      // the booked, pending and info lists concatenated.
      boost::json::value merged;
      for (int page = 0; page < 10000; ++page) {
        auto r = client.send(client.ais_request(token, id, target));
        if (r.status < 200 || r.status >= 300) return finish(s.common, r);
        auto v = parse_or_null(r.body);
        auto* t = path_of(v, {"transactions"});
        if (t == nullptr || !t->is_object()) return finish(s.common, r);
        std::string next = string_path(v, {"transactions", "_links", "next", "href"});
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
        target = link_target(next);
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
