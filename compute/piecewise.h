// Piecewise-linear (and piecewise-quadratic) functions: hardtanh, relu6,
// hardsigmoid, hardswish, softshrink, hardshrink, threshold, prelu. Kinks
// follow PyTorch autograd; NaN propagates (PyTorch's comparisons drop it).
#pragma once

#include "compute/activation.h"

namespace activation::piecewise {

Activation Hardtanh();
Activation Relu6();
Activation Hardsigmoid();
Activation Hardswish();
Activation Softshrink();
Activation Hardshrink();
Activation Threshold();
Activation Prelu();

}  // namespace activation::piecewise
