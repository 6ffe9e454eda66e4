// Attaches the vectorized kernels (compute/simd/) to catalogue entries by
// name, so the entries themselves only describe the function and its
// scalar reference. A function without an entry here keeps running its
// reference kernels.
#pragma once

#include <vector>

#include "compute/activation.h"

namespace activation {

// Sets `fast` on every activation that has a vector kernel. Also applies
// ACTIVATION_SIMD_TARGET (see compute/simd/target.h); an unknown value is
// reported on stderr and ignored.
void AttachFastKernels(std::vector<Activation>& catalogue);

}  // namespace activation
