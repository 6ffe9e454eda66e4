#include "server/evaluation.h"

#include "compute/compute.h"
#include "compute/registry.h"
#include "server/tensor_codec.h"

namespace activation::server {
namespace {

// A request of either kind, reduced to what the compute library needs.
struct Job {
  const std::string& activation;
  const google::protobuf::Map<std::string, double>& params;
  const v1::Tensor& input;
  v1::Tensor* consumable_input;   // non-null: its storage may become the last output
  const v1::Tensor* grad_output;  // null: none sent
  struct Output {
    Mode mode;
    v1::Tensor* tensor;
  };
  Output outputs[2];
  int output_count;
};

grpc::Status Reject(const Status& status) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, status.message());
}

grpc::Status Run(const Job& job, ServeSummary* summary) {
  summary->activation = job.activation;
  const Activation* activation = nullptr;
  Status status = ResolveActivation(job.activation, &activation);
  if (!status.ok()) return Reject(status);

  GivenParams given;
  given.reserve(job.params.size());
  for (const auto& [name, value] : job.params) given.emplace_back(name, value);
  KernelArgs args;
  status = ResolveParams(*activation, given, &args);
  if (!status.ok()) return Reject(status);

  TensorInput x;
  status = DecodeTensor(job.input, "input", &x);
  if (!status.ok()) return Reject(status);
  summary->elements = x.size();
  args.row_length = x.row_length();

  TensorInput grad;
  if (job.grad_output != nullptr) {
    status = DecodeTensor(*job.grad_output, "grad_output", &grad);
    if (!status.ok()) return Reject(status);
    if (grad.size() != x.size()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "grad_output: " + std::to_string(grad.size()) + " elements, but input has " +
                              std::to_string(x.size()) + "; they must match");
    }
  }

  // Elementwise kernels may write over their input (out == x); row-wise ones
  // read a row again after writing it, and a copied input is not in place.
  const bool in_place = job.consumable_input != nullptr && !activation->rowwise && !x.is_copy();
  for (int i = 0; i < job.output_count; ++i) {
    const Job::Output& out = job.outputs[i];
    if (in_place && i == job.output_count - 1) {
      float* data = TakeStorage(job.consumable_input, out.tensor);
      Compute(*activation, out.mode, args, data, grad.data(), data, x.size());
    } else {
      float* destination = PrepareOutput(job.input, x.size(), out.tensor);
      Compute(*activation, out.mode, args, x.data(), grad.data(), destination, x.size());
    }
  }
  return grpc::Status::OK;
}

Job JobFor(const v1::EvaluateRequest& request, v1::Tensor* consumable, v1::EvaluateResponse* response) {
  return Job{request.activation(), request.params(), request.input(), consumable, nullptr,
             {{Mode::kForward, response->mutable_output()}}, 1};
}

// The forward output comes last, so it is the one computed in place: the
// derivative still needs the untouched input.
Job JobFor(const v1::GradientRequest& request, v1::Tensor* consumable, v1::GradientResponse* response) {
  const bool vjp = request.has_grad_output();
  Job job{request.activation(), request.params(), request.input(), consumable,
          vjp ? &request.grad_output() : nullptr,
          {{vjp ? Mode::kVjp : Mode::kDerivative, response->mutable_grad_input()}}, 1};
  if (request.include_output()) job.outputs[job.output_count++] = {Mode::kForward, response->mutable_output()};
  return job;
}

}  // namespace

grpc::Status Serve(const v1::EvaluateRequest& request, v1::EvaluateResponse* response, ServeSummary* summary) {
  return Run(JobFor(request, nullptr, response), summary);
}
grpc::Status Serve(const v1::GradientRequest& request, v1::GradientResponse* response, ServeSummary* summary) {
  return Run(JobFor(request, nullptr, response), summary);
}
grpc::Status Serve(v1::EvaluateRequest* request, v1::EvaluateResponse* response, ServeSummary* summary) {
  return Run(JobFor(*request, request->mutable_input(), response), summary);
}
grpc::Status Serve(v1::GradientRequest* request, v1::GradientResponse* response, ServeSummary* summary) {
  return Run(JobFor(*request, request->mutable_input(), response), summary);
}

}  // namespace activation::server
