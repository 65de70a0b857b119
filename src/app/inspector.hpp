#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/inspect.hpp"
#include "store/inspector_store.hpp"

// The request inspector (docs/inspector.md): every request of both listeners, recorded in
// memory and written to the store in the background in batches; the links a TPP opens it with.
namespace sandbank::app {

struct InspectorSettings {
  bool enabled = true;
  std::size_t per_organisation = 200;  // requests kept per TPP organisation
  std::size_t total = 5000;            // requests kept in all
  std::size_t body_cap = 4096;         // bytes of each body kept
  std::chrono::milliseconds flush_interval{500};
  // Records waiting for the store (at most `total` of them: the ring); beyond, the oldest
  // waiting one is dropped (the store is down or slow: the requests are never held up).
  std::size_t max_pending = 10000;
  std::chrono::seconds link_lifetime{3600};
  // With it, GET /sandbank/inspector/<operator key> on the web listener shows every request
  // (also those without a recognised client certificate). Empty: no operator link.
  std::string operator_key;
};

// Who a link lets see: one organisation's requests, or (the operator) all.
struct InspectorViewer {
  std::optional<std::string> organisation;  // nullopt: the operator
};

struct InspectorLinkGrant {
  std::string token;  // the secret of the URL
  TimePoint expires_at;
};

class Inspector final : public http::RequestRecorder {
 public:
  // Starts the background writer.
  Inspector(store::InspectorRepository& repository, InspectorSettings settings, const Clock& clock,
            RandomSource& random);
  // Writes what is pending and stops the writer.
  ~Inspector() override;
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;

  std::size_t body_cap() const override { return settings_.body_cap; }
  // Queues the record; never waits for the store.
  void record(http::InspectedRequest&& request) override;

  // Writes the pending records and applies the limits now (the writer does it every
  // flush_interval). Store errors are logged, the records dropped.
  void flush();

  // Newest first; the pending records are written first so a node sees its own last request.
  std::vector<http::InspectedRequest> list(const store::InspectorQuery& query);

  // A link for the organisation, valid for settings.link_lifetime.
  InspectorLinkGrant create_link(const std::string& organisation);
  // The viewer of a link's secret; nullopt when unknown or expired.
  std::optional<InspectorViewer> viewer(std::string_view token);

  const InspectorSettings& settings() const { return settings_; }
  // Records dropped because the queue was full (for tests and the log).
  std::size_t dropped() const;

 private:
  void run();

  store::InspectorRepository& repository_;
  const InspectorSettings settings_;
  const Clock& clock_;
  RandomSource& random_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<http::InspectedRequest> pending_;
  std::vector<http::InspectedRequest> discarded_;  // dropped from the ring, freed by flush()
  std::size_t dropped_ = 0;
  bool stopping_ = false;
  std::mutex flush_mutex_;  // one flush at a time
  std::thread writer_;
};

// The store row of a record.
store::InspectorRow inspector_row(const http::InspectedRequest& request);

}  // namespace sandbank::app
