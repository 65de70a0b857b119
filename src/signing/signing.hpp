#pragma once

// The signing library: one implementation of Digest, the Date window, draft-cavage HTTP
// Signatures and detached JWS (b64:false, sigD HttpHeaders), used by the server to verify and by
// the TPP toolkit to sign. See docs/signing.md.

#include "signing/date_window.hpp"      // IWYU pragma: export
#include "signing/diagnosis.hpp"        // IWYU pragma: export
#include "signing/digest.hpp"           // IWYU pragma: export
#include "signing/http_signature.hpp"   // IWYU pragma: export
#include "signing/jws.hpp"              // IWYU pragma: export
#include "signing/message.hpp"          // IWYU pragma: export
#include "signing/tpp_certificate.hpp"  // IWYU pragma: export
