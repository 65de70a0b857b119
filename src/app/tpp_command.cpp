#include "app/tpp_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/codes.hpp"
#include "app/tpp_cli.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "tpp/client.hpp"
#include "tpp/codes.hpp"
#include "tpp/profile.hpp"

namespace sandbank::app {
namespace fs = std::filesystem;
using tpp::Request;
using tpp::Response;
using tpp::TppClient;

namespace tpp_cli {

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
    if (f == nullptr) throw Error(400, codes::kTppBodyUnreadable, "cannot read " + text.substr(1));
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
  }
  return text;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += q.empty() ? "?" : "&";
    q += k + "=" + percent_encode(v);
  }
  return q;
}

}  // namespace tpp_cli

namespace {
using tpp_cli::Common;
using tpp_cli::kDefaultProfile;
using tpp_cli::State;

tpp::TppProfile resolve_profile(const Common& c) {
  tpp::TppProfile p;
  if (!c.profile_file.empty()) {
    p = tpp::load_profile(c.profile_file);
  } else if (!c.data_dir.empty()) {
    p = tpp::profile_from_data_dir(c.data_dir);
    if (p.host.empty() && c.host.empty()) {
      throw Error(400, tpp::codes::kTppNotConfigured,
                  "no " + (fs::path(c.data_dir) / "endpoints.json").string() +
                      ": is `sandbank serve --data " + c.data_dir +
                      "` running? Otherwise pass --host URL");
    }
  } else if (fs::exists(kDefaultProfile)) {
    p = tpp::load_profile(kDefaultProfile);
  } else {
    throw Error(400, tpp::codes::kTppNotConfigured,
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

int run_init(const State& s) {
  if (s.common.data_dir.empty()) {
    throw Error(400, codes::kTppUsage,
                "`sandbank tpp init` needs --data DIR (the sandbox's data directory)");
  }
  fs::path file =
      s.common.profile_file.empty() ? fs::path(kDefaultProfile) : fs::path(s.common.profile_file);
  if (fs::exists(file) && !s.force) {
    throw Error(400, codes::kTppProfileExists,
                file.string() + " exists; pass --force to overwrite it");
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
  auto state = std::make_shared<tpp_cli::State>();
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

  tpp_cli::add_oauth_commands(*tpp, s);
  tpp_cli::add_api_commands(*tpp, s);
  tpp_cli::add_inspect_command(*tpp, s);

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
      // -v: after a failed request, the inspector's link to what the server saw of it.
      const bool link_on_failure = verbose && !dry_run;
      int rc = 0;
      try {
        rc = s.action(client);
      } catch (const Error&) {
        if (link_on_failure) tpp_cli::print_inspector_link(client);
        throw;
      }
      if (rc != 0 && link_on_failure) tpp_cli::print_inspector_link(client);
      return rc;
    } catch (const Error& e) {
      std::fprintf(stderr, "sandbank tpp: %s [%s]\n", e.message().c_str(), e.code().c_str());
      return tpp::exit_code_of(e);
    }
  };
  return command;
}

}  // namespace sandbank::app
