#include "compute/exponential.h"

#include <cmath>
#include <limits>
#include <string>

#include "compute/elementwise.h"
#include "compute/simd/elu.h"

namespace activation::exponential {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// PyTorch's SELU constants.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// --- elu: x where x > 0, else alpha (e^x - 1). elu'(0) = alpha (PyTorch). --
float EluForward(float x, const KernelArgs& a) {
  return x > 0 ? x : static_cast<float>(a.param[0] * std::expm1(static_cast<double>(x)));
}
float EluDerivative(float x, const KernelArgs& a) {
  return x > 0 ? 1.0f : static_cast<float>(a.param[0] * std::exp(static_cast<double>(x)));
}

// --- selu: scale * elu(x, alpha) with fixed constants. --------------------
float SeluForward(float x, const KernelArgs&) {
  const double v = x;
  return static_cast<float>(kSeluScale * (x > 0 ? v : kSeluAlpha * std::expm1(v)));
}
float SeluDerivative(float x, const KernelArgs&) {
  return static_cast<float>(kSeluScale * (x > 0 ? 1.0 : kSeluAlpha * std::exp(static_cast<double>(x))));
}

// --- celu: x where x > 0, else alpha (e^(x/alpha) - 1). --------------------
float CeluForward(float x, const KernelArgs& a) {
  const double alpha = a.param[0];
  return x > 0 ? x : static_cast<float>(alpha * std::expm1(static_cast<double>(x) / alpha));
}
float CeluDerivative(float x, const KernelArgs& a) {
  return x > 0 ? 1.0f : static_cast<float>(std::exp(static_cast<double>(x) / a.param[0]));
}

Activation Elu() {
  Activation a;
  a.name = "elu";
  a.description = "Exponential linear unit.";
  a.formula = "x if x > 0 else alpha * (exp(x) - 1)";
  a.derivative_formula = "1 if x > 0 else alpha * exp(x)";
  a.params = {{"alpha", 1.0, -kInf, kInf, true, true, false, "scale of the negative part", {}}};
  a.reference = ElementwiseKernels<EluForward, EluDerivative>();
  a.fast = simd::Elu();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Elu64();
  return a;
}

Activation Selu() {
  Activation a;
  a.name = "selu";
  a.description = "Scaled ELU with PyTorch's self-normalizing constants.";
  a.formula = "scale * (x if x > 0 else alpha * (exp(x) - 1)), alpha = 1.6732632423543772, scale = 1.0507009873554805";
  a.derivative_formula = "scale if x > 0 else scale * alpha * exp(x)";
  a.reference = ElementwiseKernels<SeluForward, SeluDerivative>();
  a.fast = simd::Selu();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Selu64();
  return a;
}

Activation Celu() {
  Activation a;
  a.name = "celu";
  a.description = "Continuously differentiable ELU.";
  a.formula = "x if x > 0 else alpha * (exp(x / alpha) - 1)";
  a.derivative_formula = "1 if x > 0 else exp(x / alpha)";
  a.params = {{"alpha", 1.0, -kInf, kInf, true, true, false, "scale of the negative part", {0.0}}};
  a.reference = ElementwiseKernels<CeluForward, CeluDerivative>();
  a.fast = simd::Celu();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Celu64();
  return a;
}

}  // namespace

std::vector<Activation> Entries() {
  return {Elu(), Selu(), Celu()};
}

}  // namespace activation::exponential
