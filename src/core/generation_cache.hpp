#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

// The one cache of values read from the store: an entry is good while the store's change
// counter (Store::change_counter(), as the caller read it *before* reading the value) is the
// one it was stored under. Any commit, of this process or another one (`sandbank data reset`,
// a PUT of an application, another node), moves the counter and so empties the cache on the
// next call; no entry outlives a change it could have missed. Values are shared, never copied
// per hit. Bounded: when full, it starts again empty (the entries are cheap to read again and
// a working set larger than the bound is not what a sandbox sees). Thread-safe.
namespace sandbank {

template <typename Key, typename Value>
class GenerationCache {
 public:
  explicit GenerationCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The value stored for `key` under `generation`; nullptr when there is none. A generation
  // other than the cache's empties it.
  std::shared_ptr<const Value> find(const Key& key, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    sync(generation);
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second;
  }

  // Stores `value`, read after the counter showed `generation`. Dropped when the cache has
  // moved on to another generation in the meantime (the value may predate that change).
  void insert(const Key& key, std::shared_ptr<const Value> value, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.insert_or_assign(key, std::move(value));
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  void sync(std::uint64_t generation) {
    if (generation != generation_) {
      entries_.clear();
      generation_ = generation;
    }
  }

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  std::unordered_map<Key, std::shared_ptr<const Value>> entries_;
};

}  // namespace sandbank
