#pragma once

// HTTP/1.1 request framing as the server reads it: the parser of one request (request line,
// headers, body by Content-Length or chunked), the rules it holds a request to before routing
// (RFC 9112 §3.2 Host, §6.1/§6.3 Transfer-Encoding and Content-Length), and the answer the
// server gives when a request breaks one of them. No socket: the server feeds it what it has
// read, and parse_request_stream() feeds it a byte string the same way (tests, fuzz/).

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace sandbank::http {

// What the framing of one request may take (Limits::max_header_bytes, max_body_bytes).
struct FramingLimits {
  // Request line and headers; a chunked body's chunk extensions and trailer fields count
  // against the same budget.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
};

// RFC 9112 §3.2 and RFC 3986 §3.2.2: uri-host [ ":" port ]; an empty Host is allowed.
bool valid_host(std::string_view value);

// Parses a request straight into the parts of a Request: method, target, headers in order
// and body. (Beast's request_parser builds a basic_fields, a list plus a case-insensitive
// index with an allocation per field, which the server would then copy once more.)
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(const FramingLimits& limits);

  std::string method;
  std::string target;
  unsigned version = 11;
  std::vector<Header> headers;
  std::string body;
  // Why the request is refused while its header is parsed (put() then fails with bad_value):
  // a detail code and its message; empty when it is not.
  std::string refusal_code;
  std::string refusal_message;

  std::string_view header(std::string_view name) const;

  // Parses the request line and headers from the front of `buffer`, consuming what it takes.
  // True once the header is complete; false with `ec` clear when more bytes are needed, or
  // with `ec` set when the request is refused (see framing_error).
  bool read_header(boost::beast::flat_buffer& buffer, boost::system::error_code& ec);
  // After read_header: parses the body from the front of `buffer`. True once the request is
  // complete; false with `ec` clear when more is needed. An incomplete chunk line or trailer
  // section left in `buffer` beyond what the header budget still allows sets header_limit.
  bool read_body(boost::beast::flat_buffer& buffer, boost::system::error_code& ec);

  // The request line and headers took this many bytes (valid once read_header is true).
  std::size_t header_bytes() const { return header_bytes_; }

 private:
  void on_request_impl(boost::beast::http::verb, boost::beast::string_view method_text,
                       boost::beast::string_view target_text, int v,
                       boost::system::error_code&) override;
  void on_response_impl(int, boost::beast::string_view, int,
                        boost::system::error_code& ec) override;
  void on_field_impl(boost::beast::http::field field, boost::beast::string_view name,
                     boost::beast::string_view value, boost::system::error_code& ec) override;
  void on_header_impl(boost::system::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::system::error_code&) override;
  std::size_t on_body_impl(boost::beast::string_view data, boost::system::error_code&) override;
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view extensions,
                            boost::system::error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view data,
                                 boost::system::error_code&) override;
  void on_finish_impl(boost::system::error_code&) override {}

  void refuse_framing(boost::system::error_code& ec, std::string_view why);
  void refuse(boost::system::error_code& ec, std::string code, std::string message);

  std::size_t max_header_bytes_;
  std::size_t header_bytes_ = 0;
  // Whether the header bytes consumed so far end with a line feed: a read that then starts
  // with SP or HTAB starts an obs-fold line (the reads may cut the header anywhere).
  bool header_at_line_start_ = false;
  // What the chunk lines (beyond their size and line ends) and the trailer section of a chunked
  // body may still take: what the request line and headers left of the header limit.
  std::size_t metadata_budget_ = 0;
  std::size_t chunk_lines_ = 0;  // chunk lines parsed by the current put()
  bool has_transfer_encoding_ = false;
  bool has_content_length_ = false;
  bool has_host_ = false;
  bool has_authorization_ = false;
};

// The answer to a request whose reading ended with `ec` (not a timeout): 431, 413, or 400 with
// the parser's refusal or the framing error; nullopt when there is nothing to answer (the
// client closed, the socket failed) and the connection just closes. `parser` may be null.
std::optional<Error> framing_error(const boost::system::error_code& ec, const RequestParser* parser,
                                   const FramingLimits& limits);

// What the server makes of a byte stream on one connection, without a socket: the requests it
// would hand to the router, in order, and how the stream ends.
struct ParsedStream {
  struct Parsed {
    std::string method;
    std::string target;
    unsigned version = 11;
    std::vector<Header> headers;
    std::string body;
    bool keep_alive = true;
    // Expect: 100-continue in HTTP/1.1: the server answers 100 Continue when the body has not
    // arrived with the header.
    bool expects_continue = false;
  };
  std::vector<Parsed> requests;
  // The server's own answer that ends the stream (then it closes); nullopt otherwise.
  std::optional<Error> refused;
  // The stream ended in the middle of a request (the server would wait for more, then 408).
  bool incomplete = false;
  // Bytes left unread because a request without keep-alive came before them.
  std::size_t unread = 0;
};

// Feeds `segments` to the parser one after the other, as reads from a socket arrive, exactly as
// a connection does: pipelined requests follow each other in the same buffer, a request without
// keep-alive ends the stream, a refusal ends it with the server's error.
ParsedStream parse_request_stream(const std::vector<std::string_view>& segments,
                                  const FramingLimits& limits);

}  // namespace sandbank::http
