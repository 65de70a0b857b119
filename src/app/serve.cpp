#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "api/scenario.hpp"
#include "app/bank_data.hpp"
#include "app/client_authenticator.hpp"
#include "app/commands.hpp"
#include "app/data_dir.hpp"
#include "app/listen_address.hpp"
#include "app/logging.hpp"
#include "app/routes.hpp"
#include "bank/bookings.hpp"
#include "bank/seed.hpp"
#include "core/error.hpp"
#include "http/server.hpp"
#include "web/page_scenarios.hpp"

namespace sandbank::app {

int run_serve(const ServeOptions& options) {
  setup_logging(options.log_level, options.log_format);
  auto api_address = parse_listen_address(options.api_listen);
  auto web_address = parse_listen_address(options.web_listen);
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  // Block the termination signals in every thread; this one waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  clock.set_offset(Seconds(options.clock_offset_seconds));
  SystemRandom random;
  auto profiles = load_profiles_option(options.profiles_file);
  auto dir = open_data_dir(options.data_dir, options.server_names, clock, random, options.store);
  if (dir.created) {
    spdlog::info(
        "created data directory {} with the sandbox PKI and the pre-registered "
        "application; the guide's example certificates are in {}",
        dir.root.string(), dir.certs_dir().string());
  }
  if (auto done = apply_mode_to_sandbox_application(*dir.store, dir.pki,
                                                    options.mode == "production", clock.now());
      !done.empty()) {
    spdlog::info("{}", done);
  }
  if (bank::seed_bank(*dir.store, profiles, bank::kDefaultSeed, clock.now())) {
    spdlog::info("seeded the simulated bank: {} test profiles with 13 months of history",
                 profiles.profiles.size());
  }

  auto trust = std::make_shared<crypto::TrustStore>();
  trust->add(dir.pki.ca);
  for (const auto& file : options.trust_files) trust->add_pem_file(file.string());
  const http::Limits& limits = options.limits;
  ClientAuthenticator authenticator(trust, *dir.store, clock, limits.max_client_chain);

  oauth::ApplicationRegistry registry(*dir.store, trust, clock, random);
  oauth::TokenService tokens(*dir.store, clock, random);
  oauth::Authorizations authorizations(*dir.store, clock, random);
  api::OAuthApi oauth_api{registry,
                          tokens,
                          clock,
                          [&authenticator](http::Request& request) {
                            return authenticator.authenticate(request)->certificate;
                          },
                          api::certificate_jwk(dir.pki.server),
                          [&options] { return options.diagnostics; }};
  web::AuthorizationApp authorization_app(
      [&registry](const std::string& client_id) { return registry.find(client_id); },
      [](const store::Application& application) {
        return oauth::ApplicationRegistry::allowed_scopes(application);
      },
      authorizations, dir.store->sessions(), profiles, clock, random);
  bank::PendingBookings bookings(*dir.store, clock);
  api::AisApi ais_api{oauth_api, dir.store->bank(), &bookings, &profiles};
  bank::PaymentService payments(*dir.store, clock, random);
  api::PisApi pis_api{oauth_api, payments, dir.store->bank()};
  api::CafApi caf_api{oauth_api, payments, dir.store->bank()};
  web::PaymentPage payment_page(payments, dir.store->bank(), dir.store->sessions(), profiles, clock,
                                random);
  api::GrantingApi granting_api{oauth_api, authorizations, pis_api.urls};
  web::GrantsSupport grants_support{
      tokens, authorizations,
      [&registry](const std::string& client_id) { return registry.find(client_id); },
      [](const store::Application& application) {
        return oauth::ApplicationRegistry::allowed_scopes(application);
      },
      profiles};
  // The request inspector: PostgreSQL keeps its records in the shared database, SQLite in a
  // file of its own beside the data, never synced (docs/inspector.md).
  std::unique_ptr<store::InspectorRepository> inspector_store;
  std::unique_ptr<Inspector> inspector;
  if (options.inspector.enabled) {
    inspector_store = store::open_inspector_store(store::is_postgres_spec(options.store)
                                                      ? options.store
                                                      : (dir.root / "inspector.db").string());
    inspector = std::make_unique<Inspector>(*inspector_store, options.inspector, clock, random);
  }
  Services services{*dir.store,        authenticator, clock,          dir.pki,
                    registry,          tokens,        authorizations, oauth_api,
                    authorization_app, ais_api,       pis_api,        caf_api,
                    payment_page,      granting_api,  grants_support, inspector.get()};
  auto api_router = make_api_router(services);
  auto web_router = make_web_router(services);
  // X-Sandbank-Scenario (docs/scenarios.md): a sandbox's test outcomes; production ignores it.
  if (options.mode != "production") {
    api::use_api_scenarios(*api_router, tokens);
    web::use_page_scenarios(*web_router);
  }
  api_router->set_diagnostics(options.diagnostics);
  web_router->set_diagnostics(options.diagnostics);

  auto server_cert = dir.pki.paths.server_cert.string();
  auto server_key = dir.pki.paths.server_key.string();
  std::vector<http::ListenerConfig> listeners;
  listeners.push_back(http::ListenerConfig{"api", api_address.host, api_address.port,
                                           http::TlsConfig{server_cert, server_key, true},
                                           api_router.get()});
  listeners.push_back(http::ListenerConfig{"web", web_address.host, web_address.port,
                                           http::TlsConfig{server_cert, server_key, false},
                                           web_router.get()});
  http::Server server(std::move(listeners), limits, threads,
                      http::make_access_log_sink(options.log_format == "json"));
  if (inspector) server.use_recorder(inspector.get());
  server.start();

  boost::json::object endpoints;
  endpoints["api"] = https_url(api_address.host, server.port("api"));
  endpoints["web"] = https_url(web_address.host, server.port("web"));
  pis_api.urls->set(std::string(endpoints["api"].as_string()),
                    std::string(endpoints["web"].as_string()));
  // The bank's clock: settles accepted payments, books periodic ones and the generated
  // histories' pending transactions as it passes them.
  std::jthread payment_clock([&payments, &bookings](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      std::unique_lock lock(mutex);
      wake.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
      lock.unlock();
      if (stop.stop_requested()) break;
      try {
        payments.run_due();
      } catch (const std::exception& e) {
        spdlog::warn("payment execution failed: {}", e.what());
      }
      try {
        bookings.catch_up();
      } catch (const std::exception& e) {
        spdlog::warn("booking pending transactions failed: {}", e.what());
      }
    }
  });
  auto endpoints_text = boost::json::serialize(endpoints) + "\n";
  write_file_atomically(dir.endpoints_file(), endpoints_text);
  if (!options.ready_file.empty()) write_file_atomically(options.ready_file, endpoints_text);
  spdlog::info("sandbank is serving: API {} (mutual TLS), customer web {}; data in {}",
               std::string(endpoints["api"].as_string()), std::string(endpoints["web"].as_string()),
               dir.root.string());

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, finishing in-flight requests",
               received == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  server.wait();
  inspector.reset();  // writes what is pending while the logger still exists
  std::error_code ec;
  std::filesystem::remove(dir.endpoints_file(), ec);
  spdlog::info("stopped cleanly");
  spdlog::shutdown();
  return 0;
}

}  // namespace sandbank::app
