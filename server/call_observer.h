// What the service tells its observers about each call (logging, limits):
// a start that an observer may refuse, and a record when it finishes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

namespace activation::server {

// One finished call as the handlers saw it. Never holds payload data.
struct CallRecord {
  std::string_view method;
  std::string_view activation;
  std::size_t elements = 0;
  std::size_t chunks = 0;
  const grpc::Status* status = nullptr;
  std::chrono::steady_clock::duration duration{};
  grpc::CallbackServerContext* context = nullptr;
};

class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // A non-OK status refuses the call before any work (a limit);
  // OnCallFinished follows for every started call, refused or not.
  virtual grpc::Status OnCallStarted(std::string_view /*method*/) { return grpc::Status::OK; }
  virtual void OnCallFinished(const CallRecord& record) = 0;
};

using CallObservers = std::vector<std::shared_ptr<CallObserver>>;

// Logs every call at debug level (info with --log-requests) and every
// rejected one at warn: method, activation, elements, status, duration, peer.
std::shared_ptr<CallObserver> MakeCallLogger(bool log_requests);

}  // namespace activation::server
