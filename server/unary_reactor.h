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

class UnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryReactor(grpc::CallbackServerContext* context) : context_(context) {}
  Call& call() { return call_; }
  void Answer(grpc::Status status) {
    status_ = std::move(status);
    Finish(status_);
  }
  void OnDone() override {
    call_.End(ToAbsl(status_.error_code()), status_.error_message(), context_->peer());
    delete this;
  }

 private:
  grpc::CallbackServerContext* context_;
  Call call_;
  grpc::Status status_;
};

}  // namespace activation::server
