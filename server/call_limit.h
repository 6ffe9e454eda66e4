// --max-concurrent-calls: a counter of calls in progress that refuses the
// call past the limit with RESOURCE_EXHAUSTED, so load beyond capacity is
// turned away at once instead of queueing in memory.
#pragma once

#include <atomic>
#include <string>

#include "server/call_observer.h"

namespace activation::server {

class CallLimit final : public CallObserver {
 public:
  explicit CallLimit(int max_calls) : max_calls_(max_calls) {}

  // Every started call counts until it finishes, refused ones included
  // (they finish at once), so the count never drifts.
  grpc::Status OnCallStarted(std::string_view method) override;
  void OnCallFinished(const CallRecord& record) override;

  int in_progress() const { return in_progress_.load(); }

 private:
  const int max_calls_;
  std::atomic<int> in_progress_{0};
};

}  // namespace activation::server
