// activation.v1.ActivationService on gRPC's callback API. The handlers only
// time calls and report them; the work is Serve() (server/evaluation.h).
#pragma once

#include <cstddef>
#include <memory>

#include "activation/v1/activation.grpc.pb.h"
#include "server/call_observer.h"
#include "server/kernel_executor.h"

namespace activation::server {

class ActivationServiceImpl final : public v1::ActivationService::CallbackService {
 public:
  // `pool` (optional, must outlive the service) runs the kernels; null: inline.
  // Answers larger than `max_response_bytes` (the send limit) are refused
  // before they are computed.
  ActivationServiceImpl(CallObservers observers, KernelExecutor* pool, std::size_t max_response_bytes);
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
  CallObservers observers_;
  KernelExecutor* pool_;
  std::size_t max_response_bytes_;
  std::unique_ptr<Allocators> allocators_;
};

}  // namespace activation::server
