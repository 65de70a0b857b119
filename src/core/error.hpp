#pragma once

#include <exception>
#include <string>

#include "core/strings.hpp"

namespace sandbank {

// The one error type that travels up through every layer. The HTTP layer alone
// turns it into a status line and a JSON body.
//  - status: the HTTP status a client should see (400, 401, 403, 404, ...)
//  - code: a stable, machine-readable detail code such as "mtls.certificate_missing"
//  - message: one sentence for a human, free of quotes and backslashes
//  - diagnostic: optional longer help (for example the signing string the server built);
//    omitted from responses when detailed diagnostics are switched off.
// Message and diagnostic are kept valid UTF-8 (invalid sequences become U+FFFD): they may quote
// what a request sent, and the JSON they go into must stay valid.
class Error : public std::exception {
 public:
  Error(int status, std::string code, std::string message, std::string diagnostic = {})
      : status_(status),
        code_(std::move(code)),
        message_(valid_utf8(std::move(message))),
        diagnostic_(valid_utf8(std::move(diagnostic))) {}

  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& diagnostic() const noexcept { return diagnostic_; }
  const char* what() const noexcept override { return message_.c_str(); }

  static Error bad_request(std::string code, std::string message, std::string diagnostic = {}) {
    return {400, std::move(code), std::move(message), std::move(diagnostic)};
  }
  static Error unauthorized(std::string code, std::string message, std::string diagnostic = {}) {
    return {401, std::move(code), std::move(message), std::move(diagnostic)};
  }
  static Error forbidden(std::string code, std::string message) {
    return {403, std::move(code), std::move(message)};
  }
  static Error not_found(std::string code, std::string message) {
    return {404, std::move(code), std::move(message)};
  }
  static Error internal(std::string code, std::string message) {
    return {500, std::move(code), std::move(message)};
  }

 private:
  int status_;
  std::string code_;
  std::string message_;
  std::string diagnostic_;
};

// An Error about one field of the request: a body member by its JSON path
// ("instructedAmount.amount"), an XML element path of a pain.001 document, or a query parameter
// or header by its name ("balanceTypes"). ING's tppMessages bodies name it in `path`. 400 unless
// another status is given.
class InvalidField : public Error {
 public:
  InvalidField(std::string code, std::string field, std::string message,
               std::string diagnostic = {})
      : InvalidField(400, std::move(code), std::move(field), std::move(message),
                     std::move(diagnostic)) {}
  InvalidField(int status, std::string code, std::string field, std::string message,
               std::string diagnostic = {})
      : Error(status, std::move(code), std::move(message), std::move(diagnostic)),
        field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace sandbank
