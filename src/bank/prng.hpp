#pragma once

#include <cstdint>
#include <string_view>

// The bank's deterministic pseudo-random numbers: the same seed gives the same sequence on
// every machine and standard library, because every value is derived here with plain
// integer arithmetic (no std::*_distribution, whose output is implementation-defined).
namespace sandbank::bank {

// SplitMix64 step: a good 64-bit mixer, also used to expand seeds.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a over text, for deriving per-profile and per-account streams from names.
constexpr std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

// Combines a seed with a label into an independent seed.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::string_view label) {
  std::uint64_t state = seed ^ fnv1a(label);
  splitmix64(state);
  return splitmix64(state);
}

// xoshiro256**: fast, small state, excellent statistical quality.
class Prng {
 public:
  explicit constexpr Prng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform enough in [lo, hi] (inclusive) for test data; lo <= hi.
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
  }
  // True with probability percent/100.
  constexpr bool chance(int percent) { return static_cast<int>(next() % 100) < percent; }
  // An index into a collection of n elements (n > 0).
  constexpr std::size_t pick(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace sandbank::bank
