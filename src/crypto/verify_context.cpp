#include "crypto/verify_context.hpp"

#include <openssl/rsa.h>

namespace sandbank::crypto::detail {
namespace {

// A new context set up for verifying alg's signatures over a digest, or null. The settings are
// those EVP_DigestVerifyInit(md) + padding used: the signature digest first, then padding, MGF1
// digest and the PSS salt length.
EVP_PKEY_CTX* prepare(EVP_PKEY* key, SignatureAlgorithm alg) {
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return nullptr;
  const EVP_MD* md = ossl::fetched_md(alg.hash);
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) return nullptr;
  bool ok = false;
  switch (alg.scheme) {
    case SignatureScheme::RsaPkcs1v15:
      ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1;
      break;
    case SignatureScheme::RsaPss:
      ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_AUTO) == 1;
      break;
    case SignatureScheme::Ecdsa:
      ok = true;
      break;
  }
  return ok ? ctx.release() : nullptr;
}

}  // namespace

VerifyContexts::~VerifyContexts() {
  for (auto& p : prepared_) EVP_PKEY_CTX_free(p.load(std::memory_order_acquire));
}

std::size_t VerifyContexts::slot(SignatureAlgorithm alg) {
  return static_cast<std::size_t>(alg.scheme) * 3 + static_cast<std::size_t>(alg.hash);
}

ossl::EvpPkeyCtxPtr VerifyContexts::context(SignatureAlgorithm alg) const {
  auto& prepared = prepared_[slot(alg)];
  EVP_PKEY_CTX* ready = prepared.load(std::memory_order_acquire);
  if (!ready) {
    std::lock_guard lock(mutex_);
    ready = prepared.load(std::memory_order_relaxed);
    if (!ready) {
      // A failure is not kept: the next call tries again, as a fresh init always did.
      ready = prepare(key_, alg);
      if (!ready) return nullptr;
      prepared.store(ready, std::memory_order_release);
    }
  }
  return ossl::EvpPkeyCtxPtr(EVP_PKEY_CTX_dup(ready));
}

}  // namespace sandbank::crypto::detail
