// The ELU family: elu, selu, celu. exp(x) - 1 is evaluated with expm1 so
// that tiny negative inputs keep full relative accuracy.
#pragma once

#include <vector>

#include "compute/activation.h"

namespace activation::exponential {

// The family's catalogue entries, in catalogue order.
std::vector<Activation> Entries();

}  // namespace activation::exponential
