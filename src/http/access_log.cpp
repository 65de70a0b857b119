#include "http/access_log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/time_format.hpp"

namespace sandbank::http {

namespace {

double milliseconds(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

std::string_view or_dash(const std::string& s) {
  return s.empty() ? std::string_view("-") : s;
}

}  // namespace

std::string format_access_log_text(const AccessLogEntry& e) {
  if (!e.notice.empty()) {
    return fmt::format("{} {} {} \"{} {}\" {} {} {:.3f}ms cert={} detail={} id={} notice={}",
                       format_rfc3339(e.time), e.listener, or_dash(e.remote_address),
                       or_dash(e.method), or_dash(e.target), e.status, e.bytes,
                       milliseconds(e.duration), or_dash(e.client_certificate_serial),
                       or_dash(e.detail_code), or_dash(e.response_id), e.notice);
  }
  return fmt::format("{} {} {} \"{} {}\" {} {} {:.3f}ms cert={} detail={} id={}",
                     format_rfc3339(e.time), e.listener, or_dash(e.remote_address),
                     or_dash(e.method), or_dash(e.target), e.status, e.bytes,
                     milliseconds(e.duration), or_dash(e.client_certificate_serial),
                     or_dash(e.detail_code), or_dash(e.response_id));
}

std::string format_access_log_json(const AccessLogEntry& e) {
  boost::json::object o;
  o["time"] = format_rfc3339(e.time);
  o["listener"] = e.listener;
  o["remote"] = e.remote_address;
  o["method"] = e.method;
  o["target"] = e.target;
  o["status"] = e.status;
  o["bytes"] = e.bytes;
  o["duration_ms"] = milliseconds(e.duration);
  o["client_certificate_serial"] = e.client_certificate_serial;
  o["detail"] = e.detail_code;
  o["response_id"] = e.response_id;
  if (!e.notice.empty()) o["notice"] = e.notice;
  return boost::json::serialize(o);
}

AccessLogSink make_access_log_sink(bool json) {
  std::shared_ptr<spdlog::logger> logger = spdlog::get("access");
  if (!logger) {
    logger = std::make_shared<spdlog::logger>("access",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
    logger->set_pattern("%v");
    try {
      spdlog::register_logger(logger);
    } catch (const spdlog::spdlog_ex&) {
      // Registered by another thread in the meantime: use that one.
      if (auto existing = spdlog::get("access")) logger = existing;
    }
  }
  // A line is formatted only when the logger's level lets it through (--log-level warn
  // silences the access log).
  if (json) {
    return [logger](const AccessLogEntry& e) {
      if (logger->should_log(spdlog::level::info)) logger->info(format_access_log_json(e));
    };
  }
  return [logger](const AccessLogEntry& e) {
    if (logger->should_log(spdlog::level::info)) logger->info(format_access_log_text(e));
  };
}

}  // namespace sandbank::http
