#include "server/evaluation.h"

#include <string>
#include <vector>

#include "wire/evaluation.h"
#include "wire/tensor_codec.h"

namespace activation::server {
namespace {

// A request of either kind: where its tensors are and where the answers go.
struct Job {
  const std::string& activation;
  const google::protobuf::Map<std::string, double>& params;
  const v1::Tensor& input;
  v1::Tensor* consumable_input;   // non-null: its storage may become the last output
  const v1::Tensor* grad_output;  // null: none sent
  wire::Produce produce;
  v1::Tensor* gradient;  // null unless produce asks for it
  v1::Tensor* output;    // likewise
};

grpc::Status Reject(const Status& status) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, status.message());
}

grpc::Status Run(const Job& job, std::size_t max_response_bytes, ServeSummary* summary) {
  summary->activation = job.activation;
  wire::EvaluationRequest request;
  request.activation = job.activation;
  request.params.reserve(job.params.size());
  for (const auto& [name, value] : job.params) request.params.emplace_back(name, value);
  request.produce = job.produce;

  wire::DecodedTensor x;
  Status status = wire::Decode(job.input, "input", &x);
  if (!status.ok()) return Reject(status);
  request.input = x.ref();
  wire::DecodedTensor grad;
  if (job.grad_output != nullptr) {
    status = wire::Decode(*job.grad_output, "grad_output", &grad);
    if (!status.ok()) return Reject(status);
    request.grad_output = &grad.ref();
  }
  wire::Evaluation evaluation;
  status = wire::Evaluation::Prepare(request, &evaluation);
  if (!status.ok()) return Reject(status);
  const std::size_t n = evaluation.elements();
  summary->elements = n;
  summary->dtype = evaluation.dtype();

  // Refused before any output is allocated or computed, with what to change.
  const std::size_t response_bytes = (job.gradient ? wire::EncodedFieldSize(job.input, n) : 0) +
                                     (job.output ? wire::EncodedFieldSize(job.input, n) : 0);
  if (response_bytes > max_response_bytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "response: " + std::to_string(response_bytes) + " bytes exceeds the send limit of " +
                            std::to_string(max_response_bytes) +
                            " bytes; send fewer elements per call or raise the server's --max-message-bytes");
  }

  if (IsNarrow(evaluation.dtype())) {
    std::vector<std::uint16_t> gradient(job.gradient ? n : 0), output(job.output ? n : 0);
    evaluation.RunNarrow(gradient.data(), output.data());
    if (job.gradient) wire::EncodeNarrowLike(job.input, evaluation.dtype(), gradient.data(), n, job.gradient);
    if (job.output) wire::EncodeNarrowLike(job.input, evaluation.dtype(), output.data(), n, job.output);
    return grpc::Status::OK;
  }
  if (evaluation.dtype() == DataType::kFloat64) {
    double* gradient = job.gradient ? wire::PrepareOutputFloat64(job.input, n, job.gradient) : nullptr;
    double* output = job.output ? wire::PrepareOutputFloat64(job.input, n, job.output) : nullptr;
    evaluation.RunFloat64(gradient, output);
    return grpc::Status::OK;
  }

  // Elementwise kernels may write over their input; a copied (misaligned)
  // input is not the request's storage. The last array written takes it.
  const bool in_place = job.consumable_input != nullptr && evaluation.may_overwrite_input() && !x.is_copy();
  v1::Tensor* last = job.output ? job.output : job.gradient;
  float* gradient = nullptr;
  float* output = nullptr;
  for (v1::Tensor* tensor : {job.gradient, job.output}) {
    if (tensor == nullptr) continue;
    float*& destination = tensor == job.gradient ? gradient : output;
    if (in_place && tensor == last) {
      destination = wire::TakeStorage(job.consumable_input, tensor);
      evaluation.MoveInput(destination);
    } else {
      destination = wire::PrepareOutput(job.input, n, tensor);
    }
  }
  evaluation.Run(gradient, output);
  return grpc::Status::OK;
}

Job JobFor(const v1::EvaluateRequest& request, v1::Tensor* consumable, v1::EvaluateResponse* response) {
  return Job{request.activation(), request.params(), request.input(), consumable, nullptr,
             wire::Produce::kOutput, nullptr, response->mutable_output()};
}

Job JobFor(const v1::GradientRequest& request, v1::Tensor* consumable, v1::GradientResponse* response) {
  const bool both = request.include_output();
  return Job{request.activation(), request.params(), request.input(), consumable,
             request.has_grad_output() ? &request.grad_output() : nullptr,
             both ? wire::Produce::kGradientAndOutput : wire::Produce::kGradient, response->mutable_grad_input(),
             both ? response->mutable_output() : nullptr};
}

}  // namespace

grpc::Status Serve(const v1::EvaluateRequest& request, v1::EvaluateResponse* response,
                   std::size_t max_response_bytes, ServeSummary* summary) {
  return Run(JobFor(request, nullptr, response), max_response_bytes, summary);
}
grpc::Status Serve(const v1::GradientRequest& request, v1::GradientResponse* response,
                   std::size_t max_response_bytes, ServeSummary* summary) {
  return Run(JobFor(request, nullptr, response), max_response_bytes, summary);
}
grpc::Status Serve(v1::EvaluateRequest* request, v1::EvaluateResponse* response, std::size_t max_response_bytes,
                   ServeSummary* summary) {
  return Run(JobFor(*request, request->mutable_input(), response), max_response_bytes, summary);
}
grpc::Status Serve(v1::GradientRequest* request, v1::GradientResponse* response, std::size_t max_response_bytes,
                   ServeSummary* summary) {
  return Run(JobFor(*request, request->mutable_input(), response), max_response_bytes, summary);
}

}  // namespace activation::server
