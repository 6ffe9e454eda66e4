// The vector kernels of softmax and log_softmax (row-wise:
// KernelArgs::row_length), defined in softmax.cc: one record per function,
// dispatching at run time to the best target the CPU supports (export.h,
// target.h). Each catalogue entry in compute/ sets its own.
#pragma once

#include "compute/activation.h"

namespace activation::simd {

Kernels Softmax();
Kernels LogSoftmax();

// Double lanes (Activation::float64).
Kernels64 Softmax64();
Kernels64 LogSoftmax64();

}  // namespace activation::simd
