#include "app/inspector.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "core/encoding.hpp"
#include "crypto/hash.hpp"

namespace sandbank::app {

namespace {

std::string token_hash(std::string_view token) {
  auto digest =
      crypto::sha256(std::span(reinterpret_cast<const std::uint8_t*>(token.data()), token.size()));
  return hex_encode(digest);
}

}  // namespace

store::InspectorRow inspector_row(const http::InspectedRequest& r) {
  store::InspectorRow row;
  row.time = r.time;
  row.organisation = r.organisation;
  row.listener = r.listener;
  row.method = r.method;
  std::string_view target = r.target;
  row.path = std::string(target.substr(0, target.find('?')));
  row.status = static_cast<int>(r.status);
  row.detail_code = r.detail_code;
  row.x_request_id = r.x_request_id;
  row.response_id = r.response_id;
  row.record = http::to_json(r);
  return row;
}

Inspector::Inspector(store::InspectorRepository& repository, InspectorSettings settings,
                     const Clock& clock, RandomSource& random)
    : repository_(repository), settings_(std::move(settings)), clock_(clock), random_(random) {
  writer_ = std::thread([this] { run(); });
}

Inspector::~Inspector() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  flush();
}

void Inspector::record(http::InspectedRequest&& request) {
  std::lock_guard lock(mutex_);
  // The ring: beyond the total limit the oldest waiting record would be evicted anyway.
  if (pending_.size() >= std::min(settings_.max_pending, settings_.total)) {
    // Freed by the writer, not on the request's thread (unless the writer is far behind).
    if (discarded_.size() >= settings_.total) discarded_.clear();
    discarded_.push_back(std::move(pending_.front()));
    pending_.pop_front();
    ++dropped_;
  }
  pending_.push_back(std::move(request));
}

std::size_t Inspector::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void Inspector::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.flush_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

void Inspector::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::deque<http::InspectedRequest> batch;
  std::vector<http::InspectedRequest> discarded;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
    discarded.swap(discarded_);
  }
  discarded.clear();
  if (batch.empty()) return;
  // Only what the limits keep is written: under load most of a batch would be evicted at once
  // (newest first: the last per_organisation of each organisation).
  std::unordered_map<std::string_view, std::size_t> per_organisation;
  std::vector<http::InspectedRequest*> kept;
  for (auto it = batch.rbegin(); it != batch.rend() && kept.size() < settings_.total; ++it) {
    if (++per_organisation[it->organisation] > settings_.per_organisation) continue;
    kept.push_back(&*it);
  }
  std::vector<store::InspectorRow> rows;
  rows.reserve(kept.size());
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    http::make_valid_utf8(**it);  // here, off the request's thread
    rows.push_back(inspector_row(**it));
  }
  try {
    repository_.append(rows);
    repository_.evict(settings_.per_organisation, settings_.total);
  } catch (const std::exception& e) {
    spdlog::warn("inspector: {} records not stored: {}", rows.size(), e.what());
  }
}

std::vector<http::InspectedRequest> Inspector::list(const store::InspectorQuery& query) {
  flush();
  std::vector<http::InspectedRequest> out;
  for (const auto& row : repository_.list(query)) {
    try {
      out.push_back(http::inspected_request_from_json(row.record));
    } catch (const std::exception& e) {
      spdlog::warn("inspector: unreadable record {}: {}", row.id, e.what());
    }
  }
  return out;
}

InspectorLinkGrant Inspector::create_link(const std::string& organisation) {
  InspectorLinkGrant grant{random_.token(32), clock_.now() + settings_.link_lifetime};
  auto now = clock_.now();
  repository_.create_link(
      store::InspectorLink{token_hash(grant.token), organisation, now, grant.expires_at}, now);
  return grant;
}

std::optional<InspectorViewer> Inspector::viewer(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  if (!settings_.operator_key.empty() && token.size() == settings_.operator_key.size() &&
      CRYPTO_memcmp(token.data(), settings_.operator_key.data(), token.size()) == 0) {
    return InspectorViewer{std::nullopt};
  }
  auto link = repository_.find_link(token_hash(token), clock_.now());
  if (!link) return std::nullopt;
  return InspectorViewer{link->organisation};
}

}  // namespace sandbank::app
