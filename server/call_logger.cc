#include "server/call_observer.h"
#include "server/log.h"

namespace activation::server {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK: return "OK";
    case grpc::CANCELLED: return "CANCELLED";
    case grpc::UNKNOWN: return "UNKNOWN";
    case grpc::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND: return "NOT_FOUND";
    case grpc::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::ABORTED: return "ABORTED";
    case grpc::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::INTERNAL: return "INTERNAL";
    case grpc::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::DATA_LOSS: return "DATA_LOSS";
    case grpc::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

class CallLogger final : public CallObserver {
 public:
  explicit CallLogger(bool log_requests) : served_level_(log_requests ? spdlog::level::info : spdlog::level::debug) {}

  void OnCallFinished(const CallRecord& r) override {
    const bool rejected = !r.status->ok();
    const auto level = rejected ? spdlog::level::warn : served_level_;
    if (!spdlog::should_log(level)) return;
    const long long micros = std::chrono::duration_cast<std::chrono::microseconds>(r.duration).count();
    LogEvent(level, rejected ? "call rejected" : "call",
             {{"method", r.method},
              {"activation", r.activation},
              {"elements", r.elements},
              {"chunks", r.chunks},
              {"status", CodeName(r.status->error_code())},
              {"micros", micros},
              {"peer", r.context != nullptr ? r.context->peer() : std::string()},
              {"error", r.status->error_message()}});
  }

 private:
  const spdlog::level::level_enum served_level_;
};

}  // namespace

std::shared_ptr<CallObserver> MakeCallLogger(bool log_requests) {
  return std::make_shared<CallLogger>(log_requests);
}

}  // namespace activation::server
