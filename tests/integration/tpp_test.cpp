// `sandbank tpp` against a real `sandbank serve`.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

json::object object_of(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << text;
    return {};
  }
  return v.as_object();
}

std::string string_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class tpp_cli : public ServerSuite<tpp_cli> {
 protected:
  // Every test starts with an empty token cache (the server is shared within the process).
  void SetUp() override { fs::remove(cache_file()); }
  static std::string data() { return server_->data_dir().string(); }
  static fs::path cache_file() { return server_->data_dir() / "tpp-tokens.json"; }
  // `sandbank tpp --data DIR args...`
  static ProcessResult tpp(std::vector<std::string> args) {
    args.insert(args.begin(), {"tpp", "--data", data()});
    return sandbank(args);
  }
  // The token cache, every section.
  static json::object cache() { return object_of(read_file(cache_file())); }
  // Simulates the expiry of a cached token (all sections): expires_at in the past.
  static void expire(const std::string& kind) {
    auto root = cache();
    for (auto& [host, section] : root) {
      if (auto* token = section.as_object().if_contains(kind)) {
        token->as_object()["expires_at"] = "2001-01-01T00:00:00Z";
      }
    }
    std::ofstream(cache_file(), std::ios::trunc) << json::serialize(root);
  }
  static std::string cached(const std::string& kind, const std::string& field = "access_token") {
    for (auto& [host, section] : cache()) {
      if (auto* token = section.as_object().if_contains(kind)) {
        return string_at(token->as_object(), field);
      }
    }
    return "";
  }
  // The walk of docs/authorize.md with curl (independent of `sandbank tpp authorize`): a code
  // for `profile` in NL, redirect_uri https://www.example.com/.
  static std::string code_by_curl(const std::string& profile = "Jane Doe") {
    return authorization_code(*server_, guide_->new_jar(), profile,
                              "payment-accounts%3Abalances%3Aview+payment-accounts%3A"
                              "transactions%3Aview",
                              "https://www.example.com/", "s1");
  }
};

TEST_F(tpp_cli, CallWhoamiOverMutualTlsVerifiedAgainstTheSandboxCa) {
  auto r = sandbank({"tpp", "--data", data(), "call", "GET", "/sandbank/whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = boost::json::parse(r.out).as_object();
  EXPECT_EQ(v.at("serialNumber").as_string(), "5A4D1C3B");  // the example TLS certificate
  EXPECT_NE(r.out.find("\n  \""), std::string::npos) << "pretty-printed";
  auto raw = sandbank({"tpp", "--data", data(), "--raw", "call", "GET", "/sandbank/whoami"});
  EXPECT_EQ(raw.out.find("\n  "), std::string::npos);
}

TEST_F(tpp_cli, VerboseShowsRequestAndResponseHeaders) {
  auto r = sandbank({"tpp", "--data", data(), "-v", "call", "GET", "/health"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("> GET " + server_->api_url() + "/health"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("< X-ING-Response-ID: "), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"status\""), std::string::npos);
}

TEST_F(tpp_cli, DryRunRegisterPrintsTheSignedRequestWithoutSending) {
  auto r = sandbank({"tpp", "--data", data(), "-v", "--dry-run", "register", "--contact",
                     "test@ingsandbox.com", "--redirect-uri", "https://example.com"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("> POST " + server_->api_url() + "/oauth2/applications"), std::string::npos);
  EXPECT_NE(r.out.find("> x-jws-signature: ey"), std::string::npos);
  EXPECT_NE(r.out.find("> TPP-Signature-Certificate: -----BEGIN CERTIFICATE-----MII"),
            std::string::npos);
  EXPECT_NE(r.out.find(".(request-target): post /oauth2/applications\n*   digest: SHA-256="),
            std::string::npos);
  EXPECT_NE(
      r.out.find(R"(> {"contact":"test@ingsandbox.com","redirect_uris":["https://example.com"]})"),
      std::string::npos)
      << r.out;
}

TEST_F(tpp_cli, UntrustedServerIsRefusedUnlessInsecure) {
  // The system store does not know the sandbox CA.
  auto r = sandbank({"tpp", "--data", data(), "--ca", "/dev/null", "call", "GET", "/health"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto insecure = sandbank(
      {"tpp", "--data", data(), "--ca", "/dev/null", "--insecure", "call", "GET", "/health"});
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
}

TEST_F(tpp_cli, InitWritesAProfileThatWorks) {
  auto profile = (tmp_->path() / "p.toml").string();
  auto init = sandbank({"tpp", "init", "--data", data(), "--profile", profile});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto r = sandbank({"tpp", "--profile", profile, "call", "GET", "/sandbank/whoami"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto again = sandbank({"tpp", "init", "--data", data(), "--profile", profile});
  EXPECT_EQ(again.exit_code, 2);
}

TEST_F(tpp_cli, KeyMismatchIsReportedWithTheFileNames) {
  auto key = server_->cert("example_client_signing.key").string();
  auto r = sandbank({"tpp", "--data", data(), "--tls-key", key, "call", "GET", "/health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tpp.key_mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("example_client_signing.key"), std::string::npos) << r.err;
}

// ---- the guide's steps against the real server ------------------------------------------

TEST_F(tpp_cli, MtlsTokenLearnsTheClientIdThenSignedTokenAnswersIt) {
  auto mtls = tpp({"token", "--mtls"});
  ASSERT_EQ(mtls.exit_code, 0) << mtls.err;
  auto body = object_of(mtls.out);
  EXPECT_FALSE(string_at(body, "access_token").empty());
  EXPECT_EQ(body.at("expires_in").as_int64(), 905);
  EXPECT_EQ(cached("mtls"), string_at(body, "access_token"));

  auto signed_token = tpp({"-v", "token"});
  ASSERT_EQ(signed_token.exit_code, 0) << signed_token.err;
  auto app = object_of(signed_token.out);
  EXPECT_EQ(string_at(app, "client_id"), kSandboxClientId);
  EXPECT_EQ(string_at(app, "token_type"), "Bearer");
  EXPECT_NE(signed_token.err.find("> Authorization: Signature keyId=\"SN="), std::string::npos)
      << signed_token.err;
  EXPECT_NE(signed_token.err.find("< X-ING-Response-ID: "), std::string::npos);
  EXPECT_EQ(cached("application"), string_at(app, "access_token"));
  // The client_id is cached with the tokens.
  auto root = cache();
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(string_at(root.begin()->value().as_object(), "client_id"), kSandboxClientId);
  EXPECT_EQ(fs::status(cache_file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(tpp_cli, AppShowReusesTheCachedTokenAndRequestsAnotherWhenItExpired) {
  auto first = tpp({"-v", "app", "show"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto body = object_of(first.out);
  ASSERT_TRUE(body.contains("applications")) << first.out;
  EXPECT_EQ(string_at(body.at("applications").as_array().at(0).as_object(), "client_id"),
            kSandboxClientId);
  // First run: the signed token teaches the client_id, then the mTLS token.
  EXPECT_EQ(count_of(first.err, "> POST " + server_->api_url() + "/oauth2/token"), 2u) << first.err;
  auto token = cached("mtls");

  auto second = tpp({"-v", "app", "show"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(count_of(second.err, "/oauth2/token"), 0u) << second.err;
  EXPECT_NE(second.err.find("> Authorization: Bearer " + token), std::string::npos);

  expire("mtls");
  auto third = tpp({"-v", "app", "show"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(count_of(third.err, "> POST " + server_->api_url() + "/oauth2/token"), 1u) << third.err;
  EXPECT_NE(
      third.err.find(std::string("> grant_type=client_credentials&client_id=") + kSandboxClientId),
      std::string::npos)
      << third.err;
  EXPECT_NE(cached("mtls"), token);
}

TEST_F(tpp_cli, AppShowByIdAndUpdate) {
  auto show = tpp({"app", "show", "--id", kSandboxClientId});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(string_at(object_of(show.out).at("application").as_object(), "client_id"),
            kSandboxClientId);

  auto update = tpp({"app", "update", "--contact", "walk@tpp.example", "--redirect-uri",
                     "https://www.example.com/", "--redirect-uri", "https://example.com/redirect"});
  ASSERT_EQ(update.exit_code, 0) << update.err << update.out;
  EXPECT_EQ(string_at(object_of(update.out), "contact"), "walk@tpp.example") << update.out;
  auto again = tpp({"app", "show", "--id", kSandboxClientId});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto app = object_of(again.out);
  EXPECT_EQ(string_at(app, "contact"), "walk@tpp.example");
  EXPECT_EQ(app.at("application").at("redirect_uris").as_array().size(), 2u) << again.out;

  auto unknown = tpp({"app", "show", "--id", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("dcr.application_unknown"), std::string::npos) << unknown.out;
}

TEST_F(tpp_cli, SecondTppRegistersAndKeepsItsOwnTokensAndClientId) {
  auto issued =
      sandbank({"certs", "issue", "--data", data(), "--out", (tmp_->path() / "tpp2").string(),
                "--org", "Second TPP", "--org-id", "PSDNL-SBX-7777777777"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  auto dir = tmp_->path() / "tpp2";
  std::vector<std::string> second = {"tpp",
                                     "--data",
                                     data(),
                                     "--tls-cert",
                                     (dir / "tls.cer").string(),
                                     "--tls-key",
                                     (dir / "tls.key").string(),
                                     "--signing-cert",
                                     (dir / "signing.cer").string(),
                                     "--signing-key",
                                     (dir / "signing.key").string()};
  auto as_second = [&](std::vector<std::string> args) {
    args.insert(args.begin(), second.begin(), second.end());
    return sandbank(args);
  };
  auto reg = as_second({"-v", "register", "--contact", "second@tpp.example", "--redirect-uri",
                        "https://second.example/callback"});
  ASSERT_EQ(reg.exit_code, 0) << reg.err << reg.out;
  EXPECT_NE(reg.err.find("< HTTP/1.1 201"), std::string::npos) << reg.err;
  auto client_id = string_at(object_of(reg.out).at("application").as_object(), "client_id");
  ASSERT_FALSE(client_id.empty()) << reg.out;
  EXPECT_NE(client_id, kSandboxClientId);

  // The signed token answers the new client_id; it is cached apart from the first TPP's.
  auto token = as_second({"token"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  EXPECT_EQ(string_at(object_of(token.out), "client_id"), client_id);
  auto first = tpp({"token"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(string_at(object_of(first.out), "client_id"), kSandboxClientId);
  EXPECT_EQ(cache().size(), 2u) << json::serialize(cache());

  auto mine = as_second({"app", "show"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  auto apps = object_of(mine.out).at("applications").as_array();
  ASSERT_EQ(apps.size(), 1u) << mine.out;
  EXPECT_EQ(string_at(apps.at(0).as_object(), "client_id"), client_id);
  auto foreign = as_second({"app", "show", "--id", kSandboxClientId});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.out.find("dcr.not_your_application"), std::string::npos) << foreign.out;
}

TEST_F(tpp_cli, ExchangeRefreshAndRevokeWithACodeFromThePages) {
  auto code = code_by_curl();
  ASSERT_FALSE(code.empty());
  // A fresh cache: the exchange first learns the client_id from the signed token request.
  auto exchange = tpp({"-v", "exchange", "--", code});
  ASSERT_EQ(exchange.exit_code, 0) << exchange.err << exchange.out;
  EXPECT_NE(exchange.err.find("> grant_type=client_credentials\n"), std::string::npos);
  EXPECT_NE(exchange.err.find(std::string("> Signature: keyId=\"") + kSandboxClientId + "\""),
            std::string::npos)
      << exchange.err;
  EXPECT_NE(exchange.err.find("> grant_type=authorization_code&code=" + code +
                              "&redirect_uri=https%3A%2F%2Fwww.example.com%2F"),
            std::string::npos)
      << exchange.err;
  auto customer = object_of(exchange.out);
  EXPECT_EQ(cached("customer"), string_at(customer, "access_token"));
  EXPECT_EQ(cached("customer", "refresh_token"), string_at(customer, "refresh_token"));

  auto refresh = tpp({"refresh"});
  ASSERT_EQ(refresh.exit_code, 0) << refresh.err;
  auto refreshed = string_at(object_of(refresh.out), "access_token");
  EXPECT_FALSE(refreshed.empty());
  EXPECT_EQ(cached("customer"), refreshed);
  EXPECT_EQ(cached("customer", "refresh_token"), string_at(customer, "refresh_token"));

  // An expired customer token is refreshed before it is used.
  expire("customer");
  auto use = tpp({"-v", "call", "GET", "/v3/accounts"});
  EXPECT_NE(use.err.find("> grant_type=refresh_token&refresh_token="), std::string::npos)
      << use.err;
  EXPECT_NE(cached("customer"), refreshed);

  auto refresh_token = cached("customer", "refresh_token");
  auto revoke = tpp({"-v", "revoke"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err << revoke.out;
  EXPECT_NE(revoke.err.find("> token=" + refresh_token + "&token_type_hint=refresh_token"),
            std::string::npos)
      << revoke.err;
  EXPECT_EQ(cached("customer"), "");
  auto after = tpp({"refresh"});
  EXPECT_EQ(after.exit_code, 2);
  EXPECT_NE(after.err.find("tpp.no_refresh_token"), std::string::npos) << after.err;
  // RFC 7009: revoking it again is still 200.
  EXPECT_EQ(tpp({"revoke", "--", refresh_token}).exit_code, 0);
  // Codes are single use.
  auto reused = tpp({"exchange", "--", code});
  EXPECT_EQ(reused.exit_code, 1);
  EXPECT_NE(reused.out.find("grant.code_reused"), std::string::npos) << reused.out;
}

TEST_F(tpp_cli, ExchangeTakesTheWholeRedirectUrl) {
  auto code = code_by_curl();
  ASSERT_FALSE(code.empty());
  // The address the browser landed on, percent-encoded as a redirect carries it.
  std::string encoded;
  for (char c : code) encoded += c == '-' ? std::string("%2D") : std::string(1, c);
  auto exchange =
      tpp({"-v", "exchange", "https://www.example.com/?code=" + encoded + "&state=s-1#fragment"});
  ASSERT_EQ(exchange.exit_code, 0) << exchange.err << exchange.out;
  EXPECT_NE(exchange.err.find("> grant_type=authorization_code&code=" + code + "&"),
            std::string::npos)
      << exchange.err;
  EXPECT_FALSE(string_at(object_of(exchange.out), "access_token").empty());
  // A cancelled consent's redirect says so instead of sending a request.
  auto cancelled = tpp({"exchange", "https://www.example.com/?error=access_denied&state=s-1"});
  EXPECT_NE(cancelled.exit_code, 0);
  EXPECT_NE((cancelled.out + cancelled.err).find("error=access_denied"), std::string::npos)
      << cancelled.out << cancelled.err;
  auto no_code = tpp({"exchange", "https://www.example.com/?state=s-1"});
  EXPECT_NE(no_code.exit_code, 0);
  EXPECT_NE((no_code.out + no_code.err).find("tpp.code_missing"), std::string::npos)
      << no_code.out << no_code.err;
}

// ---- authorize: the pages walked without a browser ----------------------------------------

TEST_F(tpp_cli, AuthorizeWalksTheCountryAndProfilePagesAndPrintsTheCode) {
  auto r = tpp({"-v", "authorize", "--profile", "Jane Doe", "--state", "walk-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto out = object_of(r.out);
  EXPECT_EQ(string_at(out, "state"), "walk-1");
  EXPECT_FALSE(string_at(out, "code").empty());
  EXPECT_TRUE(string_at(out, "redirect").starts_with("https://www.example.com/?code="));
  // No country in the path: the country form, then the profiles, then the consent.
  EXPECT_NE(r.err.find("> GET " + server_->web_url() + "/authorize/v2?client_id="),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("> POST " + server_->web_url() + "/authorize/country"), std::string::npos);
  EXPECT_NE(r.err.find("> GET " + server_->web_url() + "/authorize/profiles"), std::string::npos);
  EXPECT_NE(r.err.find("> POST " + server_->web_url() + "/authorize/consent"), std::string::npos);
  EXPECT_NE(r.err.find("> Cookie: sandbank_authz="), std::string::npos);
  EXPECT_EQ(r.err.find("> GET https://www.example.com"), std::string::npos) << "not followed";

  auto exchange = tpp({"exchange", "--", string_at(out, "code")});
  EXPECT_EQ(exchange.exit_code, 0) << exchange.err << exchange.out;
}

TEST_F(tpp_cli, AuthorizeWithCountryInThePathAndExchange) {
  auto r = tpp({"authorize", "--profile", "alice and bob", "--country", "nl", "--exchange"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto out = object_of(r.out);
  auto token = out.at("token").as_object();
  EXPECT_FALSE(string_at(token, "refresh_token").empty()) << r.out;
  EXPECT_EQ(cached("customer"), string_at(token, "access_token"));
}

TEST_F(tpp_cli, AuthorizeExplainsWhatWentWrong) {
  auto nobody = tpp({"authorize", "--profile", "Nobody"});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.err.find("tpp.authorize_failed"), std::string::npos) << nobody.err;
  EXPECT_NE(nobody.err.find("Jane Doe"), std::string::npos) << "names the profiles offered";

  // Jane Doe cannot grant funds confirmation: not offered for that scope.
  auto scope = tpp({"authorize", "--profile", "Jane Doe", "--scope",
                    "payment-accounts:funds-availability:confirm"});
  EXPECT_EQ(scope.exit_code, 2);
  EXPECT_NE(scope.err.find("no test profile named 'Jane Doe'"), std::string::npos) << scope.err;

  auto bad_scope = tpp({"authorize", "--profile", "Jane Doe", "--scope", "everything"});
  EXPECT_EQ(bad_scope.exit_code, 2);
  EXPECT_NE(bad_scope.err.find("error=invalid_scope"), std::string::npos) << bad_scope.err;

  auto bad_redirect =
      tpp({"--redirect-uri", "https://evil.example/", "authorize", "--profile", "Jane Doe"});
  EXPECT_EQ(bad_redirect.exit_code, 2);
  EXPECT_NE(bad_redirect.err.find("invalid_request"), std::string::npos) << bad_redirect.err;
}

// ---- the whole guide ----------------------------------------------------------------------

TEST_F(tpp_cli, WalkthroughRunsTheGuideAndPrintsASummary) {
  auto r = tpp({"walkthrough"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  for (const char* step :
       {"register", "mTLS token", "app show", "app token", "authorize", "exchange", "accounts",
        "balances", "transactions", "payment", "payment status", "funds check", "refresh"}) {
    EXPECT_NE(r.out.find(std::string("] ") + step + " "), std::string::npos) << step << r.out;
  }
  EXPECT_NE(r.out.find("[13/13] refresh"), std::string::npos) << r.out;
  auto table = r.out.find("\nstep ");
  ASSERT_NE(table, std::string::npos) << r.out;
  auto summary = r.out.substr(table);
  EXPECT_NE(summary.find("x-ing-response-id"), std::string::npos);
  // Steps Sandbank implements succeed with a response id; the rest say they were skipped.
  EXPECT_TRUE(std::regex_search(
      summary, std::regex("\nregister +POST /oauth2/applications +200 +[0-9a-f]{32} +[0-9]+ ms")))
      << summary;
  EXPECT_TRUE(std::regex_search(summary, std::regex("\nexchange +POST /oauth2/token "
                                                    "\\(authorization_code\\) +200 +[0-9a-f]{32}")))
      << summary;
  EXPECT_TRUE(std::regex_search(summary, std::regex("\nauthorize +GET /authorize/v2 .* 302 ")))
      << summary;
  EXPECT_TRUE(std::regex_search(summary, std::regex("\naccounts +GET /v3/accounts +200 ")))
      << summary;
  EXPECT_TRUE(std::regex_search(summary, std::regex("\nrefresh +POST .* 200 "))) << summary;
  EXPECT_EQ(summary.find("FAILED"), std::string::npos) << summary;
  if (summary.find("skipped (404)") != std::string::npos) {
    EXPECT_NE(summary.find("NOT verified"), std::string::npos) << summary;
  }
  // The tokens it obtained are cached for the next commands.
  EXPECT_EQ(tpp({"accounts"}).exit_code, 0);
}

TEST_F(tpp_cli, WalkthroughStopsAtTheFirstFailureWithTheServersDiagnostic) {
  // An unknown test profile: the authorize step fails, nothing after it runs.
  auto r = tpp({"walkthrough", "--no-register", "--test-profile", "Nobody"});
  EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
  EXPECT_NE(r.out.find("skipped (--no-register)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[ 5/13] authorize"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[ 6/13]"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("step 'authorize' failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no test profile named 'Nobody'"), std::string::npos) << r.err;

  // A server error: the signed token with a keyId the server does not know.
  auto bad = tpp({"--key-id", "SN=DEADBEEF", "walkthrough"});
  EXPECT_EQ(bad.exit_code, 1) << bad.err << bad.out;
  EXPECT_NE(bad.out.find("FAILED"), std::string::npos) << bad.out;
  EXPECT_NE(bad.err.find("the server answered HTTP 4"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("\"detail\""), std::string::npos)
      << "the server's diagnostic: " << bad.err;
}

TEST_F(tpp_cli, TransactionsAllFollowsNextLinksIntoOneDocument) {
  ASSERT_EQ(tpp({"authorize", "--profile", "Jane Doe", "--exchange"}).exit_code, 0);
  auto accounts = tpp({"accounts"});
  if (accounts.exit_code == 1 && accounts.out.find("404") != std::string::npos) {
    GTEST_SKIP() << "the server has no AIS yet";
  }
  ASSERT_EQ(accounts.exit_code, 0) << accounts.err << accounts.out;
  auto id =
      string_at(object_of(accounts.out).at("accounts").as_array().at(0).as_object(), "resourceId");
  auto whole = tpp({"--raw", "transactions", id, "--from", "2026-01-01", "--limit", "1000"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err << whole.out;
  auto expected = object_of(whole.out).at("transactions").at("booked").as_array().size();
  ASSERT_GT(expected, 25u);
  auto all =
      tpp({"-v", "--raw", "transactions", id, "--from", "2026-01-01", "--limit", "25", "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_GE(count_of(all.err, "> GET "), 2u);
  EXPECT_NE(all.err.find("/transactions?next="), std::string::npos) << all.err;
  auto merged = object_of(all.out);
  EXPECT_EQ(merged.at("transactions").at("booked").as_array().size(), expected);
  EXPECT_FALSE(merged.at("transactions").as_object().contains("_links"));
}

}  // namespace
}  // namespace sandbank::testing
