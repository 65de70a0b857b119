#include "http/request_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <cstring>
#include <limits>

#include "core/strings.hpp"
#include "http/codes.hpp"

namespace sandbank::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

// What an incomplete chunk line or trailer section may hold beyond what the header limit still
// allows, while it waits for its end.
constexpr std::size_t kChunkLineSlack = 64;
// What a chunk line costs nothing for: the line end of the chunk before it, up to 16 size
// digits (a 64-bit size) and its own line end. Everything else of the line (more digits, the
// extensions) and the trailer section count against the header limit. Under kChunkLineSlack, so
// that a line refused while incomplete is refused when whole as well.
constexpr std::size_t kChunkLineAllowance = 2 + 16 + 2;

bool is_malformed(const error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) return false;
  auto e = static_cast<bhttp::error>(ec.value());
  return (e >= bhttp::error::bad_line_ending && e <= bhttp::error::multiple_content_length) ||
         e == bhttp::error::buffer_overflow || e == bhttp::error::bad_alloc;
}

// RFC 9112 §5.2: a line of the header or trailer section that starts with SP or HTAB continues
// the line before it (obs-fold). Beast joins such lines; a server may refuse them instead, and
// this one does, so that no other reader can take the continuation for a field of its own.
bool has_obs_fold(const void* data, std::size_t size) {
  const std::string_view bytes(static_cast<const char*>(data), size);
  for (auto lf = bytes.find('\n'); lf != std::string_view::npos && lf + 1 < bytes.size();
       lf = bytes.find('\n', lf + 1)) {
    if (bytes[lf + 1] == ' ' || bytes[lf + 1] == '\t') return true;
  }
  return false;
}

// Whether `data` (what waits in the buffer while the parser asks for more of a chunked body)
// holds a whole chunk line: the parser has then stopped inside its extensions, at a quoted
// value whose closing quote is not on the line (a quoted-string holds no CR or LF), and would
// wait for bytes that cannot make the line valid. A line of a nonzero size is whole at its
// CRLF; the last chunk's line is read with its trailer section, so at the CRLF CRLF after it.
bool holds_whole_chunk_line(const void* data, std::size_t size) {
  std::string_view bytes(static_cast<const char*>(data), size);
  if (bytes.starts_with("\r\n")) bytes.remove_prefix(2);  // the end of the chunk before
  const auto eol = bytes.find("\r\n");
  if (eol == std::string_view::npos) return false;
  const auto digits =
      bytes.substr(0, std::min(eol, bytes.find_first_not_of("0123456789abcdefABCDEF")));
  if (digits.find_first_not_of('0') != std::string_view::npos) return true;
  return bytes.find("\r\n\r\n") != std::string_view::npos;
}

constexpr std::string_view kObsFold =
    "A header or trailer line starts with a space or tab (obs-fold, RFC 9112 section 5.2): "
    "send each field on a line of its own";

}  // namespace

// RFC 9112 §3.2 and RFC 3986 §3.2.2: uri-host [ ":" port ], where uri-host is an IP literal in
// brackets, an IPv4 address or a reg-name (unreserved, sub-delims, percent-encoded bytes); an
// empty Host is allowed.
bool valid_host(std::string_view value) {
  auto is_unreserved_or_sub_delim = [](unsigned char c) {
    return std::isalnum(c) || std::strchr("-._~!$&'()*+,;=", c) != nullptr;
  };
  std::string_view port;
  if (!value.empty() && value.front() == '[') {
    auto close = value.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (unsigned char c : value.substr(1, close - 1)) {
      // IPv6 (with an RFC 6874 zone "%25..."), or IPvFuture.
      if (c == '\0' || !(is_unreserved_or_sub_delim(c) || c == ':' || c == '%')) return false;
    }
    auto rest = value.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    auto colon = value.find(':');
    auto name = value.substr(0, colon);
    if (colon != std::string_view::npos) port = value.substr(colon + 1);
    for (std::size_t i = 0; i < name.size(); ++i) {
      auto c = static_cast<unsigned char>(name[i]);
      if (c == '%') {
        if (i + 2 >= name.size() || !std::isxdigit(static_cast<unsigned char>(name[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(name[i + 2]))) {
          return false;
        }
        i += 2;
      } else if (c == '\0' || !is_unreserved_or_sub_delim(c)) {
        return false;
      }
    }
  }
  return std::all_of(port.begin(), port.end(),
                     [](unsigned char c) { return c >= '0' && c <= '9'; });
}

RequestParser::RequestParser(const FramingLimits& limits)
    : max_header_bytes_(limits.max_header_bytes) {
  header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  body_limit(limits.max_body_bytes);
}

std::string_view RequestParser::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

bool RequestParser::read_header(beast::flat_buffer& buffer, error_code& ec) {
  ec = {};
  while (buffer.size() > 0 && !is_header_done()) {
    std::size_t used = put(buffer.data(), ec);
    // Every step is checked, and across the cut between steps: Beast may take the header in
    // several steps when it arrives in pieces, and a fold may begin at the start of one.
    if ((!ec || ec == bhttp::error::need_more) && used > 0) {
      const auto* bytes = static_cast<const char*>(buffer.data().data());
      if ((header_at_line_start_ && (bytes[0] == ' ' || bytes[0] == '\t')) ||
          has_obs_fold(bytes, used)) {
        refuse(ec, codes::kHttpMalformed, std::string(kObsFold));
      }
      header_at_line_start_ = bytes[used - 1] == '\n';
    }
    buffer.consume(used);
    header_bytes_ += used;
    if (ec || used == 0) break;
  }
  if (ec == bhttp::error::need_more) ec = {};
  if (ec) return false;
  // Beast holds the request line and the header fields to its limit each, not together: the
  // limit is held here, over everything the header took and what waits for its end.
  if (header_bytes_ + (is_header_done() ? 0 : buffer.size()) > max_header_bytes_) {
    ec = bhttp::error::header_limit;
    return false;
  }
  if (!is_header_done()) return false;
  metadata_budget_ = max_header_bytes_ - header_bytes_;
  return true;
}

bool RequestParser::read_body(beast::flat_buffer& buffer, error_code& ec) {
  ec = {};
  while (buffer.size() > 0 && !is_done()) {
    const std::size_t body_before = body.size();
    chunk_lines_ = 0;
    std::size_t used = put(buffer.data(), ec);
    // The step that ends a chunked body reads the last chunk and the trailer section only.
    if (!ec && chunked() && is_done() && body.size() == body_before &&
        has_obs_fold(buffer.data().data(), used)) {
      refuse(ec, "http.malformed", std::string(kObsFold));
    }
    buffer.consume(used);
    if (!ec && chunked()) {
      // The bytes of this step that are not body: a chunk line (one per step), or the last
      // chunk with the trailer section. Counted as they were sent, so that the count does not
      // depend on how the reads cut them.
      const std::size_t framing = used - (body.size() - body_before);
      const std::size_t allowed = chunk_lines_ * kChunkLineAllowance;
      const std::size_t charged = framing > allowed ? framing - allowed : 0;
      if (charged > metadata_budget_) {
        metadata_budget_ = 0;
        ec = bhttp::error::header_limit;
      } else {
        metadata_budget_ -= charged;
      }
    }
    if (ec || used == 0) break;
  }
  if (ec == bhttp::error::need_more && chunked() &&
      holds_whole_chunk_line(buffer.data().data(), buffer.size())) {
    refuse(ec, "http.malformed",
           "A chunk extension's quoted value does not end on its line (RFC 9112 section 7.1.1)");
  }
  if (ec == bhttp::error::need_more) ec = {};
  if (ec) return false;
  if (is_done()) return true;
  // What the parser left in `buffer` is an incomplete chunk header (size and extensions) or
  // trailer section: it waits for its end within the header limit, not without bound.
  if (buffer.size() > metadata_budget_ + kChunkLineSlack) ec = bhttp::error::header_limit;
  return false;
}

void RequestParser::on_request_impl(bhttp::verb, beast::string_view method_text,
                                    beast::string_view target_text, int v, error_code&) {
  method.assign(method_text.data(), method_text.size());
  target.assign(target_text.data(), target_text.size());
  version = static_cast<unsigned>(v);
}

void RequestParser::on_response_impl(int, beast::string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // never called for a request parser
}

void RequestParser::on_field_impl(bhttp::field field, beast::string_view name,
                                  beast::string_view value, error_code& ec) {
  const std::string_view text(value.data(), value.size());
  if (is_header_done()) {
    // A trailer field: dropped (read_body counts it). It is not merged into the headers (RFC
    // 9110 §6.5.1), so it cannot add a Host, a Signature or a Digest after the fact.
    return;
  }
  if (field == bhttp::field::transfer_encoding) {
    // RFC 9112 §6.1 and §6.3: only `chunked`, once, never beside Content-Length and never in
    // HTTP/1.0. Anything else leaves the body's length uncertain, and what follows could be
    // read as a request of its own (request smuggling).
    if (version < 11) {
      return refuse_framing(ec, "An HTTP/1.0 request must not carry Transfer-Encoding");
    }
    if (has_transfer_encoding_) {
      return refuse_framing(ec, "The request carries Transfer-Encoding more than once");
    }
    if (has_content_length_) {
      return refuse_framing(ec, "The request carries both Content-Length and Transfer-Encoding");
    }
    if (!iequals(trim_ows(text), "chunked")) {
      return refuse_framing(ec,
                            "Transfer-Encoding must be exactly chunked, the only transfer "
                            "coding this server reads");
    }
    has_transfer_encoding_ = true;
  } else if (field == bhttp::field::content_length) {
    if (has_transfer_encoding_) {
      return refuse_framing(ec, "The request carries both Transfer-Encoding and Content-Length");
    }
    has_content_length_ = true;
  } else if (field == bhttp::field::host) {
    // RFC 9112 §3.2: one Host, a valid one.
    if (has_host_) {
      return refuse(ec, "http.host_duplicate",
                    "The request carries the Host header more than once (RFC 9112 section 3.2)");
    }
    if (!valid_host(text)) {
      return refuse(ec, "http.host_invalid",
                    "The Host header is not a host name or IP address with an optional port "
                    "(RFC 9112 section 3.2)");
    }
    has_host_ = true;
  } else if (field == bhttp::field::authorization) {
    // One credential: a second Authorization (not a list field, RFC 9110 section 11.6.2) would
    // leave which one is checked to the order of the lines.
    if (has_authorization_) {
      return refuse(ec, "http.header_duplicate",
                    "The request carries the Authorization header more than once");
    }
    has_authorization_ = true;
  }
  headers.push_back(
      Header{std::string(name.data(), name.size()), std::string(text.data(), text.size())});
}

void RequestParser::refuse_framing(error_code& ec, std::string_view why) {
  refuse(ec, "http.framing_invalid",
         "The length of the request body is uncertain: " + std::string(why));
}

void RequestParser::refuse(error_code& ec, std::string code, std::string message) {
  refusal_code = std::move(code);
  refusal_message = std::move(message);
  ec = bhttp::error::bad_value;
}

void RequestParser::on_header_impl(error_code& ec) {
  if (version >= 11 && !has_host_) {
    refuse(ec, "http.host_missing",
           "An HTTP/1.1 request must carry a Host header (RFC 9112 section 3.2)");
  }
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // The basic_parser has checked content_length against the body limit.
  if (content_length) body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(beast::string_view data, error_code&) {
  body.append(data.data(), data.size());
  return data.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, beast::string_view extensions,
                                         error_code& ec) {
  ++chunk_lines_;  // the extensions are skipped; read_body counts the line
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, beast::string_view data, error_code&) {
  body.append(data.data(), data.size());
  return data.size();
}

std::optional<Error> framing_error(const error_code& ec, const RequestParser* parser,
                                   const FramingLimits& limits) {
  if (ec == bhttp::error::header_limit) {
    return Error(431, codes::kHttpHeaderTooLarge,
                 fmt::format("The request line and headers (with the chunk extensions and trailer "
                             "fields of a chunked body) exceed {} bytes",
                             limits.max_header_bytes));
  }
  if (ec == bhttp::error::body_limit) {
    return Error(413, codes::kHttpBodyTooLarge,
                 fmt::format("The request body exceeds {} bytes", limits.max_body_bytes));
  }
  if (parser && !parser->refusal_code.empty()) {
    return Error(400, parser->refusal_code, parser->refusal_message);
  }
  if (ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_content_length ||
      ec == bhttp::error::multiple_content_length) {
    return Error(400, codes::kHttpFramingInvalid,
                 ec == bhttp::error::bad_transfer_encoding
                     ? "The length of the request body is uncertain: Transfer-Encoding is sent "
                       "twice or together with Content-Length (RFC 9112 section 6.3)"
                     : "The length of the request body is uncertain: Content-Length is not one "
                       "number, or is sent again with another value, or together with "
                       "Transfer-Encoding (RFC 9112 section 6.3)");
  }
  if (is_malformed(ec))
    return Error(400, codes::kHttpMalformed, "Malformed HTTP request", ec.message());
  return std::nullopt;
}

ParsedStream parse_request_stream(const std::vector<std::string_view>& segments,
                                  const FramingLimits& limits) {
  ParsedStream out;
  beast::flat_buffer buffer;
  std::optional<RequestParser> parser;
  bool header_done = false;
  std::size_t next = 0;
  // Appends the next segment, as a read from the socket; false when there is none.
  auto read_more = [&] {
    if (next == segments.size()) return false;
    auto segment = segments[next++];
    if (segment.empty()) return true;
    auto room = buffer.prepare(segment.size());
    std::memcpy(room.data(), segment.data(), segment.size());
    buffer.commit(segment.size());
    return true;
  };
  for (;;) {
    if (!parser) {
      // Between requests: the next begins with what is left in the buffer, else with a read.
      while (buffer.size() == 0) {
        if (!read_more()) return out;
      }
      parser.emplace(limits);
      header_done = false;
    }
    error_code ec;
    bool progressed = header_done ? parser->read_body(buffer, ec) : parser->read_header(buffer, ec);
    if (ec) {
      out.refused = framing_error(ec, &*parser, limits);
      return out;
    }
    if (!progressed) {
      if (!read_more()) {
        out.incomplete = true;
        return out;
      }
      continue;
    }
    if (!header_done) {
      header_done = true;
      continue;  // the body next, from what is in the buffer first
    }
    ParsedStream::Parsed request;
    request.method = std::move(parser->method);
    request.target = std::move(parser->target);
    request.version = parser->version;
    request.headers = std::move(parser->headers);
    request.body = std::move(parser->body);
    request.keep_alive = parser->keep_alive();
    for (const auto& h : request.headers) {
      if (iequals(h.name, "Expect")) {
        request.expects_continue = request.version >= 11 && iequals(h.value, "100-continue");
        break;
      }
    }
    out.requests.push_back(std::move(request));
    parser.reset();
    if (!out.requests.back().keep_alive) {
      out.unread = buffer.size();
      for (std::size_t i = next; i < segments.size(); ++i) out.unread += segments[i].size();
      return out;
    }
  }
}

}  // namespace sandbank::http
