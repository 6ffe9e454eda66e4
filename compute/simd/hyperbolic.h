// The vector kernels of the functions built on tanh, defined in hyperbolic.cc:
// one record per function, dispatching at run time to the best target the CPU
// supports (export.h, target.h). Each catalogue entry in compute/ sets its own.
#pragma once

#include "compute/activation.h"

namespace activation::simd {

Kernels Tanh();
Kernels Tanhshrink();
Kernels Mish();

// Double lanes (Activation::float64).
Kernels64 Tanh64();
Kernels64 Tanhshrink64();
Kernels64 Mish64();

}  // namespace activation::simd
