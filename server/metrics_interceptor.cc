#include "server/metrics_interceptor.h"

#include <chrono>
#include <string>

#include "activation/v1/activation.pb.h"
#include "compute/registry.h"
#include "server/metrics.h"
#include "wire/tensor_codec.h"

namespace activation::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using Clock = std::chrono::steady_clock;

// Which messages a method carries, so the observer can read them typed.
enum class Messages { kOther, kEvaluate, kGradient, kList };

Messages MessagesOf(const std::string& method) {
  if (method == "Evaluate" || method == "EvaluateStream") return Messages::kEvaluate;
  if (method == "Gradient" || method == "GradientStream") return Messages::kGradient;
  if (method == "ListActivations") return Messages::kList;
  return Messages::kOther;
}

// A bounded label set: canonical names only, whatever clients send.
std::string ActivationLabel(const std::string& requested) {
  if (requested.empty()) return "";
  const Activation* found = FindActivation(requested);
  return found != nullptr ? std::string(found->name) : "unknown";
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info, Metrics* metrics)
      : metrics_(metrics), start_(Clock::now()) {
    // "/activation.v1.ActivationService/Evaluate" -> service, method.
    const std::string full = info->method();
    const auto slash = full.rfind('/');
    call_.service = full.substr(1, slash - 1);
    call_.method = full.substr(slash + 1);
    messages_ = call_.service == "activation.v1.ActivationService" ? MessagesOf(call_.method) : Messages::kOther;
    metrics_->CallStarted(call_.service, call_.method);
  }

  ~MetricsInterceptor() override {
    if (!status_sent_) {
      call_.code = grpc::StatusCode::CANCELLED;
      call_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    }
    metrics_->CallFinished(call_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      Received(methods->GetRecvMessage());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      Sent(methods->GetSendMessage());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      status_sent_ = true;
      call_.code = methods->GetSendStatus().error_code();
      call_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    }
    methods->Proceed();
  }

 private:
  template <typename Request>
  void CountRequest(const Request& request) {
    call_.bytes_received += request.ByteSizeLong();
    call_.elements += wire::ElementCount(request.input());
    if (call_.messages_received == 0) call_.activation = ActivationLabel(request.activation());
  }

  void Received(const void* message) {
    if (message == nullptr) return;  // end of a client stream
    switch (messages_) {
      case Messages::kEvaluate: CountRequest(*static_cast<const v1::EvaluateRequest*>(message)); break;
      case Messages::kGradient: CountRequest(*static_cast<const v1::GradientRequest*>(message)); break;
      case Messages::kList:
        call_.bytes_received += static_cast<const v1::ListActivationsRequest*>(message)->ByteSizeLong();
        break;
      case Messages::kOther: break;  // health, reflection: not ours to parse
    }
    ++call_.messages_received;
  }

  void Sent(const void* message) {
    ++call_.messages_sent;
    if (message == nullptr) return;  // already serialized by someone else
    switch (messages_) {
      case Messages::kEvaluate:
        call_.bytes_sent += static_cast<const v1::EvaluateResponse*>(message)->ByteSizeLong();
        break;
      case Messages::kGradient:
        call_.bytes_sent += static_cast<const v1::GradientResponse*>(message)->ByteSizeLong();
        break;
      case Messages::kList:
        call_.bytes_sent += static_cast<const v1::ListActivationsResponse*>(message)->ByteSizeLong();
        break;
      case Messages::kOther: break;
    }
  }

  Metrics* const metrics_;
  const Clock::time_point start_;
  Messages messages_ = Messages::kOther;
  bool status_sent_ = false;
  CallStats call_;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(Metrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_);
  }

 private:
  Metrics* const metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory(
    Metrics* metrics) {
  return std::make_unique<MetricsInterceptorFactory>(metrics);
}

}  // namespace activation::server
