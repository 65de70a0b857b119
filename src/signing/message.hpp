#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/certificate.hpp"

namespace sandbank::signing {

// One header field as received: the name in whatever case the client sent it, the value with
// nothing removed but what the HTTP parser removed (leading/trailing whitespace).
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// A request as the signing library sees it: no sockets, no parsing of its own, just the bytes
// the server received (or the client is about to send). Everything is borrowed; the owner
// (a Beast request, a Message, a test) must outlive the view.
struct MessageView {
  std::string_view method;           // as sent, e.g. "POST"
  std::string_view target;           // request-target as sent: path + "?" + query, never decoded
  std::vector<HeaderField> headers;  // in the order received; duplicates kept
  std::string_view body;
  // The TLS client certificate of the connection, if any. Only used to name a common
  // mistake (signing with the TLS key instead of the signing key).
  const crypto::Certificate* client_certificate = nullptr;

  // All values of the header `name` (case-insensitive), in order.
  std::vector<std::string_view> values(std::string_view name) const;
  // The first value, or nullopt when absent.
  std::optional<std::string_view> first(std::string_view name) const;
  bool has(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  // The value as it enters a signing string (draft-cavage-12 §2.3): each instance trimmed of
  // SP/HTAB, obsolete line folds replaced by one space, instances joined with ", ".
  // nullopt when the header is absent.
  std::optional<std::string> signing_value(std::string_view name) const;
  // The same value appended to `out` (nothing appended and false when the header is absent).
  bool append_signing_value(std::string_view name, std::string& out) const;
};

// An owning request, handy for the TPP toolkit and for tests. view() borrows from it.
struct Message {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<crypto::Certificate> client_certificate;

  Message& add(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // Replaces every instance of `name` (case-insensitive) by one header, or adds it.
  Message& set(std::string_view name, std::string value);
  // Removes every instance of `name`.
  Message& remove(std::string_view name);
  std::optional<std::string> get(std::string_view name) const;
  MessageView view() const;
};

// The origin-form of a request-target: "https://host/p?q" -> "/p?q"; other forms unchanged.
std::string_view origin_form(std::string_view target);

}  // namespace sandbank::signing
