// Scalar reference kernels of the classic five: step, sigmoid, tanh, relu,
// leaky_relu. Accurate over the whole float range: sensitive expressions are
// evaluated in double and rounded once.
#pragma once

#include <vector>

#include "compute/activation.h"

namespace activation::classic {

// The family's catalogue entries, in catalogue order.
std::vector<Activation> Entries();

// x where x > 0, else param[0] * x (leaky_relu and prelu share it).
Kernels LeakyReluKernels();

}  // namespace activation::classic
