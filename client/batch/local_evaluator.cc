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

// The request's view of elements: float32 at data, float16/bfloat16 bits
// at narrow, float64 at wide.
wire::TensorRef RefOf(const Elements& elements) {
  wire::TensorRef ref;
  ref.dtype = elements.dtype();
  ref.size = elements.size();
  switch (ref.dtype) {
    case DataType::kFloat32: ref.data = elements.as<float>(); break;
    case DataType::kFloat64: ref.wide = elements.as<double>(); break;
    case DataType::kFloat16:
    case DataType::kBFloat16: ref.narrow = elements.as<std::uint16_t>(); break;
  }
  return ref;
}

}  // namespace

LocalEvaluator::LocalEvaluator(const Job& job) : job_(job) {
  // Names, parameters and the dtype are checked once, on an empty input.
  wire::TensorRef none;
  none.dtype = job.dtype;
  wire::Evaluation evaluation;
  Status status = wire::Evaluation::Prepare(RequestFor(job, none, job.mode == Mode::kVjp ? &none : nullptr),
                                            &evaluation);
  if (!status.ok()) throw std::invalid_argument(status.message());
  activation_ = &evaluation.activation();
}

void LocalEvaluator::Run(Chunk& chunk) const {
  const std::size_t n = chunk.input.size();
  const std::size_t row_length = chunk.row_length ? chunk.row_length : n;
  wire::TensorRef input = RefOf(chunk.input);
  if (row_length != 0) {  // rows: a shape whose product must match, as on the wire
    input.shape = {static_cast<std::int64_t>(n / row_length), static_cast<std::int64_t>(row_length)};
  }
  const wire::TensorRef grad = RefOf(chunk.grad_output);
  const wire::EvaluationRequest request = RequestFor(job_, input, job_.mode == Mode::kVjp ? &grad : nullptr);
  wire::Evaluation evaluation;
  const Status status = wire::Evaluation::Prepare(request, &evaluation);
  if (!status.ok()) throw std::invalid_argument(status.message());

  // The gradient goes to result, f(x) to output (or to result when it is
  // the only answer).
  Elements* gradient = evaluation.wants_gradient() ? &chunk.result : nullptr;
  Elements* output = !evaluation.wants_output() ? nullptr : gradient ? &chunk.output : &chunk.result;
  for (Elements* answer : {gradient, output}) {
    if (answer == nullptr) continue;
    answer->set_dtype(evaluation.dtype());
    answer->resize(evaluation.elements());
  }
  switch (evaluation.dtype()) {
    case DataType::kFloat32:
      evaluation.Run(gradient ? gradient->as<float>() : nullptr, output ? output->as<float>() : nullptr);
      break;
    case DataType::kFloat64:
      evaluation.RunFloat64(gradient ? gradient->as<double>() : nullptr, output ? output->as<double>() : nullptr);
      break;
    case DataType::kFloat16:
    case DataType::kBFloat16:
      evaluation.RunNarrow(gradient ? gradient->as<std::uint16_t>() : nullptr,
                           output ? output->as<std::uint16_t>() : nullptr);
      break;
  }
}

}  // namespace activation::client
