// The vector kernels of the logistic family, defined in logistic.cc: one record
// per function, dispatching at run time to the best target the CPU supports
// (export.h, target.h). Each catalogue entry in compute/ sets its own.
#pragma once

#include "compute/activation.h"

namespace activation::simd {

Kernels Sigmoid();
Kernels Silu();
Kernels Logsigmoid();
Kernels Softplus();

// Double lanes (Activation::float64).
Kernels64 Sigmoid64();
Kernels64 Logsigmoid64();
Kernels64 Softplus64();
Kernels64 Silu64();

}  // namespace activation::simd
