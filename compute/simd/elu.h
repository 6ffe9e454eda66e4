// The vector kernels of the ELU family, defined in elu.cc: one record per
// function, dispatching at run time to the best target the CPU supports
// (export.h, target.h). Each catalogue entry in compute/ sets its own.
#pragma once

#include "compute/activation.h"

namespace activation::simd {

Kernels Elu();
Kernels Selu();
Kernels Celu();

// Double lanes (Activation::float64).
Kernels64 Elu64();
Kernels64 Selu64();
Kernels64 Celu64();

}  // namespace activation::simd
