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
  Cost cost;  // by single-thread throughput at 1M (kernels_bench fast/ rows), forward and VJP
};

// Functions not listed keep their reference kernels; why, for each, is in
// docs/performance.md (section Kernels).
constexpr FastEntry kFastKernels[] = {
    {"step", &simd::Step, Cost::kMemoryBound},
    {"relu", &simd::Relu, Cost::kMemoryBound},
    {"leaky_relu", &simd::LeakyRelu, Cost::kMemoryBound},
    {"prelu", &simd::LeakyRelu, Cost::kMemoryBound},
    {"hardtanh", &simd::Hardtanh, Cost::kMemoryBound},
    {"relu6", &simd::Relu6, Cost::kMemoryBound},
    {"hardsigmoid", &simd::Hardsigmoid, Cost::kMemoryBound},
    {"hardswish", &simd::Hardswish, Cost::kMemoryBound},
    {"softshrink", &simd::Softshrink, Cost::kMemoryBound},
    {"hardshrink", &simd::Hardshrink, Cost::kMemoryBound},
    {"threshold", &simd::Threshold, Cost::kMemoryBound},
    {"sigmoid", &simd::Sigmoid, Cost::kTranscendental},
    {"silu", &simd::Silu, Cost::kTranscendental},
    {"logsigmoid", &simd::Logsigmoid, Cost::kHeavy},
    {"softplus", &simd::Softplus, Cost::kHeavy},
    {"tanh", &simd::Tanh, Cost::kTranscendental},
    {"tanhshrink", &simd::Tanhshrink, Cost::kHeavy},
    {"mish", &simd::Mish, Cost::kTranscendental},
    {"elu", &simd::Elu, Cost::kTranscendental},
    {"selu", &simd::Selu, Cost::kTranscendental},
    {"celu", &simd::Celu, Cost::kTranscendental},
    {"gelu", &simd::Gelu, Cost::kHeavy},
    {"softsign", &simd::Softsign, Cost::kTranscendental},
    {"softmax", &simd::Softmax, Cost::kHeavy},
    {"log_softmax", &simd::LogSoftmax, Cost::kHeavy},
};

struct Float64Entry {
  std::string_view name;
  Kernels64 (*make)();
};

// Functions not listed are not served in float64 yet.
constexpr Float64Entry kFloat64Kernels[] = {
    {"step", &simd::Step64},
    {"relu", &simd::Relu64},
    {"leaky_relu", &simd::LeakyRelu64},
    {"prelu", &simd::LeakyRelu64},
    {"hardtanh", &simd::Hardtanh64},
    {"relu6", &simd::Relu664},
    {"hardsigmoid", &simd::Hardsigmoid64},
    {"hardswish", &simd::Hardswish64},
    {"softshrink", &simd::Softshrink64},
    {"hardshrink", &simd::Hardshrink64},
    {"threshold", &simd::Threshold64},
    {"sigmoid", &simd::Sigmoid64},
    {"logsigmoid", &simd::Logsigmoid64},
    {"softplus", &simd::Softplus64},
    {"tanh", &simd::Tanh64},
    {"elu", &simd::Elu64},
    {"selu", &simd::Selu64},
    {"celu", &simd::Celu64},
    {"softsign", &simd::Softsign64},
};

}  // namespace

void AttachFastKernels(std::vector<Activation>& catalogue) {
  const std::string problem = simd::ApplyTargetFromEnvironment();
  if (!problem.empty()) std::fprintf(stderr, "%s\n", problem.c_str());
  for (Activation& a : catalogue) {
    for (const FastEntry& entry : kFastKernels) {
      if (entry.name != a.name) continue;
      a.fast = entry.make();
      a.cost = entry.cost;
    }
    for (const Float64Entry& entry : kFloat64Kernels) {
      if (entry.name == a.name) a.float64 = entry.make();
    }
  }
}

}  // namespace activation
