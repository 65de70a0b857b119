#pragma once

// Keys, certificates, clocks and messages shared by the signing tests. RSA key generation is
// the slow part, so the keys are made once per test process.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/time_format.hpp"
#include "crypto/certificate.hpp"
#include "crypto/keys.hpp"
#include "crypto/pki.hpp"
#include "signing/signing.hpp"

namespace sandbank::signing::testing {

// 2026-11-24T10:00:00Z: the date of the ING-shaped vectors in standards.md.
inline TimePoint t0() {
  return *parse_rfc3339("2026-11-24T10:00:00Z");
}

// The draft-cavage test key (1024-bit RSA, keyId "Test"), standards.md §1.6.
inline constexpr const char* kDraftKeyPem = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
)";

// Test-only EC keys on the curves that crypto::PrivateKey cannot generate.
inline constexpr const char* kP384KeyPem = R"(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBWpMO/XUagQxysjz5S
sVDUO9n2qc3ZnX/f9lyYZ/u3eLSVJzF3034psyA6YJX+BwehZANiAAQKQY3CPT/K
d0Xj/IY0qTDo4K7QpcOe04qg6PZ+E/3d1xcy98Rq/x/jSM65ttb7lKMQZiwSDnpl
mVKmKHnbXgHPoxHsUFKRaBBB8cE15qqg8eBYJJTqEuQ5CUkjU24j/2w=
-----END PRIVATE KEY-----
)";
inline constexpr const char* kP521KeyPem = R"(-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIBACYLxvkNbbio6MOc
BSSSt1w+MUQVkd5d20f9ZJrZ2Zndus1+ks+lO/nUkrKkvQ6KnIjbwvr5niGoNWRF
l5csrMqhgYkDgYYABAFLgPS1cwCZLgx752HVECEoH/CAeg8ctieoHfPNs+7P/MK4
guRY/s7VYy5WErLA4lHlbd/0Kf8vrzRm/4sFofcGigFvf+oxDU/06ZDQDknVXbeO
fivXlTf5nWdYT15WJWGQeclXIpsjvoobSCeeMbj4mXQtaB0GXza0u9DhW9r2ARVh
1A==
-----END PRIVATE KEY-----
)";

// Fixed RSA-2048 test keys (generating them in every test process would dominate the run time).
inline constexpr const char* kRsaCaKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCuNWvJm8FWG18U
9dZ18nT8jdAmDaVcEiDT36GySlsXRKAM/ikA8LoEZy3w5GCETPtr2SqlnnpfoTjn
ZB/G07vpHTfq6uVnaILACDk8gyNgcPHcUZc6YSfKI15WEUucPyrcR4Oho+6mnga0
7kvw18LwREdPRk2WRJd0UfkBGTZNgpnRInAF+x+Vq72a3dPiAGzDI4lE06XzE4r/
Vsl3zaQzSSFqnslZTrcTD6DYOgZZGD1NVZ07WNCBV5RSja0qq5CwegEugdRLcxlg
cgdFNKCN1u1rdpEaFInjwlbG1aK4sw31aU9VauFK1DH5f8vlpC2TN8Z/WCJcFxsu
iTagSPD3AgMBAAECggEABwfm6sMbgXMnWjw1xJrdd9ftX6vLUbT1mDd9WinAFWdS
olObqgsNJuJXK1K8Rnqo5whjvT1xKOzj1ArpcWfYPKdOO2/xhEPmiwOJ89RDGEBW
spKkbNnA9lqJEyYtjAfMnglQ2bQ5DIZyNNktPXInzvSigCORPBBWoH4yc4Xl+CjN
JGXqirAk/iG7HyoQ4pxJB1QXe+Yuf+mtJ8o1chnE2ARIh73u+EGTufRkXE976Wz1
ZwrWoK583dDIEhNv6UZd+E0GW9CeZPXsphnJuV74GSPUfnCExNrL/tBKr0mC7auj
PyRxsr45SFSeCJkxwoUaWOud3YzgW0fD07dgJlDzcQKBgQDeuiT59bfAQaKSNwKj
8dLJcgREkDWLCoKLUJ9P5JnbBGUM9Vj/J9kbe1rTMMLNY1dB9U+p8x2Z1Q3czpDS
VkbEV8Eh5eUXRjhGbX9iMs7wQ8iK2C4z3oT5Tty57kkicKrPpCd7WSgsqFAdIFu2
sKsqDZ0tA6WFDKMOOaDhCM5NqQKBgQDIO8NlKgnpgzKRzNnsmy7uXRysXVlAWwwz
g84ZoTctw9U3+ev//PLBGCFd/dBwIw/55FcW2WZTxr6lVWJijVNaXUWJKMWP3KU6
5SlxX19BXIyhRE3DmLYZqzoPGDcdWRvNY5Rm/F1qiiKt2LtTRk+NuwiR0icngZOw
eqWQkIAtnwKBgBAU6K6Tq1zaYF6mUi58O3gIH37D2tnbPGnKvHYMT3+c5Z716CMk
QWzWj0xIbQhfb+F3UPU4dJ6y33leAN7vE9UBcRR9gPkZPN748QWqHX8DpetAiLV+
D6PgqddS+TzfXbX4aFFjsp7m2EICIB0kzHcQ3JRvevgMXYmdZ5xYAm1hAoGAc05X
Gy62Po6a1HNPG33R7NoZ5PhsqS7FO/Uu/ntkNyqK4o09ZlDXynKG5IWBPtIyJQll
TXcsAhp1NuiQm4ge8+66WF3uRwYc8Gl/EBaH2C/fnA6laXnLg8SizoZ3VqM163To
xNWXRf7+MXaZiT74GPoX2UFX4twvnHVEWpeb+KkCgYEAm8SYH3SGIkEqFMycQf9w
KNM+V12nefQg5o+CDNoOmloVCNO4OABYXzn3IexvMx73+VRxhc1c8r/CoC27Aeu7
CNUB+werUZeWrmnMdhZtUgl7kTEOa0K5jOeMTOL6cHwpTs+xHi+qt8yV0XRaljQA
+h+3kujvZKrNqqmHLcJmFcM=
-----END PRIVATE KEY-----
)";
inline constexpr const char* kRsaSigningKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC5gv2fqQmPGIRf
cXtJsNkhTqKr+t8kLbpPjGve9qnFRgA4mxdPGA7XONBe4bRE1YZCz/MDEtnmLyOq
TAZed+hBEFyu6wA8lyuYhl8yTniO2KW18haJYtIbfteKu4hZcn95CSvltmBa0O+T
YgCiEQm5yPAauRV+OSSAZvew7WDcIJzpF7xxKVMAmPq1BRDIdGrzsRodeovAEsMp
nDojf5mrgSS5x6jd2OXpnqCKGgNTjQjTr4CwCf9SbToi2jPAwohFj8pBrLdo/HwL
qclejn2MT2JPoigUNzzxKX1wBryC0kUB73a533a5qIZyWBUuTBr8TjMrju4Jlndw
97HYfv0RAgMBAAECggEAFqkjHQ0zfzjR9qywkDRbmZ927IYlGtDBKPVwudgsrc3a
ug9r3fwE2BJ3FZgBgsUIdQHc3/u+BUmt1CAcSQ7hno0GnVFUgpI+v49ucoE2ZdCe
EWckjJy3KKeqYaZ9xdtgKeNOau2HwKA0G69Ff4aQRxL+DW2dbAFD7bFmQUUF522Z
LogHJboMzesMFMmqrv5BbWixrWgbw2xvXaRZTUYpTqPX9KB6LULj9rZvJeT0Gex6
VlgiDxvVuHzJeSOYr95P8UT6Jkvn1CO/bDeeJmkcidGpbcsfYyt+14+KLqyDbHOr
MwC27LKGYD9kegNzv5FOZeaMO0Cdlm94SQCg4nOb3wKBgQDcqgQa+iq1rlp67aBG
ioUDI79BvZXRdIOUvvOO0KKUiMasCFHhC5ABHGtyNBVuClB+cMDkzyHLU4k1yjvC
lNzbiBCXoaH9N0v26E2b79Mlxx/rJgrTYHGqWSASZyGrf50jxinaarIHF3zYriWy
c5xe04/SF3JiD6AYi5Ra6BuoGwKBgQDXN+xCk/HCJRymgnDxTEd90uovCCL7xOS+
x2d73UgIKfdzUmQ/NCa76hRPiOAtIzpjw0A0MrXPq5qMepv8PrdcVDIiIbobU2yE
Ts0IOafq95/UC0Y6lTRcLncUNSVnMcO7H0hCU3K65qiwjS5Q6rc4DSX717GmPqY6
CtIx7AHaQwKBgFOfipa+n1jijh9v1gFllSqvbVd4hUIvKX5BLwO8RSCNBN1E+eKT
AyuonX9WBZkCB6cjC7aqWGA5dBISZbtDtr7rPX55Hm5bekpDlsW1iQsT/yCZ9hhM
wEaSJ/lRZA0d+2sHOe0v6e+OEx36QQbzkRrOif5QLGTFDyK+Iqagt3ppAoGAXyAZ
rkfD+ML8ieBn2U+U3dlmpwkapVuem3B5nfbtiqY5+F/3bTQ41qAdABaIt4q1mTjI
3Ql48ORxeBwNbA2wb//K9OkhYEicU1KdL0CEpsdyfn/JN8WREhl7ipP/B0CoucGW
57IIqPGgqACO8zb7aqvtGQZ6P/e68zarN2OQYg8CgYEAiOdZz6rFIMttby5GCf1N
4lR8eaQnjXNJ24ELPI3wXJq57XUtT/epNrsEBJI9UwZh+i0jw3Bxg5+5M2JPWJUc
GNeI0k3n3tYaYKvPyq+itVF23Zq6ARdWwlv0i4zPuBZgyEGSanf1HaRqR6CyVnqD
c9+mBAWu1ZfXBtUPb36EIAQ=
-----END PRIVATE KEY-----
)";
inline constexpr const char* kRsaTlsKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC1ovWgzH4zm9dI
jhTbihTXMv/4wJXMlLe60n3bn/BIQtD4J00SI6xt6+74GTyKBIP5fVi9k2sWtKlc
foQdb2ewhn95BzRwPppmh34p18KTO8xqYAcmHZ2POntioYFsM1r5TtHunH/2j16A
8HdtWKjlb6zE0BYJByT9uenQlgePGYSZSL7/Z3iLzdjfqQZpCJ2jMpPN+k9xrh6+
75+x0eL6DjzZvlHQTKfljYFHC036KxojAD//S4oOqA20ongz1cQ3qhExuQY0K9XK
cZEt0nJorLG8eo2lA6OuZ0DERJ5J0UfVtMAAtjEFfxRntcIo6jJPEAOpsP2YEoy3
X5xLxnujAgMBAAECggEAS6pAEqU9aXhhHWt6yt3hwqgPM+veO2Q0iZIINgaRjTiw
Xr/Yflb4DK59VUMGEiTBaZxK7GZN9R57cvmNRcnT8xiEX8Gdmaiqn02QRBQKjVUa
2bF5KOqraTAemD7ZcF6QZkzsbS8qq2acIrCJv7ZwXWvBGBfrJgWg5kWdXnQxX+23
4O6BBI5E/3VSmh9/i0mW/KxrcjYbZICaeimJ+2p6fD3pKTResXWhBVVxiUvB/5rA
O73epeJb36eDA3mIZRY/buCiqOXyuQPCMfmAAwjzzjBS4/0MKkoFKsz1p+urBpg/
mHv2tYVxIzt+ebTJxZ0/rcZYLU21+LPoyfwU6GNnkQKBgQDuH0lZVn1yE/t385vq
mdZ5h8wGlII3X+iZtweHs1DfK+/OcyKa/DZIsqMBFon/jBNPiaUzqYixHFAzWqYc
+f1I+Lmfq8ZdJKZHYS/mGck2nrO2JMZdJImvHbryOqmT/L4HbCZHZePbf8dbNPyx
hxTjEM7rb8vEESbEPsoxIW4ySwKBgQDDRgSEdAG5mTD7ZzA1rEjD2aeuzCNbt+cn
qrWA9cnYthnN/QJuIW9OxVUqKvXn6vo6N7QDU3kcAqyYc1Ew2IHEl1XGasb1P6iO
94bB+ysyxsFNPn3/p3kuoPzehYrYxQNdgvGtaUNWvpBtaWqJtn/1NJ1TpEvyUvIb
oHSlrrnFCQKBgQCTmnEtH5/DBv/p6ufLFHEOBE9EBOpyyNC19+6C/3Qx4lpT7qqU
x6Iejhzcn8wKzBlsRDZTP9OrdZGBQ7+UVqHaidMGVsQvGHi55lR6naFMajObxE/x
jKSMGDG51QMo6JIip7dSqqYDecFpl/7LTKB14AVji3kToE4Xd5R9v+s+4QKBgF8o
wtDNO333okARRBQT1g3jBm0PO/fZQcM51GN445lA/Ig+UK3ci0KGtX7sGpOfFbvD
I20vg2hcAUH1iE5WY76qxPkBVd1z3S92fmwPeziuVMrQtlQch9hqSXAjAcurDn3G
bwHDtzYRfY5j/bAIiIi00CpPeVcohqVh5xZKdGsJAoGBAMnRE3a/p0UfwC0B5u/Y
jfwHhIIZ+E0ujk+Cgejl34YrsiJPZ1QHLz2z++ukpzogF+P6SUy0d3AV2fRrPivk
BqcujUi9U6W8Cx8SZo2iI3JECXs9JAK+t9ZxIfvRzbmVK9o4o+UzoGuWes5Pf1Zw
8oN7aF88RE4XisQTRhy33Rgi
-----END PRIVATE KEY-----
)";
inline constexpr const char* kRsaOtherKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCvY4iz5xWVqQmd
rEZK02BVXpvMKNJtoC0MVODZ4Z6nI9IGgOHh7DXX5ZC0xQODzSSvZ0+xPkKetjFh
Aov+2nr54WywSISVdEx0fDfoDiZQQGDxClQBX4PK2cLGLEyr1UMDMGfWZbPCQWeb
ba4hQ9KtQy2bVua6x+wAhv61MJ44oYyW/opGJYuA3Ei/M4/hBeD4EHqSTk6/Uwrl
K02eY1842CWrHiSHIM4q/kvy2bO3mgUZenNOCbjEb9CpTEFZVr+FD/LO2CuaAvYo
jEBqGeZoas3gNqS4EtH74BfBKFW9MFkVOQXzRaT8Aj9Tykq0y6ucuRXP/lHNtLS3
/ARQAKaXAgMBAAECggEAToF4FEbwo2/pjPkq8Z1R9oSFqknvfwB+iZGIoB5cnKXt
Ado4wZ6wrzXjova4zwtJS3Yr9sNOoKoeyjSQo3/6IdWkh/e92QQYoN9lSurifXOD
sQEVfxPY8zir9XaozxWDjG7jW9VkNCSAktLyaZNpPwLd7DVmy95nJglHA6WCfQgb
zjJ9gnTLUmBEwq4EstjoeZnOWj2LFmFicAPO0OCuuUv62wTbz5rzR3iSMrsuIuHn
D2Lr3UlnswjJL5dfcDbya02dHBnbz/BMtRu+4bW7xVvzp++SRRe5OLwSa11Xwsyh
WqPwg67RxFMBPhQMmy6EyoTMRS0pZmoFI2vbhAU/gQKBgQDu3AemTrYHq5I6fgaH
JyLU5YZfirAvAlRTQkZS2kiQSMr39tDk2lXC7uaJQEiNoszeX4XOOJ3qXgaY2qv0
Qm2uw3YuDcCh910vXQhwV7VU/yV7yAKxdCcF2polwIbdaNnBTVPT77CC1ikAgjSw
yu3dX7btQkkNUVbCnG3uEdP3VwKBgQC7+YPvaqKYQJjo3pmk7YkQAzICWZtNZ/mA
FAJAKgL827HKV1r3/TrccCY7f+nZT647mStXlFCYpeKmMFf/4OobbUp9rVotEnrw
nDHBRqbyyuHYEaoinGtc15TuFsyALG+etSFSTm3gXTjVY8gSKGSHo2u16zhvRuK4
BLMbPo+CwQKBgB9NzN7Z3/dfX/m0fIyH74OxVQv+dBqlFoIW5HqFSw9Fyvv2Z+gm
SSkUADiqqReO54SZRkMBnoiRrBGqTvDjJ9bInRtqB/3yGk9TxQBcLlKmYbY4P0oc
a+TTgnJCKiqoTCmORdc3yY1MHfGIHvmwjr39hk7P6h0JtPIqaCnUQlBfAoGBAKIC
NzgNy/01D5UE5Z9EKrFmT5++4x8f0eYVWKs8ij6sits91uWNl0GOVyVI5Z+qERzE
sppU9fHaZzGc0Pt0OdFRrLYMxn+6QcNGm4tc/V6chXHYJ66U6eOm2nEprS97HOjI
a+OoPQL21Zj02ubrcVmF+7ta89TUX2sCgeulS8MBAoGALQuG0deVNriXT4i393vv
W2U6Mgz4diMi6pUkq/IsXbmbZr8JVnnRJWoaK3FvmMMGB6qJbrHBXbxuK8SQ36oQ
Xs8BSa4vDVKu+HjIlmArAo02lGw0ULknZiOY37goxy27++2RukxlpG8kfi7ezZUG
5Skin7gNsYrn6OnNnW09RRw=
-----END PRIVATE KEY-----
)";

struct KeyPair {
  crypto::Certificate cert;
  crypto::PrivateKey key;
};

// A small test PKI: CA, the example signing (QSealC, serial 49BA5C71) and TLS (QWAC) pairs,
// an unrelated RSA key, and EC signing pairs on P-256, P-384 and P-521.
struct TestPki {
  crypto::Certificate ca;
  crypto::PrivateKey ca_key;
  KeyPair signing;               // RSA-2048, serial 49BA5C71
  KeyPair tls;                   // RSA-2048, serial 5A4D1C3B
  KeyPair other;                 // RSA-2048, another TPP (serial 0A0B0C0D)
  KeyPair ec256;                 // EC P-256
  KeyPair ec384;                 // EC P-384
  KeyPair ec521;                 // EC P-521
  crypto::PrivateKey draft_key;  // 1024-bit
};

inline KeyPair issue(const crypto::Certificate& ca, const crypto::PrivateKey& ca_key,
                     crypto::CertificateProfile profile, crypto::PrivateKey key,
                     std::uint32_t serial, const std::string& cn) {
  crypto::IssueRequest r;
  r.profile = profile;
  r.common_name = cn;
  r.organization = "Sandbank Example TPP";
  r.organization_identifier = "PSDNL-SBX-1234512345";
  r.roles = {crypto::Psd2Role::AccountInformation, crypto::Psd2Role::PaymentInitiation};
  r.serial = Bytes{static_cast<std::uint8_t>(serial >> 24), static_cast<std::uint8_t>(serial >> 16),
                   static_cast<std::uint8_t>(serial >> 8), static_cast<std::uint8_t>(serial)};
  r.not_before = t0() - std::chrono::hours(24 * 365);
  r.not_after = t0() + std::chrono::hours(24 * 365);
  auto cert = crypto::issue_certificate(r, key.public_key(), ca, ca_key);
  return KeyPair{std::move(cert), std::move(key)};
}

inline const TestPki& pki() {
  static const TestPki instance = [] {
    auto ca_key = crypto::PrivateKey::from_pem(kRsaCaKeyPem);
    crypto::IssueRequest r;
    r.profile = crypto::CertificateProfile::RootCa;
    r.common_name = "Sandbank Signing Test CA";
    r.organization = "Sandbank";
    r.serial = Bytes{0x01};
    r.not_before = t0() - std::chrono::hours(24 * 3650);
    r.not_after = t0() + std::chrono::hours(24 * 3650);
    auto ca = crypto::issue_certificate(r, ca_key.public_key(), std::nullopt, ca_key);
    using P = crypto::CertificateProfile;
    auto signing = issue(ca, ca_key, P::Qsealc, crypto::PrivateKey::from_pem(kRsaSigningKeyPem),
                         0x49BA5C71, "Example TPP signing");
    auto tls = issue(ca, ca_key, P::Qwac, crypto::PrivateKey::from_pem(kRsaTlsKeyPem), 0x5A4D1C3B,
                     "Example TPP TLS");
    auto other = issue(ca, ca_key, P::Qsealc, crypto::PrivateKey::from_pem(kRsaOtherKeyPem),
                       0x0A0B0C0D, "Other TPP signing");
    auto ec256 = issue(ca, ca_key, P::Qsealc, crypto::PrivateKey::generate_ec_p256(), 0x00EC0256,
                       "EC P-256 TPP");
    auto ec384 = issue(ca, ca_key, P::Qsealc, crypto::PrivateKey::from_pem(kP384KeyPem), 0x00EC0384,
                       "EC P-384 TPP");
    auto ec521 = issue(ca, ca_key, P::Qsealc, crypto::PrivateKey::from_pem(kP521KeyPem), 0x00EC0521,
                       "EC P-521 TPP");
    return TestPki{std::move(ca),    std::move(ca_key), std::move(signing),
                   std::move(tls),   std::move(other),  std::move(ec256),
                   std::move(ec384), std::move(ec521),  crypto::PrivateKey::from_pem(kDraftKeyPem)};
  }();
  return instance;
}

// The application-token request of the guide, signed like the guide signs it.
inline Message token_request(TimePoint now = t0()) {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/token";
  m.body = "grant_type=client_credentials";
  m.add("Accept", "application/json");
  m.add("Content-Type", "application/x-www-form-urlencoded");
  m.add("Digest", make_digest(m.body));
  m.add("Date", format_imf_fixdate(now));
  m.add("TPP-Signature-Certificate", tpp_certificate_header_value(pki().signing.cert));
  return m;
}

// POST /oauth2/applications as the guide's DCR script sends it (before x-jws-signature).
inline Message registration_request() {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/applications";
  m.body = R"({"contact":"tpp@example.com","redirect_uris":["https://example.com/redirect"]})";
  m.add("Content-Type", "application/json");
  m.add("Digest", make_digest(m.body));
  m.add("TPP-Signature-Certificate", tpp_certificate_header_value(pki().signing.cert));
  return m;
}

inline const std::vector<std::string>& guide_headers() {
  static const std::vector<std::string> h = {"(request-target)", "date", "digest"};
  return h;
}

// No double quotes, backslashes or control characters (an OAuth error_description).
inline bool clean(const std::string& s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace sandbank::signing::testing
