#pragma once

// Tokens kept between runs, as the guide advises ("re-use the application access token instead
// of requesting a new token for each API call"): one JSON file per profile, one section per API
// host, mode 0600.

#include <boost/json/fwd.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace sandbank::tpp {

enum class TokenKind {
  Mtls,         // application token from the mTLS-only flow (/oauth2/applications)
  Application,  // application token from the signed flow (code exchange, PIS, ...)
  Customer,     // customer token (and its refresh token) from the code exchange
};
std::string_view token_kind_name(TokenKind kind);  // "mtls", "application", "customer"

struct CachedToken {
  std::string access_token;
  std::string refresh_token;  // customer tokens only
  std::string scope;
  TimePoint expires_at{};
  std::optional<TimePoint> refresh_expires_at;

  // From a token response {access_token, expires_in, scope, refresh_token,
  // refresh_token_expires_in}. Throws sandbank::Error ("tpp.token_response") when
  // access_token is missing. A refresh response without refresh_token keeps `previous`'s.
  static CachedToken from_response(const boost::json::object& body, TimePoint now,
                                   const CachedToken* previous = nullptr);
};

class TokenCache {
 public:
  // Tokens are used only while more than `margin` of their lifetime is left.
  static constexpr Seconds kMargin{30};

  // Reads `file` if it exists (a damaged file is ignored and rewritten on the next store).
  // An empty path keeps everything in memory.
  TokenCache(std::filesystem::path file, std::string host, const Clock& clock);

  // A token that is still valid now, or nullopt.
  std::optional<CachedToken> valid(TokenKind kind) const;
  // The cached token even when expired (a customer token's refresh token may still work).
  std::optional<CachedToken> any(TokenKind kind) const;
  // The refresh token of the customer token, when present and not expired.
  std::optional<std::string> refresh_token() const;

  void store(TokenKind kind, const CachedToken& token);
  void erase(TokenKind kind);

  // The client_id the host answered in a token response.
  std::optional<std::string> client_id() const;
  void set_client_id(std::string_view client_id);

  const std::filesystem::path& file() const { return file_; }

 private:
  void save() const;
  boost::json::object& section();
  const boost::json::object* section() const;

  std::filesystem::path file_;
  std::string host_;
  const Clock& clock_;
  std::shared_ptr<boost::json::object> root_;
};

}  // namespace sandbank::tpp
