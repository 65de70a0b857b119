#pragma once

// Internal to `sandbank tpp` (src/app/tpp_*.cpp): the parsed command line shared by the command
// families and the output helpers they finish with. tpp_command.cpp holds the global options
// (and `init`, the profiles) and the run; tpp_oauth_commands.cpp the onboarding and token commands
// (init, register, token, app, authorize-url, authorize, walkthrough, exchange, refresh, revoke);
// tpp_api_commands.cpp the AIS, PIS, CAF commands and `call`.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tpp/client.hpp"
#include "tpp/walkthrough.hpp"

namespace sandbank::app::tpp_cli {

inline constexpr const char* kDefaultProfile = "sandbank-tpp.toml";

// The options before the subcommand.
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
  std::function<int(tpp::TppClient&)> action;  // the parsed subcommand
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
  tpp::WalkthroughOptions walk;
  // exchange / revoke
  std::string code, token;
  // AIS
  std::string account_id, currency, balance_types, date_from, date_to, limit;
  std::string ais_version = "v2";
  bool all_pages = false;
  // PIS / CAF
  tpp::Payment payment;
  std::string psu_ip = "127.0.0.1";
  std::string payment_id;
  bool periodic = false;
  std::string iban;
  // call
  std::string method, target, auth = "auto";
  // inspect
  int last = 20;
};

// The command families, registered on `sandbank tpp` in the order `--help` lists them.
void add_oauth_commands(CLI::App& tpp, State& s);   // tpp_oauth_commands.cpp
void add_api_commands(CLI::App& tpp, State& s);     // tpp_api_commands.cpp
void add_inspect_command(CLI::App& tpp, State& s);  // tpp_inspect_command.cpp

// The request inspector's link for this TPP (GET /sandbank/inspector), printed on stderr after
// a failed request with -v; nothing when the server has none.
void print_inspector_link(tpp::TppClient& client);

// The response body on stdout: pretty-printed JSON, or as received with --raw.
void print_body(const Common& c, const std::string& body);
// Prints the response and turns its status into the exit code (0 for 2xx, else 1).
int finish(const Common& c, const tpp::Response& r);
// `text`, or the content of the file FILE when it is `@FILE`.
std::string body_or_file(const std::string& text);
// "?k=v&..." of the parameters with a value (values percent-encoded); "" when none has one.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace sandbank::app::tpp_cli
