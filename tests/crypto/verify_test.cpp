// crypto::verify on prepared per-key contexts: the verdicts are those of a fresh
// EVP_DigestVerifyInit + EVP_DigestVerify per call (the reference below), for every scheme,
// hash, PSS salt length, wrong key, wrong data and malformed signature; and verification is
// safe from several threads sharing one key.

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/crypto_test_support.hpp"
#include "crypto/hash.hpp"
#include "crypto/pki.hpp"
#include "crypto/signature.hpp"
#include "crypto/verify_context.hpp"

namespace sandbank::crypto {
namespace {

using testing::TempDir;

const EVP_MD* legacy_md(HashAlgorithm h) {
  switch (h) {
    case HashAlgorithm::Sha256:
      return EVP_sha256();
    case HashAlgorithm::Sha384:
      return EVP_sha384();
    case HashAlgorithm::Sha512:
      return EVP_sha512();
  }
  return nullptr;
}

// What crypto::verify did before it kept prepared contexts: everything set up on every call.
bool reference_verify(const PublicKey& key, SignatureAlgorithm alg,
                      std::span<const std::uint8_t> data, std::span<const std::uint8_t> sig) {
  bool ec = key.type() == KeyType::Ec;
  if (sig.empty() || ec != (alg.scheme == SignatureScheme::Ecdsa)) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  static const unsigned char empty = 0;
  bool ok = EVP_DigestVerifyInit(ctx, &pctx, legacy_md(alg.hash), nullptr, key.native()) == 1;
  if (ok && alg.scheme == SignatureScheme::RsaPkcs1v15) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  } else if (ok && alg.scheme == SignatureScheme::RsaPss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, legacy_md(alg.hash)) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx, sig.data(), sig.size(), data.empty() ? &empty : data.data(),
                              data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

// A signature with an explicit PSS salt length (crypto::sign always uses the digest length).
Bytes sign_pss(const PrivateKey& key, HashAlgorithm h, int salt_len, std::string_view data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  Bytes sig(512);
  std::size_t len = sig.size();
  bool ok = EVP_DigestSignInit(ctx, &pctx, legacy_md(h), nullptr, key.native()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, legacy_md(h)) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_len) == 1 &&
            EVP_DigestSign(ctx, sig.data(), &len, as_bytes(data).data(), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  if (!ok) return {};
  sig.resize(len);
  return sig;
}

const PrivateKey& ec_p384_key() {
  static const PrivateKey k(std::shared_ptr<EVP_PKEY>(EVP_EC_gen("P-384"), EVP_PKEY_free));
  return k;
}

// An RSA key of type RSA-PSS (id-RSASSA-PSS, no parameter restrictions).
const PrivateKey& rsa_pss_key() {
  static const PrivateKey k = [] {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) != 1 || EVP_PKEY_generate(ctx, &key) != 1) {
      key = nullptr;
    }
    EVP_PKEY_CTX_free(ctx);
    return PrivateKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
  }();
  return k;
}

constexpr HashAlgorithm kHashes[] = {HashAlgorithm::Sha256, HashAlgorithm::Sha384,
                                     HashAlgorithm::Sha512};
constexpr SignatureScheme kSchemes[] = {SignatureScheme::RsaPkcs1v15, SignatureScheme::RsaPss,
                                        SignatureScheme::Ecdsa};

const std::string kData =
    "(request-target): get /v3/accounts\ndate: Tue, 24 Nov 2026 10:00:00 "
    "GMT\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

TEST(PreparedVerify, SameVerdictsAsAFreshDigestVerifyForEveryKeySchemeHashAndSignature) {
  std::vector<const PrivateKey*> keys = {&testing::rsa_key_a(), &testing::rsa_key_b(),
                                         &rsa_pss_key(), &testing::ec_key(), &ec_p384_key()};
  // Signatures: every scheme and hash each key can make, PSS with the digest, maximum, zero and
  // a 20-byte salt (the guide's openssl makes the maximum), ECDSA also as raw R||S, and junk.
  std::vector<Bytes> sigs;
  for (const auto* k : keys) {
    for (auto scheme : kSchemes) {
      for (auto h : kHashes) {
        SignatureAlgorithm alg{scheme, h};
        if ((k->type() == KeyType::Ec) != (scheme == SignatureScheme::Ecdsa)) continue;
        try {
          sigs.push_back(sign(*k, alg, as_bytes(kData)));
        } catch (const Error&) {
          continue;  // a combination this key cannot sign with
        }
        if (scheme == SignatureScheme::Ecdsa) {
          std::size_t field = k == &ec_p384_key() ? 48 : 32;
          auto raw = ecdsa_der_to_raw(sigs.back(), field);
          ASSERT_TRUE(raw);
          sigs.push_back(*raw);
        }
        if (scheme == SignatureScheme::RsaPss) {
          for (int salt : {RSA_PSS_SALTLEN_MAX, 0, 20}) {
            Bytes s = sign_pss(*k, h, salt, kData);
            if (!s.empty()) sigs.push_back(std::move(s));
          }
        }
      }
    }
  }
  Bytes flipped = sigs.front();
  flipped[17] ^= 0x40;
  sigs.push_back(flipped);
  sigs.push_back(Bytes(sigs.front().begin(), sigs.front().end() - 1));
  Bytes longer = sigs.front();
  longer.push_back(0);
  sigs.push_back(longer);
  sigs.push_back(Bytes(256, 0x00));
  sigs.push_back(Bytes(256, 0xff));
  sigs.push_back(Bytes{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01});
  sigs.push_back(Bytes{0x30});
  sigs.push_back(Bytes{});

  const std::string other_data = kData + "\n";
  std::size_t accepted = 0;
  std::size_t checked = 0;
  for (const auto* k : keys) {
    const PublicKey pub = k->public_key();
    for (auto scheme : kSchemes) {
      for (auto h : kHashes) {
        SignatureAlgorithm alg{scheme, h};
        for (const auto& sig : sigs) {
          for (std::string_view data :
               {std::string_view(kData), std::string_view(other_data), std::string_view()}) {
            bool expected = reference_verify(pub, alg, as_bytes(data), sig);
            ASSERT_EQ(verify(pub, alg, as_bytes(data), sig), expected)
                << "key " << (k - keys.front()) << " " << static_cast<int>(scheme) << "/"
                << static_cast<int>(h) << " signature of " << sig.size() << " bytes";
            accepted += expected ? 1 : 0;
            ++checked;
          }
        }
      }
    }
  }
  // The matrix holds verifying signatures, not only refusals: each key's own signatures of
  // every scheme and hash it supports, PSS with every salt length.
  EXPECT_GE(accepted, 30u) << checked;
  EXPECT_EQ(ERR_peek_error(), 0u) << "the error queue is left empty";
}

TEST(PreparedVerify, PssAcceptsAnySaltLengthAndTheOtherPaddingIsRefused) {
  const auto& rsa = testing::rsa_key_a();
  const PublicKey pub = rsa.public_key();
  for (auto h : kHashes) {
    SignatureAlgorithm pss{SignatureScheme::RsaPss, h};
    SignatureAlgorithm pkcs{SignatureScheme::RsaPkcs1v15, h};
    for (int salt : {RSA_PSS_SALTLEN_DIGEST, RSA_PSS_SALTLEN_MAX, 0, 1, 20}) {
      Bytes sig = sign_pss(rsa, h, salt, kData);
      ASSERT_FALSE(sig.empty());
      EXPECT_TRUE(verify(pub, pss, as_bytes(kData), sig)) << salt;
      EXPECT_FALSE(verify(pub, pkcs, as_bytes(kData), sig)) << salt;
      EXPECT_FALSE(verify(pub, pss, as_bytes(kData + "x"), sig)) << salt;
      EXPECT_FALSE(verify(testing::rsa_key_b().public_key(), pss, as_bytes(kData), sig));
    }
    Bytes pkcs_sig = sign(rsa, pkcs, as_bytes(kData));
    EXPECT_TRUE(verify(pub, pkcs, as_bytes(kData), pkcs_sig));
    EXPECT_FALSE(verify(pub, pss, as_bytes(kData), pkcs_sig));
  }
}

TEST(PreparedVerify, KeyCopiesShareOnePreparedState) {
  const PublicKey pub = testing::rsa_key_a().public_key();
  const PublicKey copy = pub;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(&pub.state(), &copy.state());
  EXPECT_EQ(pub.type(), KeyType::Rsa);
  EXPECT_EQ(pub.bits(), 2048);
  EXPECT_EQ(testing::ec_key().public_key().type(), KeyType::Ec);
  EXPECT_EQ(testing::ec_key().public_key().bits(), 256);
}

Certificate self_signed(const PrivateKey& key) {
  IssueRequest r;
  r.profile = CertificateProfile::RootCa;
  r.common_name = "Verify Test";
  r.serial = Bytes{0x01, 0x02};
  r.not_before = testing::real_now() - std::chrono::hours(1);
  r.not_after = testing::real_now() + std::chrono::hours(24);
  return issue_certificate(r, key.public_key(), std::nullopt, key);
}

TEST(PreparedVerify, ACertificateAndItsCopiesGiveOneKey) {
  Certificate cert = self_signed(testing::rsa_key_a());
  Certificate copy = cert;
  PublicKey a = cert.public_key();
  PublicKey b = cert.public_key();
  PublicKey c = copy.public_key();
  EXPECT_EQ(&a.state(), &b.state());
  EXPECT_EQ(&a.state(), &c.state());
  EXPECT_TRUE(a.equals(testing::rsa_key_a().public_key()));
  // A certificate parsed again is a new object with its own key.
  Certificate again = Certificate::from_der(cert.der());
  EXPECT_NE(&again.public_key().state(), &a.state());
  EXPECT_TRUE(again.public_key().equals(a));
}

// Several threads verify with one key at once, each with the first use racing the others, a
// mix of schemes, good and bad signatures; every verdict must be the expected one.
TEST(PreparedVerify, ThreadsSharingOneKeyGetTheRightVerdicts) {
  const auto& rsa = testing::rsa_key_a();
  const auto& ec = testing::ec_key();
  SignatureAlgorithm rs256{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256};
  SignatureAlgorithm ps512{SignatureScheme::RsaPss, HashAlgorithm::Sha512};
  SignatureAlgorithm es256{SignatureScheme::Ecdsa, HashAlgorithm::Sha256};
  const Bytes rs_sig = sign(rsa, rs256, as_bytes(kData));
  const Bytes ps_sig = sign_pss(rsa, HashAlgorithm::Sha512, RSA_PSS_SALTLEN_MAX, kData);
  const Bytes es_sig = sign(ec, es256, as_bytes(kData));
  Bytes bad_rs = rs_sig;
  bad_rs[3] ^= 1;

  for (int round = 0; round < 3; ++round) {
    // Fresh objects each round, so that preparing the contexts races too.
    const Certificate rsa_cert = self_signed(rsa);
    const PublicKey ec_pub = ec.public_key();
    constexpr int kThreads = 6;
    constexpr int kIterations = 40;
    std::atomic<int> wrong{0};
    std::atomic<int> start{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.fetch_add(1);
        while (start.load() < kThreads) {
        }
        for (int i = 0; i < kIterations; ++i) {
          PublicKey rsa_pub = rsa_cert.public_key();
          bool ok = true;
          switch ((i + t) % 5) {
            case 0:
              ok = verify(rsa_pub, rs256, as_bytes(kData), rs_sig);
              break;
            case 1:
              ok = verify(rsa_pub, ps512, as_bytes(kData), ps_sig);
              break;
            case 2:
              ok = verify(ec_pub, es256, as_bytes(kData), es_sig);
              break;
            case 3:
              ok = !verify(rsa_pub, rs256, as_bytes(kData), bad_rs);
              break;
            case 4:
              ok = !verify(rsa_pub, rs256, as_bytes(kData), ps_sig) &&
                   !verify(ec_pub, es256, as_bytes(kData + "x"), es_sig);
              break;
          }
          if (!ok) wrong.fetch_add(1);
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0) << "round " << round;
  }
}

TEST(Hash, IntoABufferGivesTheSameBytes) {
  for (auto h : kHashes) {
    for (std::string_view data :
         {std::string_view(), std::string_view("abc"), std::string_view(kData)}) {
      std::array<std::uint8_t, kMaxHashSize> buffer{};
      std::size_t n = hash(h, as_bytes(data), buffer);
      EXPECT_EQ(n, hash_size(h));
      EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)),
                hash(h, as_bytes(data)));
    }
  }
  std::array<std::uint8_t, kMaxHashSize> buffer{};
  hash(HashAlgorithm::Sha256, as_bytes("abc"), buffer);
  EXPECT_EQ(hex_encode(Bytes(buffer.begin(), buffer.begin() + 32)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace sandbank::crypto
