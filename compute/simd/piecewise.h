// The vector kernels of the piecewise-linear activations, defined in
// piecewise.cc: one record per function, dispatching at run time to the best
// target the CPU supports (export.h, target.h). Each catalogue entry in
// compute/ sets its own.
#pragma once

#include "compute/activation.h"

namespace activation::simd {

Kernels Step();
Kernels Relu();
Kernels LeakyRelu();  // also prelu: the same function with another default
Kernels Hardtanh();
Kernels Relu6();
Kernels Hardsigmoid();
Kernels Hardswish();
Kernels Softshrink();
Kernels Hardshrink();
Kernels Threshold();

// Double lanes (Activation::float64).
Kernels64 Step64();
Kernels64 Relu64();
Kernels64 LeakyRelu64();
Kernels64 Hardtanh64();
Kernels64 Relu664();
Kernels64 Hardsigmoid64();
Kernels64 Hardswish64();
Kernels64 Softshrink64();
Kernels64 Hardshrink64();
Kernels64 Threshold64();

}  // namespace activation::simd
