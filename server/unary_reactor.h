// A unary callback call, observed by its Call from the handler until gRPC has
// sent the answer (OnDone), so the memory budget covers the response until it
// is on the wire. Shared by every gRPC service the server registers.
#pragma once

#include <string>
#include <utility>

#include <absl/status/status.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "server/calls.h"

namespace activation::server {

inline grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::StatusCode ToAbsl(grpc::StatusCode code) { return static_cast<absl::StatusCode>(code); }

inline const grpc::Status kQueueFull(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                     "server busy: the kernel queue (--threads) is full; retry with backoff");

// Ends `call` with the status its client saw: one gRPC could not deliver
// (the client cancelled, its deadline passed, or gRPC reset the stream for
// want of buffers) is CANCELLED, whatever the handler answered.
inline void EndAsDelivered(Call& call, const grpc::Status& answered, grpc::ServerContextBase* context) {
  if (context->IsCancelled() && answered.error_code() != grpc::StatusCode::CANCELLED) {
    call.End(absl::StatusCode::kCancelled,
             "answered " + absl::StatusCodeToString(ToAbsl(answered.error_code())) +
                 " but not delivered: the client cancelled, its deadline passed, or gRPC reset the stream",
             context->peer());
    return;
  }
  call.End(ToAbsl(answered.error_code()), answered.error_message(), context->peer());
}

class UnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryReactor(grpc::CallbackServerContext* context) : context_(context) {}
  Call& call() { return call_; }
  void Answer(grpc::Status status) {
    status_ = std::move(status);
    Finish(status_);
  }
  void OnDone() override {
    EndAsDelivered(call_, status_, context_);
    delete this;
  }

 private:
  grpc::CallbackServerContext* context_;
  Call call_;
  grpc::Status status_;
};

}  // namespace activation::server
