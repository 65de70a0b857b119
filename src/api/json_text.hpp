#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

// The JSON writer of the AIS answers (accounts, balances, transaction pages): bodies are written
// straight from the store's records and row views (no JSON values in between). For each entry
// the room it can take at most is made once, then its bytes are copied in with unchecked
// writes. The bytes are those Boost.JSON's serializer writes for the same document (its
// escaping, keys in the order given), amounts are JSON numbers with exactly two decimals
// (api.md Part 1), which Boost.JSON cannot print. Header-only: these run once per field of
// every AIS answer and are inlined.
namespace sandbank::api::json_text {

// True when one of the 8 bytes of `w` is below 0x20, '"' or '\\' (bit tricks from "Bit
// Twiddling Hacks": haszero / hasless).
inline bool needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return (((w - kOnes * 0x20) & ~w & kHigh) | has_zero(w ^ (kOnes * '"')) |
          has_zero(w ^ (kOnes * '\\'))) != 0;
}

// --- JSON text ---------------------------------------------------------------------------
//
// The accounts list and the transaction pages are written straight from the store's row views into
// the body (no records, no JSON values): for each entry the room it can take at most is made once,
// then its bytes are copied in. The bytes are those Boost.JSON's serializer writes (its escaping,
// keys in the order given; amounts with two decimals).

// The body under construction: room is made before writing, so the writes need no checks.
class JsonText {
 public:
  explicit JsonText(std::size_t estimate) { text_.resize(estimate); }

  // Room for at least `n` more bytes; write them from the returned position, then done().
  char* room(std::size_t n) {
    if (text_.size() - size_ < n) text_.resize(std::max(text_.size() * 2, size_ + n));
    return text_.data() + size_;
  }
  void done(const char* end) { size_ = static_cast<std::size_t>(end - text_.data()); }
  std::string_view view() const { return {text_.data(), size_}; }
  std::size_t size() const { return size_; }
  std::string take() {
    text_.resize(size_);
    return std::move(text_);
  }

 private:
  std::string text_;
  std::size_t size_ = 0;
};

template <std::size_t N>
char* put(char* p, const char (&literal)[N]) {
  std::memcpy(p, literal, N - 1);
  return p + N - 1;
}

inline char* put(char* p, std::string_view text) {
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

// The bytes JSON strings escape (as Boost.JSON does): controls, '"' and '\\'.
constexpr auto kEscaped = [] {
  std::array<bool, 256> escaped{};
  for (int c = 0; c < 0x20; ++c) escaped[c] = true;
  escaped['"'] = escaped['\\'] = true;
  return escaped;
}();

inline char* put_escape(char* p, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  switch (c) {
    case '"':
      *p++ = '"';
      break;
    case '\\':
      *p++ = '\\';
      break;
    case '\b':
      *p++ = 'b';
      break;
    case '\t':
      *p++ = 't';
      break;
    case '\n':
      *p++ = 'n';
      break;
    case '\f':
      *p++ = 'f';
      break;
    case '\r':
      *p++ = 'r';
      break;
    default:
      p = put(p, "u00");
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 0xF];
  }
  return p;
}

inline char* put_byte(char* p, unsigned char c) {
  if (kEscaped[c]) return put_escape(p, c);
  *p++ = static_cast<char>(c);
  return p;
}

// `text` as the inside of a JSON string, escaped as Boost.JSON escapes it: 8 bytes at a
// time while none needs escaping. Writes at most 6 bytes per input byte.
inline char* put_escaped(char* p, std::string_view text) {
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = in + text.size();
  while (end - in >= 8) {
    std::uint64_t w;
    std::memcpy(&w, in, 8);
    if (!needs_escape(w)) {
      std::memcpy(p, &w, 8);
      p += 8;
      in += 8;
      continue;
    }
    for (const auto* stop = in + 8; in != stop; ++in) p = put_byte(p, *in);
  }
  if (in != end && text.size() >= 8) {
    // The last 8 bytes, overlapping what is written: when none needs escaping, the overlap
    // was copied as it is and is written again unchanged.
    std::uint64_t w;
    std::memcpy(&w, end - 8, 8);
    if (!needs_escape(w)) {
      const auto rest = end - in;
      std::memcpy(p + rest - 8, &w, 8);
      return p + rest;
    }
  }
  while (in != end) p = put_byte(p, *in++);
  return p;
}

inline char* put_string(char* p, std::string_view text) {
  *p++ = '"';
  p = put_escaped(p, text);
  *p++ = '"';
  return p;
}

// True when one byte of `text` is below 0x20, '"' or '\\': one pass, 8 bytes at a time.
inline bool has_json_special(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  for (; end - p >= 8; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if (needs_escape(w)) return true;
  }
  for (; p != end; ++p) {
    if (kEscaped[static_cast<unsigned char>(*p)]) return true;
  }
  return false;
}

// A JSON string of a text known to need no escaping (`plain`) or not.
inline char* put_text(char* p, std::string_view text, bool plain) {
  if (!plain) return put_string(p, text);
  *p++ = '"';
  p = put(p, text);
  *p++ = '"';
  return p;
}

// Two-decimal amount as a JSON number (api.md Part 1), e.g. -12.34; at most 24 bytes.
inline char* put_amount(char* p, std::int64_t minor) {
  const bool negative = minor < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
  if (negative) *p++ = '-';
  p = std::to_chars(p, p + 20, magnitude / 100).ptr;
  *p++ = '.';
  *p++ = static_cast<char>('0' + magnitude % 100 / 10);
  *p++ = static_cast<char>('0' + magnitude % 10);
  return p;
}

}  // namespace sandbank::api::json_text
