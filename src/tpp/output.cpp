// The CLI's output of the TPP toolkit (declared in tpp/client.hpp): the pretty-printed answers,
// the -v / --dry-run request and response lines, the clock-skew warning and the exit codes.

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/time_format.hpp"
#include "http/codes.hpp"
#include "tpp/client.hpp"
#include "tpp/codes.hpp"

namespace sandbank::tpp {
namespace json = boost::json;

namespace {

void pretty(const json::value& v, std::string& out, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.as_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& [k, value] : o) {
        if (!first) out += ",\n";
        first = false;
        pad(indent + 1);
        out += json::serialize(json::string(k));
        out += ": ";
        pretty(value, out, indent + 1);
      }
      out += "\n";
      pad(indent);
      out += "}";
      return;
    }
    case json::kind::array: {
      const auto& a = v.as_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& value : a) {
        if (!first) out += ",\n";
        first = false;
        pad(indent + 1);
        pretty(value, out, indent + 1);
      }
      out += "\n";
      pad(indent);
      out += "]";
      return;
    }
    default:
      out += json::serialize(v);
  }
}

}  // namespace

std::optional<std::string> clock_skew_warning(std::string_view server_date, TimePoint now,
                                              Seconds limit) {
  auto parsed = parse_http_date(server_date);
  if (!parsed) return std::nullopt;
  auto skew = std::chrono::duration_cast<Seconds>(parsed->time - now);
  if (skew < -limit || skew > limit) {
    return "the server's clock (" + std::string(server_date) + ") differs from this machine's by " +
           std::to_string(std::abs(skew.count())) +
           " s; signed requests are refused beyond 180 s, so check the clock (NTP)";
  }
  return std::nullopt;
}

int exit_code_of(const Error& error) {
  if (error.code() == http::codes::kHttpTransport) return 3;
  return error.code() == codes::kTppTokenFailed ? 1 : 2;
}

std::string pretty_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !(v.is_object() || v.is_array())) return std::string(text);
  std::string out;
  pretty(v, out, 0);
  return out;
}

std::string describe_request(const Request& r) {
  std::string out;
  auto block = [&](std::string_view title, std::string_view text) {
    out += "* ";
    out += title;
    out += ":\n";
    for (auto line : split(text, '\n')) {
      out += "*   ";
      out += line;
      out += "\n";
    }
  };
  if (!r.trace.digest.empty()) out += "* Digest: " + r.trace.digest + "\n";
  if (!r.trace.signing_string.empty()) block("Signing string", r.trace.signing_string);
  if (!r.trace.jws_protected_header.empty()) {
    out += "* JWS protected header: " + r.trace.jws_protected_header + "\n";
  }
  if (!r.trace.jws_signing_input.empty()) block("JWS signing input", r.trace.jws_signing_input);
  out += "> " + r.method + " " + r.url + "\n";
  for (const auto& [n, v] : r.headers) out += "> " + n + ": " + v + "\n";
  if (!r.body.empty()) out += ">\n> " + r.body + "\n";
  return out;
}

std::string describe_response(const Response& r) {
  std::string out = "< " + (r.http_version.empty() ? std::string("HTTP") : r.http_version) + " " +
                    std::to_string(r.status) + "\n";
  for (const auto& [n, v] : r.headers) out += "< " + n + ": " + v + "\n";
  return out;
}

}  // namespace sandbank::tpp
