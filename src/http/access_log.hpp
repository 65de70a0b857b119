#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "core/clock.hpp"

namespace sandbank::http {

// One line per response the server wrote (or tried to write).
struct AccessLogEntry {
  TimePoint time;  // when the request started arriving (server clock)
  std::string listener;
  std::string method;  // empty when the request line was never parsed (431, 400)
  std::string target;
  unsigned status = 0;
  std::chrono::microseconds duration{0};  // first request byte to last response byte
  std::string client_certificate_serial;  // upper-case hex, no leading zeros; empty when none
  std::string detail_code;                // e.g. "mtls.certificate_missing"; empty on success
  std::string notice;                     // a leniency the request got (Request::notice)
  std::string response_id;
  std::string remote_address;
  std::size_t bytes = 0;  // response bytes written (status line, headers and body)
};

// Called on the connection's thread; must be thread-safe.
using AccessLogSink = std::function<void(const AccessLogEntry&)>;

// 2024-05-01T10:00:00Z api 127.0.0.1 "GET /health" 200 512 1.234ms cert=49BA5C71 detail=- id=...
std::string format_access_log_text(const AccessLogEntry& entry);
// {"time":"...","listener":"api","remote":"127.0.0.1","method":"GET","target":"/health",
//  "status":200,"bytes":512,"duration_ms":1.234,"client_certificate_serial":"49BA5C71",
//  "detail":"","response_id":"..."}
std::string format_access_log_json(const AccessLogEntry& entry);

// Logs each entry at info level to the spdlog logger named "access", in text or JSON-lines
// format. Registers a stdout logger with pattern "%v" under that name if none exists yet, so
// an application that wants the log elsewhere registers its own "access" logger first.
AccessLogSink make_access_log_sink(bool json);

}  // namespace sandbank::http
