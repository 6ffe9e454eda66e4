// The one place where a call is observed, whatever protocol carried it:
// admission (shutdown, --max-concurrent-calls, the --max-memory-bytes
// budget), the call's log line and its metrics. A front end starts a Call
// when a request arrives, reports what it received and served, and ends it
// when the answer has been sent; it knows nothing of limits, logs or labels.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <absl/status/status.h>

#include "compute/dtype.h"

namespace activation::server {

class Metrics;

// A method a front end serves. Metrics labels come only from these, so build
// them from string literals, never from what a client sent; a path that
// names no served method is kUnknownMethod.
struct MethodName {
  std::string_view service;  // "activation.v1.ActivationService"
  std::string_view method;   // "Evaluate"
};
inline constexpr MethodName kUnknownMethod{"unknown", "unknown"};

struct CallLimits {
  int max_concurrent_calls = 0;       // 0 = unlimited
  std::int64_t max_memory_bytes = 0;  // request plus response bytes of the calls in progress
  bool log_requests = false;          // one info line per call; otherwise debug, failures at warn
};

class CallTracker;

// One call from arrival to end. Used by one thread at a time (the front end
// hands it along with the call).
class Call {
 public:
  Call() = default;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  // A started call that was never ended ends as CANCELLED.
  ~Call();

  // A request message arrived naming `activation` (empty: none).
  void Received(std::string_view activation, std::uint64_t bytes);
  // Reserves `bytes` of the memory budget until Release() or End(); a
  // refusal is RESOURCE_EXHAUSTED naming the budget and its flag.
  absl::Status Reserve(std::uint64_t bytes);
  void Release();
  // A response message computed from `elements` input elements of `dtype` was sent.
  void Served(std::uint64_t elements, std::uint64_t bytes, DataType dtype = DataType::kFloat32);
  // The answer has been sent: logs the call, counts it, frees its slot.
  void End(absl::StatusCode code, std::string_view message, std::string_view peer);

 private:
  friend class CallTracker;
  CallTracker* tracker_ = nullptr;  // null: not started, or ended
  MethodName method_;
  std::string activation_;           // as requested, bounded and escaped (logs)
  std::string_view activation_label_;  // catalogue name, "unknown" or "" (metrics)
  std::uint64_t reserved_ = 0;
  std::uint64_t elements_ = 0;
  std::array<std::uint64_t, kDataTypes> elements_by_dtype_{};
  std::uint64_t messages_received_ = 0, messages_sent_ = 0;
  std::uint64_t bytes_received_ = 0, bytes_sent_ = 0;
  std::chrono::steady_clock::time_point start_{};
};

class CallTracker {
 public:
  // `metrics` may be null (no --metrics-listen); it must outlive the tracker.
  CallTracker(CallLimits limits, Metrics* metrics);

  // Starts `*call`. A refusal (UNAVAILABLE while shutting down,
  // RESOURCE_EXHAUSTED past --max-concurrent-calls) is to be answered at
  // once; the call still counts until it is ended, like every started call.
  absl::Status Start(const MethodName& method, Call* call);

  // gRPC hands a unary call to the server only once its whole request has
  // arrived, and stopping gRPC cancels calls still uploading. So the drain
  // also waits for the arrivals to go quiet for this long: a request that
  // was on the wire at SIGTERM then arrives, and is refused UNAVAILABLE
  // instead of being cut off.
  static constexpr std::chrono::milliseconds kQuietPeriod{500};

  // Refuses every new call from now on and waits until the started ones
  // have ended and no call has arrived for kQuietPeriod, or `deadline`
  // passes; true when the server went idle in time.
  bool Drain(std::chrono::system_clock::time_point deadline);

  int in_progress() const;
  std::int64_t reserved_bytes() const;

 private:
  friend class Call;
  absl::Status Reserve(std::uint64_t bytes);
  void Release(std::uint64_t bytes);
  void End(const Call& call, absl::StatusCode code, std::string_view message, std::string_view peer);

  const CallLimits limits_;
  Metrics* const metrics_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  int in_progress_ = 0;
  std::int64_t reserved_bytes_ = 0;
  bool draining_ = false;
  std::chrono::steady_clock::time_point last_arrival_{};
};

}  // namespace activation::server
