// The one evaluation path behind every protocol: a request whose tensors a
// protocol has already decoded into float spans is validated, resolved
// against the catalogue and computed. Nothing here knows gRPC or protobuf, so
// activation.v1 (server/evaluation.cc), the client's --local mode and any
// other protocol call the same code and give the same answers and errors.
//
//   wire::Evaluation evaluation;
//   Status status = wire::Evaluation::Prepare(request, &evaluation);  // checks everything
//   if (!status.ok()) return BadRequest(status.message());
//   // ... size the response from evaluation.elements(), refuse it if too large ...
//   evaluation.Run(gradient_buffer, output_buffer);                  // cannot fail
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "compute/activation.h"
#include "compute/compute.h"
#include "compute/dtype.h"
#include "compute/registry.h"
#include "compute/status.h"

namespace activation::wire {

// Largest shape rank accepted: enough for any tensor, small enough that a
// hostile shape costs nothing to check.
inline constexpr std::size_t kMaxRank = 32;

// An array as a protocol decoded it. Not owned; `shape` empty = 1-D.
// float32 elements are at `data`; float16 and bfloat16 ones, as bit
// patterns, at `narrow`; float64 ones at `wide` (`data` is then null).
struct TensorRef {
  const float* data = nullptr;
  std::size_t size = 0;
  std::vector<std::int64_t> shape;
  DataType dtype = DataType::kFloat32;
  const std::uint16_t* narrow = nullptr;
  const double* wide = nullptr;
};

// Which arrays a request asks for.
enum class Produce {
  kOutput,             // f(x)                               (Evaluate)
  kGradient,           // f'(x), or the VJP with grad_output (Gradient)
  kGradientAndOutput,  // both                               (Gradient with include_output)
};

struct EvaluationRequest {
  std::string_view activation;        // name or alias, as sent
  GivenParams params;                 // by name, as sent
  TensorRef input;
  const TensorRef* grad_output = nullptr;  // optional; only with a gradient; shape must equal input's
  Produce produce = Produce::kOutput;
  // Names used in error messages, so they match the protocol's field names.
  std::string_view input_field = "input";
  std::string_view grad_output_field = "grad_output";
};

// A validated request, ready to compute. Holds pointers into the request's
// tensors, which must outlive it.
class Evaluation {
 public:
  // Resolves the activation and its parameters and checks both tensors
  // (shape rank <= kMaxRank, shape product = element count, grad_output's
  // shape and dtype equal to input's, float64 only for functions with
  // float64 kernels). An error (INVALID_ARGUMENT) names the field and the
  // problem.
  static Status Prepare(const EvaluationRequest& request, Evaluation* evaluation);

  const Activation& activation() const { return *activation_; }
  std::size_t elements() const { return elements_; }  // of each output
  bool wants_gradient() const { return produce_ != Produce::kOutput; }
  bool wants_output() const { return produce_ != Produce::kGradient; }
  Mode gradient_mode() const { return gradient_mode_; }  // kDerivative or kVjp
  // Elementwise functions may overwrite their input: the last array Run()
  // writes (`output` when wanted, else `gradient`) may then be input.data.
  bool may_overwrite_input() const { return !activation_->rowwise && dtype_ == DataType::kFloat32; }
  DataType dtype() const { return dtype_; }  // of the input, the grad_output and every answer

  // The input's floats now live at `data` (moved, e.g. into the response's
  // storage to compute in place); Run() reads them there.
  void MoveInput(const float* data) { x_ = data; }

  // Writes elements() floats into each wanted array (null for one not
  // wanted): the gradient first, then f(x). Never fails once prepared.
  // float32 only.
  void Run(float* gradient, float* output) const;
  // The same for float16 and bfloat16 (see ComputeNarrow for the rounding).
  void RunNarrow(std::uint16_t* gradient, std::uint16_t* output) const;
  // The same for float64 (the float64 kernels, within 4 ULP).
  void RunFloat64(double* gradient, double* output) const;

 private:
  const Activation* activation_ = nullptr;
  KernelArgs args_;
  const float* x_ = nullptr;
  const float* grad_output_ = nullptr;
  const std::uint16_t* x_narrow_ = nullptr;
  const std::uint16_t* grad_output_narrow_ = nullptr;
  const double* x_wide_ = nullptr;
  const double* grad_output_wide_ = nullptr;
  DataType dtype_ = DataType::kFloat32;
  std::size_t elements_ = 0;
  Produce produce_ = Produce::kOutput;
  Mode gradient_mode_ = Mode::kDerivative;
};

}  // namespace activation::wire
