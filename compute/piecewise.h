// Piecewise-linear (and piecewise-quadratic) functions: hardtanh, relu6,
// hardsigmoid, hardswish, softshrink, hardshrink, threshold, prelu. Kinks
// follow PyTorch autograd; NaN propagates (PyTorch's comparisons drop it).
#pragma once

#include <vector>

#include "compute/activation.h"

namespace activation::piecewise {

// The family's catalogue entries, in catalogue order.
std::vector<Activation> Entries();

}  // namespace activation::piecewise
