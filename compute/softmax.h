// softmax and log_softmax over rows (the last axis; KernelArgs::row_length).
// Rows are max-subtracted and summed in double: no overflow for any finite
// row. The Gradient without grad_output is the Jacobian's diagonal; with it,
// the true row-coupled vector-Jacobian product.
#pragma once

#include "compute/activation.h"

namespace activation::softmax {

Activation Softmax();
Activation LogSoftmax();

// The scalar reference kernels alone: the vector kernels (compute/simd/softmax.cc)
// hand them the rows whose limits they define (NaN, +inf, all -inf).
Kernels SoftmaxReference();
Kernels LogSoftmaxReference();

}  // namespace activation::softmax
