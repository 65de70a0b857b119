// What the request inspector costs a signed AIS read (docs/performance.md "Request
// inspector"): the record of a GET /v3/accounts as ab sends it in bench/ais_load.sh (the
// headers, a 748-byte answer, the five checks it passes) made and queued N times, and the
// background writer storing its batches in a SQLite file, as `serve` runs it. Prints the
// process CPU time per request (every thread: the request path and the writer), and the
// request path's own time.
//   build/bench/inspector_bench [N]   (default 200000)
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "app/inspector.hpp"
#include "core/random.hpp"

namespace {

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sandbank;
  const long n = argc > 1 ? std::atol(argv[1]) : 200000;
  auto dir = std::filesystem::temp_directory_path() /
             ("sandbank-inspector-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  http::Request request;
  request.method = "GET";
  request.target = "/v3/accounts";
  request.listener = "api";
  request.remote_address = "127.0.0.1";
  request.response_id = "0f3c5e7a9b1d3f5a7c9e1b3d5f7a9c1e";
  const std::string token(812, 'T');
  request.headers = {
      {"Host", "127.0.0.1:8443"},
      {"User-Agent", "ApacheBench/2.3"},
      {"Accept", "*/*"},
      {"Date", "Wed, 02 Dec 2026 19:46:35 GMT"},
      {"Digest", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
      {"Authorization", "Bearer " + token},
      {"Signature",
       "keyId=\"5ca1ab1e-c0ca-c01a-cafe-154deadbea75\",algorithm=\"rsa-sha256\",headers=\"(request-"
       "target) date digest\",signature=\"" +
           std::string(344, 'S') + "\""},
  };
  http::Response response = http::Response::json(200, std::string(748, 'a'));
  response.set("X-Request-ID", "bench");
  const auto now = std::chrono::system_clock::now();

  SystemClock clock;
  SystemRandom random;
  auto repository = store::open_inspector_store((dir / "inspector.db").string());
  app::InspectorSettings settings;
  double path_seconds = 0;
  const double process_before = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  {
    app::Inspector inspector(*repository, settings, clock, random);
    const double thread_before = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    for (long i = 0; i < n; ++i) {
      http::RequestTrace trace;
      trace.checks.reserve(7);
      trace.passed(http::kCheckMtls);
      trace.organisation = "PSDNL-SBX-1234512345";
      trace.certificate_serial = "5A4D1C3B";
      trace.passed(http::kCheckToken);
      trace.client_id = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
      trace.passed(http::kCheckDate);
      trace.passed(http::kCheckDigest);
      trace.passed(http::kCheckSignature);
      trace.passed(http::kCheckConsent);
      trace.passed(http::kCheckScope);
      auto record = http::make_inspected_request(request, response, 200, now, "5A4D1C3B", &trace,
                                                 inspector.body_cap());
      inspector.record(std::move(record));
    }
    path_seconds = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - thread_before;
  }  // the writer's last batch included
  const double process_seconds = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_before;
  std::printf(
      "%ld requests: %.2f us CPU per request in all (request path %.2f us, writer %.2f us)\n", n,
      process_seconds / static_cast<double>(n) * 1e6, path_seconds / static_cast<double>(n) * 1e6,
      (process_seconds - path_seconds) / static_cast<double>(n) * 1e6);
  std::filesystem::remove_all(dir);
  return 0;
}
