#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/inspector.hpp"
#include "http/server.hpp"

namespace sandbank::app {

struct ServeOptions {
  std::filesystem::path data_dir = "sandbank-data";
  std::string api_listen = "127.0.0.1:8443";
  std::string web_listen = "127.0.0.1:8444";
  std::filesystem::path ready_file;
  int threads = 0;  // 0: one per core
  std::string log_level = "info";
  std::string log_format = "text";
  std::vector<std::string> server_names;
  std::vector<std::filesystem::path> trust_files;
  std::filesystem::path profiles_file;  // empty: the built-in test profiles
  bool diagnostics = true;
  long long clock_offset_seconds = 0;  // the bank's clock = system clock + this
  std::string mode = "sandbox";        // "sandbox" | "production" (no pre-registered app)
  http::Limits limits;                 // docs/reliability.md "Limits"
  std::string store;            // --store: a PostgreSQL URL or SQLite file; "" = DATA/sandbank.db
  InspectorSettings inspector;  // docs/inspector.md
};

// `sandbank serve`: runs until SIGINT/SIGTERM; returns the process exit code.
int run_serve(const ServeOptions& options);

struct CertsIssueOptions {
  std::filesystem::path data_dir = "sandbank-data";
  std::filesystem::path out_dir;
  std::string organization;
  std::string organization_identifier;
  std::string roles = "PSP_AI,PSP_PI,PSP_IC";
  std::string key = "rsa2048";
  std::string style = "eidas";  // "eidas" (QWAC/QSealC by the sandbox CA) | "obie"
  std::string store;            // as ServeOptions::store
};
int run_certs_issue(const CertsIssueOptions& options);
int run_certs_revoke(const std::filesystem::path& data_dir, const std::filesystem::path& file,
                     const std::string& store = {});
int run_certs_show(const std::filesystem::path& file);

struct RoutesOptions {
  std::string listener = "all";  // "api" | "web" | "all"
  std::string format = "text";   // "text" | "json"
};
// `sandbank routes`: prints the route tables (method, path, handler, error body, what a request
// must bring).
int run_routes(const RoutesOptions& options);

struct InspectOptions {
  std::filesystem::path data_dir = "sandbank-data";
  std::string store;  // as ServeOptions::store
  std::size_t last = 20;
  std::string organisation;     // only this organisation's ("-": those without one)
  std::string format = "text";  // "text" | "json"
};
// `sandbank inspect`: the operator's view of the request inspector, read from the store on
// this machine: every organisation's requests and those without a recognised certificate.
int run_inspect(const InspectOptions& options);

}  // namespace sandbank::app
