// activation.v1.ActivationService on gRPC's callback API. The handlers only
// tell the CallTracker about each call (which admits, logs and counts it)
// and hand the work to Serve() (server/evaluation.h).
#pragma once

#include <cstddef>
#include <memory>

#include <grpcpp/generic/async_generic_service.h>

#include "activation/v1/activation.grpc.pb.h"
#include "server/calls.h"
#include "server/kernel_executor.h"

namespace activation::server {

class ActivationServiceImpl final : public v1::ActivationService::CallbackService {
 public:
  // `calls` and `pool` (optional; null: compute inline) must outlive the
  // service. Answers larger than `max_response_bytes` (the send limit) are
  // refused before they are computed.
  ActivationServiceImpl(CallTracker* calls, KernelExecutor* pool, std::size_t max_response_bytes);
  ~ActivationServiceImpl() override;

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context, const v1::EvaluateRequest* request,
                                     v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* Gradient(grpc::CallbackServerContext* context, const v1::GradientRequest* request,
                                     v1::GradientResponse* response) override;
  grpc::ServerUnaryReactor* ListActivations(grpc::CallbackServerContext* context,
                                            const v1::ListActivationsRequest* request,
                                            v1::ListActivationsResponse* response) override;
  grpc::ServerBidiReactor<v1::EvaluateRequest, v1::EvaluateResponse>* EvaluateStream(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<v1::GradientRequest, v1::GradientResponse>* GradientStream(
      grpc::CallbackServerContext* context) override;

 private:
  struct Allocators;
  CallTracker* calls_;
  KernelExecutor* pool_;
  std::size_t max_response_bytes_;
  std::unique_ptr<Allocators> allocators_;
};

// Every method path no registered service serves: UNIMPLEMENTED, observed
// (and counted) as kUnknownMethod.
class UnknownMethodService final : public grpc::CallbackGenericService {
 public:
  explicit UnknownMethodService(CallTracker* calls) : calls_(calls) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

 private:
  CallTracker* calls_;
};

}  // namespace activation::server
