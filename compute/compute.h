// Running an activation over arrays: the single entry point that serves
// Evaluate, Gradient and their streaming forms alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compute/activation.h"
#include "compute/parallel.h"
#include "compute/status.h"

namespace activation {

enum class Mode {
  kForward,     // out = f(x)
  kDerivative,  // out = f'(x) (Jacobian diagonal for row-wise functions)
  kVjp,         // out = grad_output^T J_f(x)
};

// Row length for a tensor of `count` elements with optional `shape` (empty =
// 1-D): the last dimension. Errors when the shape's product differs from
// `count` or a dimension is negative.
Status CheckShape(const std::vector<std::int64_t>& shape, std::size_t count,
                  std::size_t* row_length);

// Elements from which Compute() splits a call to `activation` across the
// worker pool: ParallelThreshold() work units over the activation's cost.
std::size_t SplitThreshold(const Activation& activation);

// Runs `mode` of `activation` over n elements into caller-provided `out`
// (no allocation). `grad_output` is read only for kVjp. `args.row_length`
// must be set for row-wise functions (see CheckShape).
void Compute(const Activation& activation, Mode mode, const KernelArgs& args, const float* x,
             const float* grad_output, float* out, std::size_t n);

// Calls part(begin, end) over pieces covering [0, n), split across the
// worker pool as Compute splits (whole rows, whole cache lines) when n
// reaches SplitThreshold(activation), else once on the calling thread. For
// work that wraps the kernels (other element types).
void ForEachPart(const Activation& activation, const KernelArgs& args, std::size_t n,
                 FunctionRef<void(std::size_t begin, std::size_t end)> part);

// Compute on the calling thread only, for one part of ForEachPart.
void ComputePart(const Activation& activation, Mode mode, const KernelArgs& args, const float* x,
                 const float* grad_output, float* out, std::size_t n);

// The same over binary64 arrays with the activation's float64 kernels.
void ComputeFloat64(const Activation& activation, Mode mode, const KernelArgs& args, const double* x,
                    const double* grad_output, double* out, std::size_t n);

}  // namespace activation
