#include "crypto/ossl.hpp"

#include <fmt/format.h>
#include <openssl/err.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "crypto/codes.hpp"

namespace sandbank::crypto::ossl {

std::string drain_errors() {
  std::string reason;
  unsigned long code = 0;
  // The first error queued is the root cause; later ones are callers wrapping it.
  while ((code = ERR_get_error()) != 0) {
    if (reason.empty()) {
      const char* r = ERR_reason_error_string(code);
      reason = r ? r : fmt::format("OpenSSL error {:#x}", code);
    }
  }
  return reason;
}

void throw_internal(std::string_view what) {
  std::string reason = drain_errors();
  throw Error::internal(codes::kCryptoInternal,
                        reason.empty() ? fmt::format("OpenSSL failed to {}", what)
                                       : fmt::format("OpenSSL failed to {}: {}", what, reason));
}

BioPtr memory_bio(std::string_view data) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw_internal("allocate a memory buffer");
  return bio;
}

BioPtr memory_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw_internal("allocate a memory buffer");
  return bio;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || !data) return {};
  return std::string(data, static_cast<std::size_t>(len));
}

std::optional<std::string> read_file(const std::string& path, std::string& problem) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = errno ? std::strerror(errno) : "cannot open the file";
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    problem = "read error";
    return std::nullopt;
  }
  return std::move(out).str();
}

const EVP_MD* evp_md(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::Sha256:
      return EVP_sha256();
    case HashAlgorithm::Sha384:
      return EVP_sha384();
    case HashAlgorithm::Sha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

const EVP_MD* fetched_md(HashAlgorithm alg) {
  // Fetched once and kept for the life of the process (never freed: a thread may still hash
  // while the process exits).
  static const std::array<EVP_MD*, 3> kFetched = [] {
    std::array<EVP_MD*, 3> mds = {EVP_MD_fetch(nullptr, "SHA2-256", nullptr),
                                  EVP_MD_fetch(nullptr, "SHA2-384", nullptr),
                                  EVP_MD_fetch(nullptr, "SHA2-512", nullptr)};
    drain_errors();
    return mds;
  }();
  const EVP_MD* md = kFetched[static_cast<std::size_t>(alg)];
  return md ? md : evp_md(alg);
}

}  // namespace sandbank::crypto::ossl
