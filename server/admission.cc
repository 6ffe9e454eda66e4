#include "server/admission.h"

namespace activation::server {

grpc::Status Admission::OnCallStarted(std::string_view /*method*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++in_progress_;
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
  std::unique_lock<std::mutex> lock(mutex_);
  draining_ = true;
  return idle_.wait_until(lock, deadline, [this] { return in_progress_ == 0; });
}

int Admission::in_progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_progress_;
}

}  // namespace activation::server
