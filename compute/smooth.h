// Smooth gates built on the logistic function, tanh and erf: gelu, silu,
// mish, softplus, logsigmoid, tanhshrink, softsign. Each is evaluated in
// double in a form that neither overflows nor cancels (see the comments),
// then rounded once to float.
#pragma once

#include "compute/activation.h"

namespace activation::smooth {

Activation Gelu();
Activation Silu();
Activation Mish();
Activation Softplus();
Activation Logsigmoid();
Activation Tanhshrink();
Activation Softsign();

}  // namespace activation::smooth
