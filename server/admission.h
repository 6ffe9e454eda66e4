// Which calls the server takes on: up to --max-concurrent-calls at once
// (more get RESOURCE_EXHAUSTED at once instead of queueing in memory), and
// none once shutdown has begun (UNAVAILABLE, which clients may retry
// elsewhere), while the calls already admitted run to completion.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "server/call_observer.h"

namespace activation::server {

class Admission final : public CallObserver {
 public:
  // max_calls 0 = no limit.
  explicit Admission(int max_calls) : max_calls_(max_calls) {}

  // Every started call counts until it finishes, refused ones included
  // (they finish at once), so the count never drifts.
  grpc::Status OnCallStarted(std::string_view method) override;
  void OnCallFinished(const CallRecord& record) override;

  // gRPC hands a unary call to the server only once its whole request has
  // arrived, and stopping gRPC cancels calls still uploading. So the drain
  // also waits for the arrivals to go quiet for this long: a request that
  // was on the wire at SIGTERM then arrives, and is refused UNAVAILABLE (or
  // served, if admitted before) instead of being cut off.
  static constexpr std::chrono::milliseconds kQuietPeriod{500};

  // Refuses every new call from now on and waits until the admitted ones
  // have finished and no call has arrived for kQuietPeriod, or `deadline`
  // passes; true when the server went idle in time.
  bool Drain(std::chrono::system_clock::time_point deadline);

  int in_progress() const;

 private:
  const int max_calls_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  int in_progress_ = 0;
  bool draining_ = false;
  std::chrono::steady_clock::time_point last_arrival_{};
};

}  // namespace activation::server
