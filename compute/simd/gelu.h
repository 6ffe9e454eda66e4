// The vector kernels of gelu (both forms) and softsign, defined in gelu.cc: one
// record per function, dispatching at run time to the best target the CPU
// supports (export.h, target.h). Each catalogue entry in compute/ sets its own.
#pragma once

#include "compute/activation.h"

namespace activation::simd {

Kernels Gelu();
Kernels Softsign();

// Double lanes (Activation::float64).
Kernels64 Softsign64();
Kernels64 Gelu64();

}  // namespace activation::simd
