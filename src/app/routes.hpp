#pragma once

#include <memory>

#include "app/client_authenticator.hpp"
#include "core/clock.hpp"
#include "crypto/sandbox_pki.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace sandbank::app {

// What the handlers may use. Handlers never see sockets.
struct Services {
  store::Store& store;
  ClientAuthenticator& authenticator;
  const Clock& clock;
  const crypto::SandboxPki& pki;
};

// The route tables of the two listeners, top to bottom, in one place (routes.cpp).
std::unique_ptr<http::Router> make_api_router(Services& services);
std::unique_ptr<http::Router> make_web_router(Services& services);

}  // namespace sandbank::app
