// softmax and log_softmax over rows (the last axis; KernelArgs::row_length).
// Rows are max-subtracted and summed in double: no overflow for any finite
// row. The Gradient without grad_output is the Jacobian's diagonal; with it,
// the true row-coupled vector-Jacobian product.
#pragma once

#include <vector>

#include "compute/activation.h"

namespace activation::softmax {

// The family's catalogue entries, in catalogue order.
std::vector<Activation> Entries();

// The scalar reference kernels alone: the vector kernels (compute/simd/softmax.cc)
// hand them the rows whose limits they define (NaN, +inf, all -inf).
Kernels SoftmaxReference();
Kernels LogSoftmaxReference();
// The same over binary64 arrays, for the rows the float64 kernels hand over
// (NaN, +inf, all -inf) and only those: their finite rows round x_i - max.
Kernels64 SoftmaxLimits64();
Kernels64 LogSoftmaxLimits64();

}  // namespace activation::softmax
