#include "wire/evaluation.h"

#include <string>

namespace activation::wire {
namespace {

std::string ShapeText(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// The shape's rank and product; fills the row length (last dimension).
Status CheckTensor(const TensorRef& tensor, std::string_view field, std::size_t* row_length) {
  if (tensor.shape.size() > kMaxRank) {
    return Status::InvalidArgument(std::string(field) + ".shape: rank " + std::to_string(tensor.shape.size()) +
                                   " exceeds the maximum of " + std::to_string(kMaxRank));
  }
  Status status = CheckShape(tensor.shape, tensor.size, row_length);
  if (!status.ok()) return Status::InvalidArgument(std::string(field) + "." + status.message());
  return Status();
}

}  // namespace

Status Evaluation::Prepare(const EvaluationRequest& request, Evaluation* evaluation) {
  Status status = ResolveActivation(request.activation, &evaluation->activation_);
  if (!status.ok()) return status;
  status = ResolveParams(*evaluation->activation_, request.params, &evaluation->args_);
  if (!status.ok()) return status;
  status = CheckTensor(request.input, request.input_field, &evaluation->args_.row_length);
  if (!status.ok()) return status;

  evaluation->dtype_ = request.input.dtype;
  evaluation->x_ = request.input.data;
  evaluation->x_narrow_ = request.input.narrow;
  evaluation->x_wide_ = request.input.wide;
  evaluation->elements_ = request.input.size;
  evaluation->produce_ = request.produce;
  evaluation->grad_output_ = nullptr;
  evaluation->grad_output_narrow_ = nullptr;
  evaluation->grad_output_wide_ = nullptr;
  evaluation->gradient_mode_ = Mode::kDerivative;
  if (request.grad_output != nullptr) {
    const TensorRef& grad = *request.grad_output;
    if (request.produce == Produce::kOutput) {
      return Status::InvalidArgument(std::string(request.grad_output_field) +
                                     ": only a gradient uses it; send it with a gradient request");
    }
    if (grad.dtype != request.input.dtype) {
      return Status::InvalidArgument(std::string(request.grad_output_field) + ".dtype " +
                                     std::string(DataTypeName(grad.dtype)) + " differs from " +
                                     std::string(request.input_field) + ".dtype " +
                                     std::string(DataTypeName(request.input.dtype)) + "; they must be equal");
    }
    std::size_t unused_row_length = 0;
    status = CheckTensor(grad, request.grad_output_field, &unused_row_length);
    if (!status.ok()) return status;
    const std::string grad_field(request.grad_output_field);
    const std::string input_field(request.input_field);
    if (grad.shape.empty()) {
      if (grad.size != request.input.size) {
        return Status::InvalidArgument(grad_field + ": " + std::to_string(grad.size) + " elements, but " +
                                       input_field + " has " + std::to_string(request.input.size) +
                                       "; they must match");
      }
    } else {
      // The input's absent shape means 1-D: [n].
      const std::vector<std::int64_t> input_shape =
          request.input.shape.empty() ? std::vector<std::int64_t>{static_cast<std::int64_t>(request.input.size)}
                                      : request.input.shape;
      if (grad.shape != input_shape) {
        return Status::InvalidArgument(grad_field + ".shape " + ShapeText(grad.shape) + " differs from " +
                                       input_field + ".shape " + ShapeText(input_shape) + "; they must be equal");
      }
    }
    evaluation->grad_output_ = grad.data;
    evaluation->grad_output_narrow_ = grad.narrow;
    evaluation->grad_output_wide_ = grad.wide;
    evaluation->gradient_mode_ = Mode::kVjp;
  }
  return Status();
}

void Evaluation::Run(float* gradient, float* output) const {
  if (wants_gradient()) Compute(*activation_, gradient_mode_, args_, x_, grad_output_, gradient, elements_);
  // Last: when output is the input's own storage, the gradient has already read it.
  if (wants_output()) Compute(*activation_, Mode::kForward, args_, x_, nullptr, output, elements_);
}

void Evaluation::RunNarrow(std::uint16_t* gradient, std::uint16_t* output) const {
  if (wants_gradient()) {
    ComputeNarrow(*activation_, gradient_mode_, args_, dtype_, x_narrow_, grad_output_narrow_, gradient, elements_);
  }
  if (wants_output()) ComputeNarrow(*activation_, Mode::kForward, args_, dtype_, x_narrow_, nullptr, output, elements_);
}

void Evaluation::RunFloat64(double* gradient, double* output) const {
  if (wants_gradient()) ComputeFloat64(*activation_, gradient_mode_, args_, x_wide_, grad_output_wide_, gradient, elements_);
  if (wants_output()) ComputeFloat64(*activation_, Mode::kForward, args_, x_wide_, nullptr, output, elements_);
}

}  // namespace activation::wire
