// Builds the three array kernels of an elementwise function from its scalar
// forward and derivative, so each function is written once.
#pragma once

#include <cstddef>

#include "compute/activation.h"

namespace activation {

using ScalarFn = float (*)(float x, const KernelArgs& args);

template <ScalarFn kFn>
void MapScalar(const float* x, float* out, std::size_t n, const KernelArgs& args) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kFn(x[i], args);
}

template <ScalarFn kDerivative>
void ScalarVjp(const float* x, const float* grad_output, float* out, std::size_t n,
               const KernelArgs& args) {
  for (std::size_t i = 0; i < n; ++i) out[i] = grad_output[i] * kDerivative(x[i], args);
}

template <ScalarFn kForward, ScalarFn kDerivative>
Kernels ElementwiseKernels() {
  return Kernels{&MapScalar<kForward>, &MapScalar<kDerivative>, &ScalarVjp<kDerivative>};
}

}  // namespace activation
