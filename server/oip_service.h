// inference.GRPCInferenceService (the Open Inference Protocol over gRPC) on
// the same port as activation.v1. Like ActivationServiceImpl, the handlers
// only tell the CallTracker about each call and translate messages: the
// model mapping is server/oip.h, the computing wire/evaluation.h.
#pragma once

#include <cstddef>
#include <memory>

#include "inference/grpc_predict_v2.grpc.pb.h"
#include "server/calls.h"
#include "server/kernel_executor.h"

namespace activation::server {

// Translates, checks and computes one ModelInfer into `response` (the
// request's form, outputs in the order asked), refusing an answer larger
// than `max_response_bytes` before computing it. The request's x storage
// may move into the response (elementwise functions compute in place), so
// the request is unspecified afterwards. What ModelInfer runs after
// admission; tests and the fuzz target call it directly.
grpc::Status ServeModelInfer(inference::ModelInferRequest* request, inference::ModelInferResponse* response,
                             std::size_t max_response_bytes, std::size_t* elements, DataType* dtype = nullptr);

class InferenceServiceImpl final : public inference::GRPCInferenceService::CallbackService {
 public:
  // `calls` and `pool` (optional) must outlive the service; answers larger
  // than `max_response_bytes` are refused before they are computed.
  InferenceServiceImpl(CallTracker* calls, KernelExecutor* pool, std::size_t max_response_bytes);
  ~InferenceServiceImpl() override;

  grpc::ServerUnaryReactor* ServerLive(grpc::CallbackServerContext* context,
                                       const inference::ServerLiveRequest* request,
                                       inference::ServerLiveResponse* response) override;
  grpc::ServerUnaryReactor* ServerReady(grpc::CallbackServerContext* context,
                                        const inference::ServerReadyRequest* request,
                                        inference::ServerReadyResponse* response) override;
  grpc::ServerUnaryReactor* ModelReady(grpc::CallbackServerContext* context,
                                       const inference::ModelReadyRequest* request,
                                       inference::ModelReadyResponse* response) override;
  grpc::ServerUnaryReactor* ServerMetadata(grpc::CallbackServerContext* context,
                                           const inference::ServerMetadataRequest* request,
                                           inference::ServerMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelMetadata(grpc::CallbackServerContext* context,
                                          const inference::ModelMetadataRequest* request,
                                          inference::ModelMetadataResponse* response) override;
  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                       const inference::ModelInferRequest* request,
                                       inference::ModelInferResponse* response) override;

 private:
  struct Allocator;
  CallTracker* calls_;
  KernelExecutor* pool_;
  std::size_t max_response_bytes_;
  std::unique_ptr<Allocator> allocator_;
};

}  // namespace activation::server
