#pragma once

#include <atomic>
#include <chrono>

namespace sandbank {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

// Time is injected everywhere; nothing reads the system clock directly.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The real clock plus an adjustable offset, so a running sandbox can be moved
// forward (expiry, periodic payments) without touching the machine's clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::system_clock::now() + std::chrono::seconds(offset_.load());
  }
  void set_offset(Seconds offset) { offset_.store(offset.count()); }
  Seconds offset() const { return Seconds(offset_.load()); }

 private:
  std::atomic<long long> offset_{0};
};

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void set(TimePoint t) { now_.store(t.time_since_epoch().count()); }
  void advance(std::chrono::system_clock::duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<TimePoint::rep> now_;
};

}  // namespace sandbank
