#include "server/service.h"

#include <string>

#include "compute/client_text.h"
#include "server/arena_allocator.h"
#include "server/catalogue_info.h"
#include "server/evaluation.h"
#include "server/unary_reactor.h"

namespace activation::server {
namespace {

constexpr std::string_view kService = "activation.v1.ActivationService";
constexpr MethodName kEvaluate{kService, "Evaluate"};
constexpr MethodName kGradient{kService, "Gradient"};
constexpr MethodName kListActivations{kService, "ListActivations"};
constexpr MethodName kEvaluateStream{kService, "EvaluateStream"};
constexpr MethodName kGradientStream{kService, "GradientStream"};

// What a request holds the memory budget for while it is served: itself
// and the response, whose tensors take the input's encoding and size.
std::uint64_t BytesToReserve(const v1::EvaluateRequest& request) {
  return request.ByteSizeLong() + request.input().ByteSizeLong();
}
std::uint64_t BytesToReserve(const v1::GradientRequest& request) {
  return request.ByteSizeLong() + request.input().ByteSizeLong() * (request.include_output() ? 2 : 1);
}

// Evaluate and Gradient alike: admitted and given their memory first, then
// computed inline on gRPC's callback thread (the kernels are faster than a
// hand-off), or on the compute pool when there is one.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* ServeUnary(CallTracker& calls, KernelExecutor* pool, std::size_t max_response_bytes,
                                     const MethodName& method,
                                     grpc::CallbackServerContext* context, const Request& request,
                                     Response* response) {
  auto* reactor = new UnaryReactor(context);
  Call& call = reactor->call();
  absl::Status admitted = calls.Start(method, &call);
  call.Received(request.activation(), request.ByteSizeLong());
  if (admitted.ok()) admitted = call.Reserve(BytesToReserve(request));
  if (!admitted.ok()) {
    reactor->Answer(ToGrpc(admitted));
    return reactor;
  }
  const bool queued = RunOn(pool, [&call, &request, response, reactor, max_response_bytes] {
    ServeSummary summary;
    // The request is this call's own (our arena allocator made it), so its
    // input buffer may become the response's.
    const grpc::Status status = Serve(const_cast<Request*>(&request), response, max_response_bytes, &summary);
    if (status.ok()) call.Served(summary.elements, response->ByteSizeLong(), summary.dtype);
    reactor->Answer(status);
  });
  if (!queued) reactor->Answer(kQueueFull);
  return reactor;
}

// EvaluateStream and GradientStream alike: one read outstanding; the next
// read starts only after the previous answer is written, so a stream holds
// at most one request and one response whatever its length (flow control
// pushes back on the client through gRPC's window), and the memory budget
// for that one pair.
template <typename Request, typename Response>
class StreamReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  StreamReactor(CallTracker& calls, KernelExecutor* pool, std::size_t max_response_bytes, const MethodName& method,
                grpc::CallbackServerContext* context)
      : pool_(pool), max_response_bytes_(max_response_bytes), context_(context) {
    absl::Status admitted = calls.Start(method, &call_);
    if (!admitted.ok()) {
      Finish(ToGrpc(admitted));
      return;
    }
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or the call ended): every chunk is answered
      Finish(grpc::Status::OK);
      return;
    }
    call_.Received(request_.activation(), request_.ByteSizeLong());
    const absl::Status reserved = call_.Reserve(BytesToReserve(request_));
    if (!reserved.ok()) {
      FailChunk(ToGrpc(reserved));
      return;
    }
    if (!RunOn(pool_, [this] { ServeChunk(); })) FailChunk(kQueueFull);
  }

  void OnWriteDone(bool ok) override {
    call_.Release();
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away mid-stream"));
      return;
    }
    response_.Clear();  // keeps the buffers for the next chunk
    this->StartRead(&request_);
  }

  void OnDone() override {
    EndAsDelivered(call_, status_, context_);
    delete this;
  }

 private:
  void ServeChunk() {
    ServeSummary summary;
    const grpc::Status status = Serve(&request_, &response_, max_response_bytes_, &summary);
    if (!status.ok()) {
      FailChunk(status);
      return;
    }
    call_.Served(summary.elements, response_.ByteSizeLong(), summary.dtype);
    ++chunks_;
    this->StartWrite(&response_);
  }

  void FailChunk(const grpc::Status& status) {
    Finish(grpc::Status(status.error_code(), "chunk " + std::to_string(chunks_) + ": " + status.error_message()));
  }

  void Finish(grpc::Status status) {
    status_ = std::move(status);
    grpc::ServerBidiReactor<Request, Response>::Finish(status_);
  }

  KernelExecutor* pool_;
  std::size_t max_response_bytes_;
  grpc::CallbackServerContext* context_;
  Call call_;
  Request request_;
  Response response_;
  std::size_t chunks_ = 0;
  grpc::Status status_;
};

}  // namespace

struct ActivationServiceImpl::Allocators {
  ArenaAllocator<v1::EvaluateRequest, v1::EvaluateResponse> evaluate;
  ArenaAllocator<v1::GradientRequest, v1::GradientResponse> gradient;
};

ActivationServiceImpl::ActivationServiceImpl(CallTracker* calls, KernelExecutor* pool, std::size_t max_response_bytes)
    : calls_(calls), pool_(pool), max_response_bytes_(max_response_bytes), allocators_(std::make_unique<Allocators>()) {
  SetMessageAllocatorFor_Evaluate(&allocators_->evaluate);
  SetMessageAllocatorFor_Gradient(&allocators_->gradient);
  CatalogueResponse();  // build it before the first call, not during one
}

ActivationServiceImpl::~ActivationServiceImpl() = default;

grpc::ServerUnaryReactor* ActivationServiceImpl::Evaluate(grpc::CallbackServerContext* context,
                                                          const v1::EvaluateRequest* request,
                                                          v1::EvaluateResponse* response) {
  return ServeUnary(*calls_, pool_, max_response_bytes_, kEvaluate, context, *request, response);
}

grpc::ServerUnaryReactor* ActivationServiceImpl::Gradient(grpc::CallbackServerContext* context,
                                                          const v1::GradientRequest* request,
                                                          v1::GradientResponse* response) {
  return ServeUnary(*calls_, pool_, max_response_bytes_, kGradient, context, *request, response);
}

grpc::ServerUnaryReactor* ActivationServiceImpl::ListActivations(grpc::CallbackServerContext* context,
                                                                 const v1::ListActivationsRequest* request,
                                                                 v1::ListActivationsResponse* response) {
  auto* reactor = new UnaryReactor(context);
  Call& call = reactor->call();
  const absl::Status admitted = calls_->Start(kListActivations, &call);
  call.Received({}, request->ByteSizeLong());
  if (admitted.ok()) {
    *response = CatalogueResponse();
    call.Served(0, response->ByteSizeLong());
  }
  reactor->Answer(ToGrpc(admitted));
  return reactor;
}

grpc::ServerBidiReactor<v1::EvaluateRequest, v1::EvaluateResponse>* ActivationServiceImpl::EvaluateStream(
    grpc::CallbackServerContext* context) {
  return new StreamReactor<v1::EvaluateRequest, v1::EvaluateResponse>(*calls_, pool_, max_response_bytes_, kEvaluateStream, context);
}

grpc::ServerBidiReactor<v1::GradientRequest, v1::GradientResponse>* ActivationServiceImpl::GradientStream(
    grpc::CallbackServerContext* context) {
  return new StreamReactor<v1::GradientRequest, v1::GradientResponse>(*calls_, pool_, max_response_bytes_, kGradientStream, context);
}

namespace {

class UnknownMethodReactor final : public grpc::ServerGenericBidiReactor {
 public:
  UnknownMethodReactor(CallTracker& calls, grpc::GenericCallbackServerContext* context) : context_(context) {
    // Answered at once, whatever admission would say.
    calls.Start(kUnknownMethod, &call_).IgnoreError();
    status_ = grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + ClientText(context->method()));
    Finish(status_);
  }
  void OnDone() override {
    EndAsDelivered(call_, status_, context_);
    delete this;
  }

 private:
  grpc::GenericCallbackServerContext* context_;
  Call call_;
  grpc::Status status_;
};

}  // namespace

grpc::ServerGenericBidiReactor* UnknownMethodService::CreateReactor(grpc::GenericCallbackServerContext* context) {
  return new UnknownMethodReactor(*calls_, context);
}

}  // namespace activation::server
