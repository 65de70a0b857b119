#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "http/message.hpp"

// The request inspector's recording (docs/inspector.md): what each request brought, how each
// check went, what was answered. Secrets are masked when the record is made (mask_*), so no
// record ever holds a token, code, signature, key or cookie in full.
namespace sandbank::http {

// The checks a request may go through, in the order they run.
inline constexpr std::string_view kCheckMtls = "mtls";
inline constexpr std::string_view kCheckToken = "token";
inline constexpr std::string_view kCheckDigest = "digest";
inline constexpr std::string_view kCheckDate = "date";
inline constexpr std::string_view kCheckSignature = "signature";
inline constexpr std::string_view kCheckScope = "scope";
inline constexpr std::string_view kCheckConsent = "consent";

enum class Verdict { NotReached, Passed, Failed };
std::string_view verdict_name(Verdict v);  // "not_reached" | "passed" | "failed"

struct CheckVerdict {
  std::string name;  // kCheck*
  Verdict verdict = Verdict::NotReached;
  std::string code;            // the detail code of a failure
  std::string message;         // what failed, one sentence
  std::string signing_string;  // signature/JWS: the string Sandbank built
  std::string cause;           // signature/JWS: the troubleshooting cause (signing::causes)
  std::string hint;            // its sentence
};

// What the checks of one request report while it is handled. The server makes one per request
// when a recorder is installed and makes it current on the handling thread (handlers are
// synchronous), so a check reaches it with current_trace() without the Request carrying it;
// with no recorder current_trace() is nullptr and a check costs one thread-local read.
struct RequestTrace {
  std::vector<CheckVerdict> checks;
  std::string organisation;  // the recognised client certificate's organizationIdentifier
  std::string client_id;     // the calling application, once known
  std::string certificate_serial;

  void passed(std::string_view name);
  void failed(std::string_view name, std::string_view code, std::string_view message);
  // The entry of that check (created NotReached when absent).
  CheckVerdict& check(std::string_view name);
};

RequestTrace* current_trace() noexcept;

// Makes `trace` current on this thread for its lifetime.
class TraceScope {
 public:
  explicit TraceScope(RequestTrace* trace) noexcept;
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  RequestTrace* previous_;
};

// One recorded request.
struct InspectedRequest {
  TimePoint time;
  std::string listener;
  std::string method;
  std::string target;  // masked (a code= in the query shows its prefix only)
  unsigned status = 0;
  std::chrono::microseconds duration{0};
  std::string detail_code;
  std::string notice;
  std::string response_id;  // the access log's id
  std::string remote_address;
  std::string x_request_id;
  std::string certificate_serial;
  std::string organisation;  // empty: no recognised client certificate (operator only)
  std::string client_id;
  std::vector<Header> request_headers;   // masked
  std::string request_body;              // masked, capped
  std::size_t request_body_size = 0;     // as received
  std::vector<Header> response_headers;  // masked
  std::string response_body;             // masked, capped
  std::size_t response_body_size = 0;
  // The checks as reported; ordered_checks() gives every kCheck* in order. A record read
  // back from JSON holds all of them.
  std::vector<CheckVerdict> checks;
};

// Replaces each invalid UTF-8 sequence in every text of the record with U+FFFD (valid_utf8).
// A request may bring any bytes (a Latin-1 body, a NUL in a header), and a body cut at the cap
// may end inside a character; the stored record must still be JSON a browser, a script and a
// PostgreSQL text column accept.
void make_valid_utf8(InspectedRequest& record);

// Every kCheck* in order: the reported verdict, else NotReached.
std::vector<CheckVerdict> ordered_checks(const std::vector<CheckVerdict>& reported);

std::string to_json(const InspectedRequest& record);
// What a list shows of it: time, listener, method, target, status, duration_us, detail,
// response_id, x_request_id, client_id, organisation, failed_checks (names).
boost::json::object summary_json(const InspectedRequest& record);
// Throws std::exception on a malformed record.
InspectedRequest inspected_request_from_json(std::string_view json);

// ---- masking

// A secret as its first few characters and its length: "eyJhbG…(812 chars)". At most a third
// of it, never more than 6 characters.
std::string mask_secret(std::string_view secret);
// A header value with what is secret in it masked: Authorization (the credentials after the
// scheme), Signature (its signature parameter), X-JWS-Signature, Cookie and Set-Cookie
// values, Proxy-Authorization; other values as they are.
std::string mask_header(std::string_view name, std::string_view value);
// Text (a body, a target, a Location) with the values of secret parameters masked wherever
// they appear as `name=value` (forms, queries) or `"name": "value"` (JSON): access_token,
// refresh_token, id_token, code, client_assertion, client_secret, password, csrf_token,
// token, assertion; and PEM private key blocks.
std::string mask_text(std::string_view text);
// mask_text of the first `cap` bytes (a cut marked "…[truncated]").
std::string mask_body(std::string_view body, std::size_t cap);

// Builds the record of a handled request (everything but duration) from what the handler saw
// and answered. `trace` may be null.
InspectedRequest make_inspected_request(const Request& request, const Response& response,
                                        unsigned status, TimePoint started,
                                        std::string_view certificate_serial, RequestTrace* trace,
                                        std::size_t body_cap);

// Receives the records; called on connection threads, must be thread-safe and cheap.
class RequestRecorder {
 public:
  virtual ~RequestRecorder() = default;
  virtual std::size_t body_cap() const = 0;
  virtual void record(InspectedRequest&& request) = 0;
};

}  // namespace sandbank::http
