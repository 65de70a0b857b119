#include "core/encoding.hpp"

#include <array>

namespace sandbank {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::span<const std::uint8_t> in, const char* alphabet, bool pad) {
  const std::size_t rest = in.size() % 3;
  std::string out((in.size() / 3) * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '=');
  char* o = out.data();
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    *o++ = alphabet[v & 63];
  }
  if (rest == 1) {
    std::uint32_t v = in[i] << 16;
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8);
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
  }
  return out;  // the padding, if any, is already in place
}

std::array<int, 256> make_table(const char* alphabet) {
  std::array<int, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
  return t;
}

std::optional<Bytes> decode(std::string_view text, const std::array<int, 256>& table) {
  // Strip trailing padding (at most two '=').
  std::size_t end = text.size();
  int pads = 0;
  while (end > 0 && text[end - 1] == '=' && pads < 2) {
    --end;
    ++pads;
  }
  if (pads > 0 && text.size() % 4 != 0) return std::nullopt;
  std::string_view body = text.substr(0, end);
  if (body.size() % 4 == 1) return std::nullopt;
  // Four characters make three bytes; a last group of two or three makes one or two.
  const std::size_t tail = body.size() % 4;
  Bytes out(body.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1));
  std::uint8_t* o = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(body.data());
  const auto* const full_end = in + (body.size() - tail);
  for (; in != full_end; in += 4) {
    const int a = table[in[0]], b = table[in[1]], c = table[in[2]], d = table[in[3]];
    if ((a | b | c | d) < 0) return std::nullopt;
    const auto v = static_cast<std::uint32_t>((a << 18) | (b << 12) | (c << 6) | d);
    *o++ = static_cast<std::uint8_t>(v >> 16);
    *o++ = static_cast<std::uint8_t>(v >> 8);
    *o++ = static_cast<std::uint8_t>(v);
  }
  if (tail >= 2) {
    const int a = table[in[0]], b = table[in[1]], c = tail == 3 ? table[in[2]] : 0;
    if ((a | b | c) < 0) return std::nullopt;
    const auto v = static_cast<std::uint32_t>((a << 18) | (b << 12) | (c << 6));
    // Leftover bits must be zero (canonical encoding).
    if ((tail == 2 && (v & 0xFFFF) != 0) || (tail == 3 && (v & 0xFF) != 0)) return std::nullopt;
    *o++ = static_cast<std::uint8_t>(v >> 16);
    if (tail == 3) *o++ = static_cast<std::uint8_t>(v >> 8);
  }
  return out;
}

const std::array<int, 256> kStdTable = make_table(kStd);
const std::array<int, 256> kUrlTable = make_table(kUrl);

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> data) {
  return encode(data, kStd, true);
}
std::optional<Bytes> base64_decode(std::string_view text) {
  return decode(text, kStdTable);
}
std::string base64url_encode(std::span<const std::uint8_t> data) {
  return encode(data, kUrl, false);
}
std::optional<Bytes> base64url_decode(std::string_view text) {
  return decode(text, kUrlTable);
}

std::string hex_encode(std::span<const std::uint8_t> data, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out(data.size() * 2, '\0');
  char* o = out.data();
  for (auto b : data) {
    *o++ = digits[b >> 4];
    *o++ = digits[b & 15];
  }
  return out;
}

std::optional<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace sandbank
