// One entry of the activation catalogue: everything the service, the client
// and the tests know about a function lives in its `Activation` record.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace activation {

inline constexpr std::size_t kMaxParams = 4;

// A parameter as published in the catalogue. Values must always be finite;
// `min`/`max` may be +-inf to mean "unbounded on that side".
struct ParamSpec {
  std::string_view name;
  double default_value = 0.0;
  double min = 0.0;
  double max = 0.0;
  bool min_inclusive = true;
  bool max_inclusive = true;
  bool required = false;         // no default: the caller must send it
  std::string_view description;
  std::vector<double> excluded;  // finite values inside the range that are not allowed (e.g. celu alpha 0)
};

// Everything a kernel needs besides its arrays: parameter values in the order
// of `Activation::params`, and for row-wise functions the row length.
struct KernelArgs {
  std::array<double, kMaxParams> param{};
  std::size_t row_length = 0;  // row-wise functions only; n is a multiple of it
};

// out[i] = f(x[i]) or f'(x[i]); for row-wise functions, per row.
using UnaryKernel = void (*)(const float* x, float* out, std::size_t n, const KernelArgs& args);
// out = grad_output^T * J_f(x): for elementwise functions g[i] * f'(x[i]).
using VjpKernel = void (*)(const float* x, const float* grad_output, float* out, std::size_t n,
                           const KernelArgs& args);

struct Kernels {
  UnaryKernel forward = nullptr;
  UnaryKernel derivative = nullptr;  // elementwise f'(x); Jacobian diagonal when row-wise
  VjpKernel vjp = nullptr;
};

// The same three kernels over binary64 arrays (double lanes throughout).
using UnaryKernel64 = void (*)(const double* x, double* out, std::size_t n, const KernelArgs& args);
using VjpKernel64 = void (*)(const double* x, const double* grad_output, double* out, std::size_t n,
                             const KernelArgs& args);
struct Kernels64 {
  UnaryKernel64 forward = nullptr;
  UnaryKernel64 derivative = nullptr;
  VjpKernel64 vjp = nullptr;
};

// Max error in float32 ULP against an exact reference, wherever the true
// result is a normal float. Generated from measurement (compute/accuracy_table.inc,
// rendered from bench/results/accuracy/ by bench/accuracy/render_accuracy.py).
struct UlpFigures {
  double forward = -1;  // -1: not measured
  double derivative = -1;
};

// The figures of one SIMD target: the worse of the `reference` kernels and
// the `fast` kernels with dispatch forced to that target.
struct TargetAccuracy {
  std::string_view target;  // Highway's name: "AVX3", "AVX2", "SSE4", "SSSE3", "SCALAR", ...
  UlpFigures ulp;
};

struct Accuracy {
  // The published figures: the worst over every target below and over the
  // exhaustive sweeps (bench/results/accuracy/ulp_sweep_*.txt).
  double forward_max_ulp = -1;  // -1: not measured
  double derivative_max_ulp = -1;
  std::vector<TargetAccuracy> targets;
  // The float64 kernels in binary64 ULP against MPFR, the worst over every
  // target at the default parameters (compute/float64_accuracy_table.inc,
  // rendered by bench/accuracy/render_dtypes.py).
  UlpFigures float64;
};

// Work per element of an activation's `fast` kernels, relative to a memory-bound
// one (relu). Compute() splits a call across the worker pool once elements x
// cost reaches ParallelThreshold(); the classes and the threshold were chosen
// by measurement (docs/performance.md). A memory-bound kernel gains little
// from a second core (both share the memory bus) and, inside the server,
// competes with gRPC's threads for it, hence its low weight.
enum class Cost : unsigned {
  kMemoryBound = 1,     // piecewise-linear: a load, a few comparisons, a store
  kTranscendental = 6,  // one float exp/tanh/log per element
  kHeavy = 12,          // double lanes, erfc, several passes (softmax), or scalar
};

struct Activation {
  std::string_view name;
  std::vector<std::string_view> aliases;
  std::string_view description;
  std::string_view formula;
  std::string_view derivative_formula;
  std::vector<ParamSpec> params;
  bool rowwise = false;
  std::string_view gradient_note;  // what Gradient returns without grad_output, when not obvious
  // Checks relations between parameters (e.g. min_val < max_val); returns an
  // error message, empty when valid. Single-parameter ranges are in ParamSpec.
  std::string (*check_params)(const KernelArgs& args) = nullptr;
  Kernels reference;  // scalar, written for clarity and accuracy
  Kernels fast;       // vectorized (compute/simd/<family>.h); required
  Kernels64 float64;  // vectorized in double lanes; required
  Cost cost = Cost::kHeavy;  // of `fast`; set with it
  Accuracy accuracy;
};

}  // namespace activation
