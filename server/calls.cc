#include "server/calls.h"

#include "compute/client_text.h"
#include "compute/registry.h"
#include "server/log.h"
#include "server/metrics.h"

namespace activation::server {
namespace {

using Clock = std::chrono::steady_clock;

// A bounded label set: catalogue names only (aliases folded), whatever
// clients send.
std::string_view ActivationLabel(std::string_view requested) {
  if (requested.empty()) return "";
  const Activation* found = FindActivation(requested);
  return found != nullptr ? found->name : "unknown";
}

}  // namespace

Call::~Call() {
  if (tracker_ != nullptr) End(absl::StatusCode::kCancelled, "the call ended unanswered", "");
}

void Call::Received(std::string_view activation, std::uint64_t bytes) {
  if (messages_received_++ == 0) {
    activation_ = ClientText(activation);
    activation_label_ = ActivationLabel(activation);
  }
  bytes_received_ += bytes;
}

absl::Status Call::Reserve(std::uint64_t bytes) {
  absl::Status reserved = tracker_->Reserve(bytes);
  if (reserved.ok()) reserved_ += bytes;
  return reserved;
}

void Call::Release() {
  if (tracker_ == nullptr) return;
  tracker_->Release(reserved_);
  reserved_ = 0;
}

void Call::Served(std::uint64_t elements, std::uint64_t bytes, DataType dtype) {
  elements_ += elements;
  elements_by_dtype_[static_cast<std::size_t>(dtype)] += elements;
  ++messages_sent_;
  bytes_sent_ += bytes;
}

void Call::End(absl::StatusCode code, std::string_view message, std::string_view peer) {
  if (tracker_ == nullptr) return;
  Release();
  tracker_->End(*this, code, message, peer);
  tracker_ = nullptr;
}

CallTracker::CallTracker(CallLimits limits, Metrics* metrics) : limits_(limits), metrics_(metrics) {}

absl::Status CallTracker::Start(const MethodName& method, Call* call) {
  call->tracker_ = this;
  call->method_ = method;
  call->start_ = Clock::now();
  if (metrics_ != nullptr) metrics_->CallStarted(method.service, method.method);
  std::lock_guard<std::mutex> lock(mutex_);
  ++in_progress_;
  last_arrival_ = call->start_;
  if (draining_) return absl::UnavailableError("server is shutting down; retry elsewhere");
  if (limits_.max_concurrent_calls > 0 && in_progress_ > limits_.max_concurrent_calls) {
    return absl::ResourceExhaustedError("server busy: " + std::to_string(limits_.max_concurrent_calls) +
                                        " calls in progress (--max-concurrent-calls); retry with backoff");
  }
  return absl::OkStatus();
}

absl::Status CallTracker::Reserve(std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto budget = static_cast<std::uint64_t>(limits_.max_memory_bytes);
  const auto in_use = static_cast<std::uint64_t>(reserved_bytes_);
  if (bytes > budget - in_use) {
    return absl::ResourceExhaustedError(
        "memory budget: this call needs " + std::to_string(bytes) + " bytes (request and response), " +
        std::to_string(in_use) + " of the " + std::to_string(budget) +
        "-byte budget are in use (--max-memory-bytes); retry with backoff or send smaller requests");
  }
  reserved_bytes_ += static_cast<std::int64_t>(bytes);
  return absl::OkStatus();
}

void CallTracker::Release(std::uint64_t bytes) {
  if (bytes == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  reserved_bytes_ -= static_cast<std::int64_t>(bytes);
}

void CallTracker::End(const Call& call, absl::StatusCode code, std::string_view message, std::string_view peer) {
  const Clock::duration duration = Clock::now() - call.start_;
  if (metrics_ != nullptr) {
    CallStats stats;
    stats.service = call.method_.service;
    stats.method = call.method_.method;
    stats.activation = call.activation_label_;
    stats.code = code;
    stats.elements = call.elements_;
    stats.elements_by_dtype = call.elements_by_dtype_;
    stats.messages_received = call.messages_received_;
    stats.messages_sent = call.messages_sent_;
    stats.bytes_received = call.bytes_received_;
    stats.bytes_sent = call.bytes_sent_;
    stats.seconds = std::chrono::duration<double>(duration).count();
    metrics_->CallFinished(stats);
  }
  const bool failed = code != absl::StatusCode::kOk;
  const auto level = failed ? spdlog::level::warn : limits_.log_requests ? spdlog::level::info : spdlog::level::debug;
  if (spdlog::should_log(level)) {
    LogEvent(level, failed ? "call rejected" : "call",
             {{"method", call.method_.method},
              {"activation", call.activation_},
              {"elements", call.elements_},
              {"chunks", call.messages_received_},
              {"status", absl::StatusCodeToString(code)},
              {"micros", static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(duration).count())},
              {"peer", peer},
              {"error", message}});
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (--in_progress_ == 0) idle_.notify_all();
}

bool CallTracker::Drain(std::chrono::system_clock::time_point deadline) {
  constexpr std::chrono::milliseconds kPoll{20};
  std::unique_lock<std::mutex> lock(mutex_);
  draining_ = true;
  last_arrival_ = Clock::now();  // a request may be on the wire right now
  while (std::chrono::system_clock::now() < deadline) {
    const bool quiet = Clock::now() - last_arrival_ >= kQuietPeriod;
    if (in_progress_ == 0 && quiet) return true;
    idle_.wait_for(lock, kPoll);
  }
  return in_progress_ == 0;
}

int CallTracker::in_progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_progress_;
}

std::int64_t CallTracker::reserved_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reserved_bytes_;
}

}  // namespace activation::server
