// sandbank: the PSD2 bank sandbox (`serve`), its certificate tools (`certs`), the TPP toolkit
// (`tpp`).

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/bank_data.hpp"
#include "app/commands.hpp"
#include "app/config_file.hpp"
#include "app/tpp_command.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  using namespace sandbank::app;
  CLI::App cli{"Sandbank: a self-hosted PSD2 bank sandbox that speaks ING's PSD2 API dialect"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string("sandbank ") + SANDBANK_VERSION);

  ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "Run the sandbox: API and customer web listeners");
  std::string config_file;
  serve_cmd->add_option("--config", config_file,
                        "TOML file with any of these options (key = value); the command line wins");
  serve_cmd->add_option("--data", serve.data_dir, "Data directory (created on first start)")
      ->capture_default_str();
  serve_cmd->add_option(
      "--store", serve.store,
      "Store: a postgresql:// URL (shared by several nodes; password from the "
      "URL, PGPASSWORD or ~/.pgpass) or a SQLite file (default: DATA/sandbank.db)");
  serve_cmd->add_option("--api-listen", serve.api_listen, "API listener HOST:PORT (mTLS)")
      ->capture_default_str();
  serve_cmd->add_option("--web-listen", serve.web_listen, "Customer web listener HOST:PORT")
      ->capture_default_str();
  serve_cmd->add_option("--ready-file", serve.ready_file,
                        "Write {\"api\":URL,\"web\":URL} here once both listeners accept");
  serve_cmd->add_option("--threads", serve.threads, "I/O and request threads (0 = cores)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  serve_cmd->add_option("--log-level", serve.log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  serve_cmd->add_option("--log-format", serve.log_format, "text|json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  serve_cmd->add_option("--server-name", serve.server_names,
                        "Extra DNS name or IP for the server certificate (first start only)");
  serve_cmd
      ->add_option("--trust", serve.trust_files,
                   "Extra CA bundle (PEM) trusted for TPP client certificates")
      ->check(CLI::ExistingFile);
  serve_cmd
      ->add_option("--profiles", serve.profiles_file,
                   "Test profiles file (JSON) instead of the built-in one")
      ->check(CLI::ExistingFile);
  serve_cmd
      ->add_option("--mode", serve.mode,
                   "sandbox: the guide's pre-registered application; production: none, every "
                   "TPP registers with POST /oauth2/applications first")
      ->check(CLI::IsMember({"sandbox", "production"}))
      ->capture_default_str();
  serve_cmd->add_flag("!--no-diagnostics", serve.diagnostics,
                      "Production-like errors: keep detail codes, omit detailed diagnostics");
  serve_cmd
      ->add_option("--clock-offset", serve.clock_offset_seconds,
                   "Seconds added to the system clock for the bank's clock (settlement, "
                   "periodic payments, expiry, signature Date windows)")
      ->capture_default_str();

  // What one client may cost the server (docs/reliability.md "Limits").
  auto& limits = serve.limits;
  auto count = [&](const char* name, std::size_t& value, std::size_t min, std::size_t max,
                   const char* what) {
    serve_cmd->add_option(name, value, what)->check(CLI::Range(min, max))->capture_default_str();
  };
  auto seconds = [&](const char* name, std::chrono::seconds& value, const char* what) {
    serve_cmd
        ->add_option_function<long long>(
            name, [&value](long long s) { value = std::chrono::seconds(s); }, what)
        ->check(CLI::Range(1LL, 86400LL))
        ->default_str(std::to_string(value.count()));
  };
  count("--max-connections", limits.max_connections, 1, 1000000,
        "Open connections, both listeners together; at the limit a new one replaces an idle one, "
        "or is closed when none is idle");
  count("--max-connections-per-client", limits.max_connections_per_client, 1, 1000000,
        "Open connections from one client (an IPv4 address, an IPv6 prefix); beyond it new ones "
        "are closed at once");
  serve_cmd
      ->add_option("--client-ipv6-prefix", limits.client_ipv6_prefix,
                   "Bits of an IPv6 address that name one client for "
                   "--max-connections-per-client (64: a /64 is one client)")
      ->check(CLI::Range(16u, 128u))
      ->capture_default_str();
  count("--max-header-bytes", limits.max_header_bytes, 1024, 1024 * 1024,
        "Request line and headers (with chunk extensions and trailers); beyond: 431");
  count("--max-body-bytes", limits.max_body_bytes, 1, std::size_t{1} << 30,
        "Request body; beyond: 413");
  count("--max-requests-per-connection", limits.max_requests_per_connection, 0, 100000000,
        "Requests on one kept-alive connection, then Connection: close (0: no limit)");
  count("--max-client-chain", limits.max_client_chain, 1, 100,
        "Certificates a TLS client may send, its own included; beyond: 401 "
        "mtls.certificate_chain_too_long");
  seconds("--handshake-timeout", limits.handshake_timeout, "Seconds for the TLS handshake");
  seconds("--first-request-timeout", limits.first_request_timeout,
          "Seconds from the accept to the first byte of a request, handshake included");
  seconds("--header-timeout", limits.header_timeout,
          "Seconds from the first byte of a request to the end of its header; then 408");
  seconds("--body-timeout", limits.body_timeout,
          "Seconds from the end of a request's header to the end of its body; then 408");
  seconds("--keep-alive-timeout", limits.keep_alive_timeout,
          "Seconds an idle kept-alive connection waits for its next request");
  seconds("--write-timeout", limits.write_timeout, "Seconds for writing one response");
  seconds("--stop-timeout", limits.stop_timeout,
          "Seconds in-flight requests may take to finish after SIGTERM/SIGINT");

  // The request inspector (docs/inspector.md).
  auto& inspector = serve.inspector;
  serve_cmd->add_flag("!--no-inspector", inspector.enabled,
                      "Record no requests (the request inspector is off)");
  count("--inspector-per-organisation", inspector.per_organisation, 1, 100000,
        "Requests the inspector keeps per TPP organisation (those without one count as one)");
  count("--inspector-total", inspector.total, 1, 1000000, "Requests the inspector keeps in all");
  count("--inspector-body-bytes", inspector.body_cap, 0, 1024 * 1024,
        "Bytes of each request and response body the inspector keeps");
  seconds("--inspector-link-lifetime", inspector.link_lifetime,
          "Seconds an inspector link (GET /sandbank/inspector) stays valid");
  serve_cmd
      ->add_option("--inspector-operator-key", inspector.operator_key,
                   "A secret of at least 16 characters: https://<web>/sandbank/inspector/<key> "
                   "shows every request, also those without a recognised client certificate")
      ->check(CLI::Validator(
          [](std::string& v) {
            return v.size() >= 16 && v.size() <= 128 ? std::string()
                                                     : std::string("16 to 128 characters");
          },
          "KEY"));

  // A scalar option given twice (config file, then command line): the last one wins.
  for (auto* option : serve_cmd->get_options()) {
    if (option->get_items_expected_max() == 1) {
      option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }

  auto* certs_cmd = cli.add_subcommand("certs", "Issue, revoke and inspect TPP certificates");
  certs_cmd->require_subcommand(1);

  CertsIssueOptions issue;
  auto* issue_cmd =
      certs_cmd->add_subcommand("issue", "Issue a TPP's TLS (QWAC) + signing (QSealC) pair");
  issue_cmd->add_option("--data", issue.data_dir, "Sandbox data directory")->capture_default_str();
  issue_cmd->add_option("--store", issue.store, "Store (as for serve --store)");
  issue_cmd
      ->add_option("--out", issue.out_dir, "Output directory for tls.cer/.key, signing.cer/.key")
      ->required();
  issue_cmd->add_option("--org", issue.organization, "Organisation name (O)")->required();
  issue_cmd->add_option("--org-id", issue.organization_identifier,
                        "organizationIdentifier, e.g. PSDNL-SBX-0000000001 (default: generated)");
  issue_cmd
      ->add_option("--roles", issue.roles,
                   "PSD2 roles, comma separated: PSP_AS,PSP_PI,PSP_AI,PSP_IC")
      ->capture_default_str();
  issue_cmd->add_option("--key", issue.key, "rsa2048|ec256")
      ->check(CLI::IsMember({"rsa2048", "ec256"}))
      ->capture_default_str();
  issue_cmd
      ->add_option("--style", issue.style,
                   "eidas: QWAC + QSealC by the sandbox CA; obie: UK Open Banking OBWac + OBSeal "
                   "by a new test CA written beside them (start serve with --trust OUT/ca.cer)")
      ->check(CLI::IsMember({"eidas", "obie"}))
      ->capture_default_str();

  std::filesystem::path revoke_data = "sandbank-data";
  std::filesystem::path revoke_file;
  auto* revoke_cmd = certs_cmd->add_subcommand("revoke", "Revoke a certificate in the sandbox");
  revoke_cmd->add_option("--data", revoke_data, "Sandbox data directory")->capture_default_str();
  std::string revoke_store;
  revoke_cmd->add_option("--store", revoke_store, "Store (as for serve --store)");
  revoke_cmd->add_option("file", revoke_file, "Certificate file (PEM)")
      ->required()
      ->check(CLI::ExistingFile);

  std::filesystem::path show_file;
  auto* show_cmd = certs_cmd->add_subcommand("show", "Print serial, fingerprints, roles");
  show_cmd->add_option("file", show_file, "Certificate file (PEM)")
      ->required()
      ->check(CLI::ExistingFile);

  DataResetOptions reset;
  auto* data_cmd = cli.add_subcommand("data", "Manage the simulated bank's data");
  data_cmd->require_subcommand(1);
  auto* reset_cmd = data_cmd->add_subcommand(
      "reset", "Restore the initial accounts and history (applications are kept)");
  reset_cmd->add_option("--data", reset.data_dir, "Sandbox data directory")->capture_default_str();
  reset_cmd->add_option("--store", reset.store, "Store (as for serve --store)");
  reset_cmd->add_option("--seed", reset.seed,
                        "Seed of the generated history (default: the built-in one)");
  reset_cmd->add_option("--profiles", reset.profiles_file, "Test profiles file (JSON)")
      ->check(CLI::ExistingFile);

  RoutesOptions routes;
  auto* routes_cmd = cli.add_subcommand(
      "routes", "Print the route tables: method, path, handler, errors, authentication");
  routes_cmd->add_option("--listener", routes.listener, "api, web or all")
      ->capture_default_str()
      ->check(CLI::IsMember({"api", "web", "all"}));
  routes_cmd->add_option("--format", routes.format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  InspectOptions inspect;
  auto* inspect_cmd = cli.add_subcommand(
      "inspect", "The request inspector's records of every client (the sandbox operator's view)");
  inspect_cmd->add_option("--data", inspect.data_dir, "Sandbox data directory")
      ->capture_default_str();
  inspect_cmd->add_option("--store", inspect.store, "Store (as for serve --store)");
  inspect_cmd->add_option("--last", inspect.last, "How many requests, newest first")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  inspect_cmd->add_option("--org", inspect.organisation,
                          "Only this organizationIdentifier's requests (-: those without one)");
  inspect_cmd->add_option("--format", inspect.format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  auto tpp = add_tpp_commands(cli);

  try {
    auto args = expand_config_file(std::vector<std::string>(argv, argv + argc));
    std::vector<const char*> expanded;
    for (const auto& a : args) expanded.push_back(a.c_str());
    try {
      cli.parse(static_cast<int>(expanded.size()), expanded.data());
    } catch (const CLI::ParseError& e) {
      return cli.exit(e);
    }

    if (serve_cmd->parsed()) return run_serve(serve);
    if (issue_cmd->parsed()) return run_certs_issue(issue);
    if (revoke_cmd->parsed()) return run_certs_revoke(revoke_data, revoke_file, revoke_store);
    if (show_cmd->parsed()) return run_certs_show(show_file);
    if (reset_cmd->parsed()) return run_data_reset(reset);
    if (routes_cmd->parsed()) return run_routes(routes);
    if (inspect_cmd->parsed()) return run_inspect(inspect);
    if (tpp.command->parsed()) return tpp.run();
  } catch (const sandbank::Error& e) {
    std::fprintf(stderr, "sandbank: %s [%s]\n", e.message().c_str(), e.code().c_str());
    if (!e.diagnostic().empty()) std::fprintf(stderr, "%s\n", e.diagnostic().c_str());
    return e.status() == 400 ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sandbank: %s\n", e.what());
    return 1;
  }
  return 0;
}
