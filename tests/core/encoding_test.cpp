#include "core/encoding.hpp"

#include <gtest/gtest.h>

#include <random>

namespace sandbank {
namespace {

TEST(Base64, RoundTripsRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(to_string(*decoded), plain);
  }
}

// Bit by bit, as RFC 4648 section 4 describes it: the yardstick of the table-driven code.
std::string reference_base64(const Bytes& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t bits = in.size() * 8;
  for (std::size_t at = 0; at < bits; at += 6) {
    int v = 0;
    for (std::size_t b = at; b < at + 6; ++b) {
      int bit = b < bits ? (in[b / 8] >> (7 - b % 8)) & 1 : 0;
      v = (v << 1) | bit;
    }
    out += kAlphabet[v];
  }
  while (out.size() % 4 != 0) out += '=';
  return out;
}

TEST(Base64, AgreesWithABitwiseEncoderForEveryLengthAndRefusesNonCanonicalTails) {
  std::mt19937 random(7);
  for (std::size_t length = 0; length <= 300; ++length) {
    Bytes bytes(length);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    const std::string encoded = reference_base64(bytes);
    EXPECT_EQ(base64_encode(bytes), encoded) << length;
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << length;
    EXPECT_EQ(*decoded, bytes) << length;
    if (length % 3 != 0) {
      // The last character before the padding carries unused bits: setting its lowest
      // makes an encoding no encoder writes.
      static constexpr std::string_view kAlphabet =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      std::string odd = encoded;
      std::size_t last = odd.find('=') - 1;
      odd[last] = kAlphabet[kAlphabet.find(odd[last]) ^ 1];
      EXPECT_FALSE(base64_decode(odd)) << odd;
    }
  }
}

TEST(Base64, RejectsForeignCharactersAndBadPadding) {
  EXPECT_FALSE(base64_decode("Zm9v*"));
  EXPECT_FALSE(base64_decode("Zg="));     // padding on a non-multiple of 4
  EXPECT_FALSE(base64_decode("Z"));       // impossible length
  EXPECT_FALSE(base64_decode("Zh=="));    // non-canonical trailing bits
  EXPECT_FALSE(base64_decode("Zm9v_-"));  // base64url alphabet in standard base64
}

TEST(Base64Url, HasNoPaddingAndUrlAlphabet) {
  const std::uint8_t bytes[] = {0xfb, 0xff, 0xfe};
  EXPECT_EQ(base64url_encode(bytes), "-__-");
  EXPECT_EQ(base64_encode(bytes), "+//+");
  EXPECT_EQ(base64url_encode(as_bytes("f")), "Zg");
  auto decoded = base64url_decode("-__-");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, Bytes(std::begin(bytes), std::end(bytes)));
  EXPECT_FALSE(base64url_decode("+//+"));
}

TEST(Hex, EncodesAndDecodesBothCases) {
  const std::uint8_t bytes[] = {0x49, 0xba, 0x5c, 0x71};
  EXPECT_EQ(hex_encode(bytes), "49ba5c71");
  EXPECT_EQ(hex_encode(bytes, true), "49BA5C71");
  auto d = hex_decode("49BA5c71");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size(), 4u);
  EXPECT_FALSE(hex_decode("4"));
  EXPECT_FALSE(hex_decode("zz"));
}

TEST(Percent, DecodesFormEncoding) {
  EXPECT_EQ(*percent_decode("payment-accounts%3Abalances%3Aview+granting", true),
            "payment-accounts:balances:view granting");
  EXPECT_EQ(*percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%4", true));
  EXPECT_FALSE(percent_decode("%zz", true));
  EXPECT_EQ(percent_encode("https://example.com/a b"), "https%3A%2F%2Fexample.com%2Fa%20b");
}

}  // namespace
}  // namespace sandbank
