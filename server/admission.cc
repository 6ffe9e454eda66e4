#include "server/admission.h"

namespace activation::server {

grpc::Status Admission::OnCallStarted(std::string_view /*method*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++in_progress_;
  last_arrival_ = std::chrono::steady_clock::now();
  if (draining_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down; retry elsewhere");
  if (max_calls_ > 0 && in_progress_ > max_calls_) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "server busy: " + std::to_string(max_calls_) +
                            " calls in progress (--max-concurrent-calls); retry with backoff");
  }
  return grpc::Status::OK;
}

void Admission::OnCallFinished(const CallRecord& /*record*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--in_progress_ == 0) idle_.notify_all();
}

bool Admission::Drain(std::chrono::system_clock::time_point deadline) {
  constexpr std::chrono::milliseconds kPoll{20};
  std::unique_lock<std::mutex> lock(mutex_);
  draining_ = true;
  last_arrival_ = std::chrono::steady_clock::now();  // a request may be on the wire right now
  while (std::chrono::system_clock::now() < deadline) {
    const bool quiet = std::chrono::steady_clock::now() - last_arrival_ >= kQuietPeriod;
    if (in_progress_ == 0 && quiet) return true;
    idle_.wait_for(lock, kPoll);
  }
  return in_progress_ == 0;
}

int Admission::in_progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_progress_;
}

}  // namespace activation::server
