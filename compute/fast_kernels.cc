#include "compute/fast_kernels.h"

#include <cstdio>
#include <string_view>

#include "compute/simd/kernels.h"
#include "compute/simd/target.h"

namespace activation {
namespace {

struct FastEntry {
  std::string_view name;
  Kernels (*make)();
};

// Functions not listed keep their reference kernels; why, for each, is in
// the README (section kernels-performance).
constexpr FastEntry kFastKernels[] = {
    {"step", &simd::Step},
    {"relu", &simd::Relu},
    {"leaky_relu", &simd::LeakyRelu},
    {"prelu", &simd::LeakyRelu},
    {"hardtanh", &simd::Hardtanh},
    {"relu6", &simd::Relu6},
    {"hardsigmoid", &simd::Hardsigmoid},
    {"hardswish", &simd::Hardswish},
    {"softshrink", &simd::Softshrink},
    {"hardshrink", &simd::Hardshrink},
    {"threshold", &simd::Threshold},
    {"sigmoid", &simd::Sigmoid},
    {"silu", &simd::Silu},
    {"logsigmoid", &simd::Logsigmoid},
    {"softplus", &simd::Softplus},
    {"tanh", &simd::Tanh},
    {"tanhshrink", &simd::Tanhshrink},
    {"mish", &simd::Mish},
    {"elu", &simd::Elu},
    {"selu", &simd::Selu},
    {"celu", &simd::Celu},
    {"gelu", &simd::Gelu},
    {"softsign", &simd::Softsign},
    {"softmax", &simd::Softmax},
    {"log_softmax", &simd::LogSoftmax},
};

}  // namespace

void AttachFastKernels(std::vector<Activation>& catalogue) {
  const std::string problem = simd::ApplyTargetFromEnvironment();
  if (!problem.empty()) std::fprintf(stderr, "%s\n", problem.c_str());
  for (Activation& a : catalogue) {
    for (const FastEntry& entry : kFastKernels) {
      if (entry.name == a.name) a.fast = entry.make();
    }
  }
}

}  // namespace activation
