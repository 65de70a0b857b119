// HTTP/1.1 request framing as the server reads a connection (http::parse_request_stream): the
// request line and headers, Content-Length and chunked bodies with extensions and trailers,
// pipelined requests, the Transfer-Encoding / Content-Length and Host rules and the header and
// body limits. The input is the byte stream of one connection.
//
// Besides crashes it checks what a request smuggler relies on: the answer must not depend on
// how the stream is split into reads (the input is parsed whole and cut at points drawn from its
// own hash, as TCP segments or TLS records cut it), and no request reaches the router with an
// uncertain length, a missing or second Host, or a body beyond the limit.
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/strings.hpp"
#include "http/request_parser.hpp"

using namespace sandbank;

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// The same requests reach the router, and the stream stops at the same place. How it stops
// may differ: Beast parses a header at once when it arrives whole, but once it has asked for
// more it waits for the header's end (CRLF CRLF) before it looks again, so a malformed header
// that arrives in pieces without a proper end is answered at the header limit (431) or the
// header timeout (408) instead of at once (400). Either way nothing behind it is read.
bool same(const http::ParsedStream& a, const http::ParsedStream& b) {
  if (a.requests.size() != b.requests.size() || a.unread != b.unread ||
      (a.refused.has_value() || a.incomplete) != (b.refused.has_value() || b.incomplete)) {
    return false;
  }
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    const auto& x = a.requests[i];
    const auto& y = b.requests[i];
    if (x.method != y.method || x.target != y.target || x.version != y.version ||
        x.body != y.body || x.keep_alive != y.keep_alive || x.headers.size() != y.headers.size()) {
      return false;
    }
    for (std::size_t h = 0; h < x.headers.size(); ++h) {
      if (x.headers[h].name != y.headers[h].name || x.headers[h].value != y.headers[h].value) {
        return false;
      }
    }
  }
  return true;
}

void check_routed(const http::ParsedStream& stream, const http::FramingLimits& limits) {
  for (const auto& request : stream.requests) {
    check(request.body.size() <= limits.max_body_bytes);
    int hosts = 0, transfer_encodings = 0, content_lengths = 0;
    for (const auto& h : request.headers) {
      if (iequals(h.name, "Host")) {
        ++hosts;
        check(http::valid_host(h.value));
      } else if (iequals(h.name, "Transfer-Encoding")) {
        ++transfer_encodings;
        check(iequals(trim_ows(h.value), "chunked"));
      } else if (iequals(h.name, "Content-Length")) {
        ++content_lengths;
      }
    }
    check(hosts <= 1 && (request.version < 11 || hosts == 1));
    check(transfer_encodings <= 1 && !(transfer_encodings == 1 && content_lengths > 0));
    check(transfer_encodings == 0 || request.version >= 11);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // FNV-1a of the input seeds the cut points: a mutation moves them too.
  std::uint64_t state = 14695981039346656037ULL;
  for (unsigned char c : input) state = (state ^ c) * 1099511628211ULL;
  std::vector<std::string_view> segments;
  for (std::size_t at = 0; at < input.size();) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::size_t length = 1 + state % (state & 0x100 ? 7 : 97);
    length = std::min(length, input.size() - at);
    segments.push_back(input.substr(at, length));
    at += length;
  }
  const http::FramingLimits server_limits;           // the server's defaults
  const http::FramingLimits small_limits{256, 512};  // where the limits are reached
  for (const auto& limits : {server_limits, small_limits}) {
    auto whole = http::parse_request_stream({input}, limits);
    auto split = http::parse_request_stream(segments, limits);
    check_routed(whole, limits);
    check(same(whole, split));
  }
  return 0;
}
