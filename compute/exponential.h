// The ELU family: elu, selu, celu. exp(x) - 1 is evaluated with expm1 so
// that tiny negative inputs keep full relative accuracy.
#pragma once

#include "compute/activation.h"

namespace activation::exponential {

Activation Elu();
Activation Selu();
Activation Celu();

}  // namespace activation::exponential
