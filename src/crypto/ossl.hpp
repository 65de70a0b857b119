#pragma once

// Internal to src/crypto: RAII holders for OpenSSL objects and error helpers. Every OpenSSL
// object in this layer lives in one of these; nothing frees by hand.

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "crypto/hash.hpp"

namespace sandbank::crypto::ossl {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    if (p) Free(p);
  }
};

template <typename T, auto Free>
using Ptr = std::unique_ptr<T, Deleter<Free>>;

using BioPtr = Ptr<BIO, BIO_free_all>;
using BnPtr = Ptr<BIGNUM, BN_free>;
using EvpPkeyPtr = Ptr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using X509Ptr = Ptr<X509, X509_free>;
using X509NamePtr = Ptr<X509_NAME, X509_NAME_free>;
using X509ExtPtr = Ptr<X509_EXTENSION, X509_EXTENSION_free>;
using X509StorePtr = Ptr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using Asn1IntegerPtr = Ptr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = Ptr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = Ptr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1TypePtr = Ptr<ASN1_TYPE, ASN1_TYPE_free>;
using Asn1Ia5StringPtr = Ptr<ASN1_IA5STRING, ASN1_IA5STRING_free>;
using EcdsaSigPtr = Ptr<ECDSA_SIG, ECDSA_SIG_free>;
using GeneralNamesPtr = Ptr<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralNamePtr = Ptr<GENERAL_NAME, GENERAL_NAME_free>;

// Memory allocated by OpenSSL (OPENSSL_malloc) such as BN_bn2hex output.
struct OpenSslFree {
  void operator()(void* p) const noexcept { OPENSSL_free(p); }
};
using OsslString = std::unique_ptr<char, OpenSslFree>;
using OsslBytes = std::unique_ptr<unsigned char, OpenSslFree>;

// Drains the thread's OpenSSL error queue and returns the most specific reason, or empty.
std::string drain_errors();

// Throws Error 500 "crypto.internal" with `what` and OpenSSL's reason; drains the queue.
[[noreturn]] void throw_internal(std::string_view what);

// A read-only memory BIO over `data` (the caller keeps data alive).
BioPtr memory_bio(std::string_view data);
// A growable memory BIO.
BioPtr memory_bio();
// Everything written into a memory BIO.
std::string bio_contents(BIO* bio);

// Reads a whole file; on failure returns nullopt and sets `problem` (strerror text).
std::optional<std::string> read_file(const std::string& path, std::string& problem);

// i2d helper: serialises with `i2d` into a byte vector; throws on failure.
template <typename T, typename F>
Bytes to_der(const T* obj, F i2d, std::string_view what) {
  int len = i2d(obj, nullptr);
  if (len <= 0) throw_internal(what);
  Bytes out(static_cast<std::size_t>(len));
  unsigned char* p = out.data();
  if (i2d(obj, &p) != len) throw_internal(what);
  return out;
}

// The OpenSSL digest for one of our hash algorithms.
const EVP_MD* evp_md(HashAlgorithm alg);
// The same digest fetched from the provider once per process. Hashing with evp_md()'s
// EVP_sha256() makes OpenSSL 3 fetch the implementation again on every EVP_DigestInit; this one
// does not. Falls back to evp_md() if the fetch fails.
const EVP_MD* fetched_md(HashAlgorithm alg);

}  // namespace sandbank::crypto::ossl
