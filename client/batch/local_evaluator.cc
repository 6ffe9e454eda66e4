#include "client/batch/local_evaluator.h"

#include <stdexcept>

#include "wire/evaluation.h"

namespace activation::client {
namespace {

wire::EvaluationRequest RequestFor(const Job& job, const wire::TensorRef& input, const wire::TensorRef* grad_output) {
  wire::EvaluationRequest request;
  request.activation = job.activation;
  for (const auto& [name, value] : job.params) request.params.emplace_back(name, value);
  request.input = input;
  request.grad_output = grad_output;
  request.produce = !job.gradient()        ? wire::Produce::kOutput
                    : job.include_output   ? wire::Produce::kGradientAndOutput
                                           : wire::Produce::kGradient;
  return request;
}

}  // namespace

LocalEvaluator::LocalEvaluator(const Job& job) : job_(job) {
  // Names and parameters are checked once, on an empty input.
  const wire::TensorRef none;
  wire::Evaluation evaluation;
  Status status = wire::Evaluation::Prepare(RequestFor(job, none, job.mode == Mode::kVjp ? &none : nullptr),
                                            &evaluation);
  if (!status.ok()) throw std::invalid_argument(status.message());
  activation_ = &evaluation.activation();
}

void LocalEvaluator::Run(Chunk& chunk) const {
  const std::size_t n = chunk.input.size();
  const std::size_t row_length = chunk.row_length ? chunk.row_length : n;
  wire::TensorRef input{chunk.input.data(), n, {}};
  if (row_length != 0) {  // rows: a shape whose product must match, as on the wire
    input.shape = {static_cast<std::int64_t>(n / row_length), static_cast<std::int64_t>(row_length)};
  }
  wire::TensorRef grad{chunk.grad_output.data(), chunk.grad_output.size(), {}};
  const wire::EvaluationRequest request =
      RequestFor(job_, input, job_.mode == Mode::kVjp ? &grad : nullptr);
  std::vector<float>& forward = job_.gradient() ? chunk.output : chunk.result;
  const Status status = wire::Evaluate(request, &chunk.result, &forward);
  if (!status.ok()) throw std::invalid_argument(status.message());
}

}  // namespace activation::client
