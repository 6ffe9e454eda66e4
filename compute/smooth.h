// Smooth gates built on the logistic function, tanh and erf: gelu, silu,
// mish, softplus, softsign, logsigmoid, tanhshrink. Each is evaluated in
// double in a form that neither overflows nor cancels (see the comments),
// then rounded once to float.
#pragma once

#include <vector>

#include "compute/activation.h"

namespace activation::smooth {

// The family's catalogue entries, in catalogue order.
std::vector<Activation> Entries();

}  // namespace activation::smooth
