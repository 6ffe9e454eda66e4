#include "compute/classic.h"

#include <cmath>
#include <limits>

#include "compute/elementwise.h"
#include "compute/simd/hyperbolic.h"
#include "compute/simd/logistic.h"
#include "compute/simd/piecewise.h"

namespace activation::classic {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// --- step: 1 where x > threshold, else 0; derivative 0 everywhere. -------
float StepForward(float x, const KernelArgs& a) {
  if (std::isnan(x)) return kNaN;
  return static_cast<double>(x) > a.param[0] ? 1.0f : 0.0f;
}
float StepDerivative(float x, const KernelArgs&) { return std::isnan(x) ? kNaN : 0.0f; }

// --- sigmoid: 1 / (1 + e^-x). --------------------------------------------
float SigmoidForward(float x, const KernelArgs&) {
  const double e = std::exp(-std::fabs(static_cast<double>(x)));  // in (0, 1]: never overflows
  const double s = 1.0 / (1.0 + e);
  return static_cast<float>(x >= 0 ? s : e * s);
}
// s(x)(1 - s(x)) = e / (1 + e)^2 with e = e^-|x|: keeps full relative
// accuracy in the tails, where 1 - s(x) would cancel to 0.
float SigmoidDerivative(float x, const KernelArgs&) {
  const double e = std::exp(-std::fabs(static_cast<double>(x)));
  return static_cast<float>(e / ((1.0 + e) * (1.0 + e)));
}

// --- tanh. ----------------------------------------------------------------
float TanhForward(float x, const KernelArgs&) { return static_cast<float>(std::tanh(static_cast<double>(x))); }
// 1 - tanh^2 = 4e / (1 + e)^2 with e = e^-2|x|: no cancellation in the tails.
float TanhDerivative(float x, const KernelArgs&) {
  const double e = std::exp(-2.0 * std::fabs(static_cast<double>(x)));
  return static_cast<float>(4.0 * e / ((1.0 + e) * (1.0 + e)));
}

// --- relu: max(0, x); relu'(0) = 0 as in PyTorch; NaN propagates. ---------
float ReluForward(float x, const KernelArgs&) { return x > 0 ? x : (std::isnan(x) ? x : 0.0f); }
float ReluDerivative(float x, const KernelArgs&) { return x > 0 ? 1.0f : (std::isnan(x) ? x : 0.0f); }

// --- leaky_relu: x where x > 0, else negative_slope * x. ------------------
float LeakyReluForward(float x, const KernelArgs& a) {
  return x > 0 ? x : static_cast<float>(a.param[0] * static_cast<double>(x));
}
float LeakyReluDerivative(float x, const KernelArgs& a) {
  if (std::isnan(x)) return x;
  return x > 0 ? 1.0f : static_cast<float>(a.param[0]);
}

Activation Step() {
  Activation a;
  a.name = "step";
  a.aliases = {"heaviside"};
  a.description = "Heaviside step: 1 above the threshold, else 0.";
  a.formula = "1 if x > threshold else 0";
  a.derivative_formula = "0";
  a.params = {{"threshold", 0.0, -kInf, kInf, true, true, false, "output is 1 where x > threshold", {}}};
  a.reference = ElementwiseKernels<StepForward, StepDerivative>();
  a.fast = simd::Step();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Step64();
  return a;
}

Activation Sigmoid() {
  Activation a;
  a.name = "sigmoid";
  a.aliases = {"logistic"};
  a.description = "Logistic sigmoid.";
  a.formula = "1 / (1 + exp(-x))";
  a.derivative_formula = "sigmoid(x) * (1 - sigmoid(x))";
  a.reference = ElementwiseKernels<SigmoidForward, SigmoidDerivative>();
  a.fast = simd::Sigmoid();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Sigmoid64();
  return a;
}

Activation Tanh() {
  Activation a;
  a.name = "tanh";
  a.description = "Hyperbolic tangent.";
  a.formula = "tanh(x)";
  a.derivative_formula = "1 - tanh(x)^2";
  a.reference = ElementwiseKernels<TanhForward, TanhDerivative>();
  a.fast = simd::Tanh();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Tanh64();
  return a;
}

Activation Relu() {
  Activation a;
  a.name = "relu";
  a.description = "Rectified linear unit.";
  a.formula = "max(0, x)";
  a.derivative_formula = "1 if x > 0 else 0";
  a.reference = ElementwiseKernels<ReluForward, ReluDerivative>();
  a.fast = simd::Relu();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Relu64();
  return a;
}

Activation LeakyRelu() {
  Activation a;
  a.name = "leaky_relu";
  a.aliases = {"leakyrelu"};
  a.description = "Leaky rectified linear unit.";
  a.formula = "x if x > 0 else negative_slope * x";
  a.derivative_formula = "1 if x > 0 else negative_slope";
  a.params = {{"negative_slope", 0.01, -kInf, kInf, true, true, false,
               "slope for x <= 0", {}}};
  a.reference = LeakyReluKernels();
  a.fast = simd::LeakyRelu();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::LeakyRelu64();
  return a;
}

}  // namespace

Kernels LeakyReluKernels() { return ElementwiseKernels<LeakyReluForward, LeakyReluDerivative>(); }

std::vector<Activation> Entries() {
  return {Step(), Sigmoid(), Tanh(), Relu(), LeakyRelu()};
}

}  // namespace activation::classic
