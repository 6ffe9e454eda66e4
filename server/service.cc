#include "server/service.h"

#include <chrono>
#include <string>

#include "server/arena_allocator.h"
#include "server/catalogue_info.h"
#include "server/evaluation.h"

namespace activation::server {
namespace {

using Clock = std::chrono::steady_clock;

// Every observer hears of the call; the first refusal (a limit) answers it.
grpc::Status ReportStart(const CallObservers& observers, std::string_view method) {
  grpc::Status admitted;
  for (const auto& observer : observers) {
    grpc::Status verdict = observer->OnCallStarted(method);
    if (admitted.ok() && !verdict.ok()) admitted = std::move(verdict);
  }
  return admitted;
}

void ReportFinish(const CallObservers& observers, CallRecord record, Clock::time_point start) {
  record.duration = Clock::now() - start;
  for (const auto& observer : observers) observer->OnCallFinished(record);
}

// Evaluate and Gradient alike: inline on gRPC's callback thread (the kernels
// are faster than a hand-off), or on the compute pool when there is one.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* ServeUnary(const CallObservers& observers, KernelExecutor* pool,
                                     std::size_t max_response_bytes, std::string_view method,
                                     grpc::CallbackServerContext* context, const Request& request,
                                     Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunOn(pool, [&observers, max_response_bytes, method, context, &request, response, reactor, start = Clock::now()] {
    ServeSummary summary;
    grpc::Status status = ReportStart(observers, method);
    // The request is this call's own (our arena allocator made it), so its
    // input buffer may become the response's.
    if (status.ok()) status = Serve(const_cast<Request*>(&request), response, max_response_bytes, &summary);
    ReportFinish(observers, {method, summary.activation, summary.elements, 0, &status, {}, context}, start);
    reactor->Finish(status);
  });
  return reactor;
}

// EvaluateStream and GradientStream alike: one read outstanding; the next
// read starts only after the previous answer is written, so a stream holds
// at most one request and one response whatever its length (flow control
// pushes back on the client through gRPC's window).
template <typename Request, typename Response>
class StreamReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  StreamReactor(const CallObservers& observers, KernelExecutor* pool, std::size_t max_response_bytes,
                std::string_view method, grpc::CallbackServerContext* context)
      : observers_(observers),
        pool_(pool),
        max_response_bytes_(max_response_bytes),
        method_(method),
        context_(context),
        start_(Clock::now()) {
    grpc::Status admitted = ReportStart(observers_, method_);
    if (!admitted.ok()) {
      Finish(std::move(admitted));
      return;
    }
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed (or the call ended): every chunk is answered
      Finish(grpc::Status::OK);
      return;
    }
    RunOn(pool_, [this] { ServeChunk(); });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away mid-stream"));
      return;
    }
    response_.Clear();  // keeps the buffers for the next chunk
    this->StartRead(&request_);
  }

  void OnDone() override {
    ReportFinish(observers_, {method_, activation_, elements_, chunks_, &status_, {}, context_}, start_);
    delete this;
  }

 private:
  void ServeChunk() {
    ServeSummary summary;
    const grpc::Status status = Serve(&request_, &response_, max_response_bytes_, &summary);
    if (activation_ != summary.activation) activation_.assign(summary.activation);
    if (!status.ok()) {
      Finish(grpc::Status(status.error_code(), "chunk " + std::to_string(chunks_) + ": " + status.error_message()));
      return;
    }
    elements_ += summary.elements;
    ++chunks_;
    this->StartWrite(&response_);
  }

  void Finish(grpc::Status status) {
    status_ = std::move(status);
    grpc::ServerBidiReactor<Request, Response>::Finish(status_);
  }

  const CallObservers& observers_;
  KernelExecutor* pool_;
  std::size_t max_response_bytes_;
  std::string_view method_;
  grpc::CallbackServerContext* context_;
  Clock::time_point start_;
  Request request_;
  Response response_;
  std::string activation_;
  std::size_t elements_ = 0;
  std::size_t chunks_ = 0;
  grpc::Status status_;
};

}  // namespace

struct ActivationServiceImpl::Allocators {
  ArenaAllocator<v1::EvaluateRequest, v1::EvaluateResponse> evaluate;
  ArenaAllocator<v1::GradientRequest, v1::GradientResponse> gradient;
};

ActivationServiceImpl::ActivationServiceImpl(CallObservers observers, KernelExecutor* pool,
                                             std::size_t max_response_bytes)
    : observers_(std::move(observers)),
      pool_(pool),
      max_response_bytes_(max_response_bytes),
      allocators_(std::make_unique<Allocators>()) {
  SetMessageAllocatorFor_Evaluate(&allocators_->evaluate);
  SetMessageAllocatorFor_Gradient(&allocators_->gradient);
  CatalogueResponse();  // build it before the first call, not during one
}

ActivationServiceImpl::~ActivationServiceImpl() = default;

grpc::ServerUnaryReactor* ActivationServiceImpl::Evaluate(grpc::CallbackServerContext* context,
                                                          const v1::EvaluateRequest* request,
                                                          v1::EvaluateResponse* response) {
  return ServeUnary(observers_, pool_, max_response_bytes_, "Evaluate", context, *request, response);
}

grpc::ServerUnaryReactor* ActivationServiceImpl::Gradient(grpc::CallbackServerContext* context,
                                                          const v1::GradientRequest* request,
                                                          v1::GradientResponse* response) {
  return ServeUnary(observers_, pool_, max_response_bytes_, "Gradient", context, *request, response);
}

grpc::ServerUnaryReactor* ActivationServiceImpl::ListActivations(grpc::CallbackServerContext* context,
                                                                 const v1::ListActivationsRequest*,
                                                                 v1::ListActivationsResponse* response) {
  const Clock::time_point start = Clock::now();
  const grpc::Status status = ReportStart(observers_, "ListActivations");
  if (status.ok()) *response = CatalogueResponse();
  ReportFinish(observers_, {"ListActivations", {}, 0, 0, &status, {}, context}, start);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

grpc::ServerBidiReactor<v1::EvaluateRequest, v1::EvaluateResponse>* ActivationServiceImpl::EvaluateStream(
    grpc::CallbackServerContext* context) {
  return new StreamReactor<v1::EvaluateRequest, v1::EvaluateResponse>(observers_, pool_, max_response_bytes_, "EvaluateStream", context);
}

grpc::ServerBidiReactor<v1::GradientRequest, v1::GradientResponse>* ActivationServiceImpl::GradientStream(
    grpc::CallbackServerContext* context) {
  return new StreamReactor<v1::GradientRequest, v1::GradientResponse>(observers_, pool_, max_response_bytes_, "GradientStream", context);
}

}  // namespace activation::server
