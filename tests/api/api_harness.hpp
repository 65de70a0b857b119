#pragma once

// The oauth and PIS handlers as `sandbank serve` wires them (app/serve.cpp), over
// open_memory_store(): the sandbox PKI (made once per test process), the pre-registered
// application bound to the guide's example certificates, the seeded bank, and one router with
// the routes of the token endpoint, registration and PIS as app/routes.cpp binds them. Requests are the TPP toolkit's, built
// exactly as the guide builds them. Every test reaches the handlers through handle(), so how
// the handlers are registered is known here alone.

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "api/oauth_api.hpp"
#include "api/pis_api.hpp"
#include "bank/payments.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/sandbox_pki.hpp"
#include "http/router.hpp"
#include "oauth/application_registry.hpp"
#include "oauth/token_service.hpp"
#include "store/store.hpp"
#include "tpp/client.hpp"

namespace sandbank::api::testing {

inline constexpr const char* kClientId = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
inline constexpr const char* kRedirectUri = "https://www.example.com/";

// A response with its body parsed (null when it is not JSON).
struct Answer {
  http::Response response;
  boost::json::value body;
  unsigned status() const { return response.status; }
  // A top-level string member ("" when absent or not a string).
  std::string str(const char* name) const;
  // tppMessages[0].<name> of an ING error body ("" when absent).
  std::string tpp(const char* name) const;
};

// The TPP's randomness: fresh bytes, or while `repeat` is set the same bytes every time (so
// that requests built meanwhile carry the same X-Request-ID, as a TPP's retry does).
class RepeatableRandom final : public RandomSource {
 public:
  void fill(std::uint8_t* out, std::size_t n) override;
  bool repeat = false;

 private:
  SystemRandom system_;
};

class ApiHarness {
 public:
  ApiHarness();
  ~ApiHarness();
  ApiHarness(const ApiHarness&) = delete;
  ApiHarness& operator=(const ApiHarness&) = delete;

  // `request` as it arrives on the API listener over mutual TLS with the guide's example TLS
  // certificate (`client`: another one; with_certificate=false: none).
  Answer handle(const tpp::Request& request, bool with_certificate = true);
  Answer handle(const tpp::Request& request, const crypto::Certificate& client);

  // Builds the guide's requests, signed with the example signing certificate (keyId SN=...).
  tpp::TppClient& tpp() { return *tpp_; }
  RepeatableRandom& tpp_random() { return tpp_random_; }
  ManualClock& clock() { return clock_; }
  store::Store& store() { return *store_; }
  static const crypto::SandboxPki& pki();

  // Tokens obtained through the token endpoint (a test failure when it refuses).
  std::string mtls_token(const std::string& scope = "");
  std::string app_token(const std::string& scope = "");
  // The customer's consent of `profile_id` for `scopes` (space-separated) over all its
  // accounts, as the authorization app records it, and the code it redirects with.
  std::string authorization_code(const std::string& profile_id, const std::string& scopes,
                                 const std::string& redirect_uri = kRedirectUri);
  // The code of authorization_code exchanged at the token endpoint: its answer.
  Answer exchange(const std::string& code, const std::string& redirect_uri = kRedirectUri);

 private:
  ManualClock clock_;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<crypto::TrustStore> trust_;
  std::unique_ptr<oauth::ApplicationRegistry> registry_;
  std::unique_ptr<oauth::TokenService> tokens_;
  std::unique_ptr<oauth::Authorizations> authorizations_;
  std::unique_ptr<bank::PaymentService> payments_;
  std::unique_ptr<OAuthApi> oauth_api_;
  std::unique_ptr<PisApi> pis_api_;
  http::Router router_;
  RepeatableRandom tpp_random_;
  std::unique_ptr<tpp::TppClient> tpp_;
};

}  // namespace sandbank::api::testing
