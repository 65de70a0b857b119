#include "tpp/walkthrough.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "tpp/authorize.hpp"
#include "tpp/json_path.hpp"

namespace sandbank::tpp {
namespace {

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
      throw WalkFailed{exit_code_of(e)};
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
          pretty_json(r.body).c_str());
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

}  // namespace

int run_walkthrough(TppClient& client, const WalkthroughOptions& options) {
  Walkthrough walk(kWalkthroughSteps);
  const auto& redirect_uri = client.profile().redirect_uri;
  try {
    // Step 1: register (with the example certificates Sandbank answers the pre-registered app).
    if (options.no_register) {
      walk.skip("register", "POST /oauth2/applications", "--no-register");
    } else {
      boost::json::object body;
      body["contact"] = options.contact.empty() ? "walkthrough@tpp.example" : options.contact;
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
      auto token = client.tokens().any(TokenKind::Mtls)->access_token;
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
      auto outcome = authorize_as(client, options.test_profile, "", options.scope, state);
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
    Payment payment;
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

}  // namespace sandbank::tpp
