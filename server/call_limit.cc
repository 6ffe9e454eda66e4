#include "server/call_limit.h"

namespace activation::server {

grpc::Status CallLimit::OnCallStarted(std::string_view /*method*/) {
  if (in_progress_.fetch_add(1) + 1 <= max_calls_) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "server busy: " + std::to_string(max_calls_) +
                          " calls in progress (--max-concurrent-calls); retry with backoff");
}

void CallLimit::OnCallFinished(const CallRecord& /*record*/) { in_progress_.fetch_sub(1); }

}  // namespace activation::server
