#include "compute/piecewise.h"

#include <cmath>
#include <limits>
#include <string>

#include "compute/registry.h"

#include "compute/classic.h"
#include "compute/elementwise.h"
#include "compute/simd/piecewise.h"

namespace activation::piecewise {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// --- clamp to [lo, hi]; derivative 1 strictly inside, 0 at and beyond the ends.
float Clamp(float x, double lo, double hi) {
  if (x < lo) return static_cast<float>(lo);
  if (x > hi) return static_cast<float>(hi);
  return x;  // NaN included
}
float InsideSlope(float x, double lo, double hi) {
  if (std::isnan(x)) return x;
  return x > lo && x < hi ? 1.0f : 0.0f;
}

float HardtanhForward(float x, const KernelArgs& a) { return Clamp(x, a.param[0], a.param[1]); }
float HardtanhDerivative(float x, const KernelArgs& a) { return InsideSlope(x, a.param[0], a.param[1]); }
std::string CheckHardtanh(const KernelArgs& a) {
  if (a.param[0] < a.param[1]) return "";
  return "min_val: value " + FormatNumber(a.param[0]) + " must be less than max_val (" +
         FormatNumber(a.param[1]) + ")";
}

float Relu6Forward(float x, const KernelArgs&) { return Clamp(x, 0.0, 6.0); }
float Relu6Derivative(float x, const KernelArgs&) { return InsideSlope(x, 0.0, 6.0); }

// --- hardsigmoid: relu6(x + 3) / 6; slope 1/6 strictly inside (-3, 3). ----
float HardsigmoidForward(float x, const KernelArgs&) {
  if (x <= -3) return 0.0f;
  if (x >= 3) return 1.0f;
  return static_cast<float>(static_cast<double>(x) / 6.0 + 0.5);  // NaN included
}
float HardsigmoidDerivative(float x, const KernelArgs&) {
  if (std::isnan(x)) return x;
  return x > -3 && x < 3 ? static_cast<float>(1.0 / 6.0) : 0.0f;
}

// --- hardswish: x relu6(x + 3) / 6. In double x (x + 3) cannot overflow
// (PyTorch's float form overflows above 5.7e37). The derivative follows
// PyTorch's CPU autograd kernel: 0 below -3, x/3 + 1/2 on [-3, 3] (so -0.5
// at -3 and 1.5 at 3), 1 above 3.
float HardswishForward(float x, const KernelArgs&) {
  if (x <= -3) return 0.0f;
  if (x >= 3) return x;
  const double v = x;
  return static_cast<float>(v * (v + 3.0) / 6.0);  // NaN included
}
float HardswishDerivative(float x, const KernelArgs&) {
  if (std::isnan(x)) return x;
  if (x < -3) return 0.0f;
  if (x > 3) return 1.0f;
  return static_cast<float>(static_cast<double>(x) / 3.0 + 0.5);
}

// --- softshrink / hardshrink: 0 on [-lambd, lambd], slope 0 there. -------
float SoftshrinkForward(float x, const KernelArgs& a) {
  const double l = a.param[0];
  if (x > l) return static_cast<float>(static_cast<double>(x) - l);
  if (x < -l) return static_cast<float>(static_cast<double>(x) + l);
  return std::isnan(x) ? x : 0.0f;
}
float ShrinkDerivative(float x, const KernelArgs& a) {
  if (std::isnan(x)) return x;
  return std::fabs(x) > a.param[0] ? 1.0f : 0.0f;
}
float HardshrinkForward(float x, const KernelArgs& a) {
  if (std::isnan(x)) return x;
  return std::fabs(x) > a.param[0] ? x : 0.0f;
}

// --- threshold: x where x > threshold, else value. -------------------------
float ThresholdForward(float x, const KernelArgs& a) {
  if (std::isnan(x)) return x;
  return x > a.param[0] ? x : static_cast<float>(a.param[1]);
}
float ThresholdDerivative(float x, const KernelArgs& a) {
  if (std::isnan(x)) return x;
  return x > a.param[0] ? 1.0f : 0.0f;
}

ParamSpec Lambd() {
  return {"lambd", 0.5, 0.0, kInf, true, true, false, "half-width of the zero band [-lambd, lambd]", {}};
}

Activation Hardtanh() {
  Activation a;
  a.name = "hardtanh";
  a.description = "Clamp to [min_val, max_val].";
  a.formula = "min(max(x, min_val), max_val)";
  a.derivative_formula = "1 if min_val < x < max_val else 0";
  a.params = {{"min_val", -1.0, -kInf, kInf, true, true, false, "lower bound, < max_val", {}},
              {"max_val", 1.0, -kInf, kInf, true, true, false, "upper bound, > min_val", {}}};
  a.check_params = &CheckHardtanh;
  a.reference = ElementwiseKernels<HardtanhForward, HardtanhDerivative>();
  a.fast = simd::Hardtanh();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Hardtanh64();
  return a;
}

Activation Relu6() {
  Activation a;
  a.name = "relu6";
  a.description = "relu clamped at 6 (hardtanh(0, 6)).";
  a.formula = "min(max(x, 0), 6)";
  a.derivative_formula = "1 if 0 < x < 6 else 0";
  a.reference = ElementwiseKernels<Relu6Forward, Relu6Derivative>();
  a.fast = simd::Relu6();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Relu664();
  return a;
}

Activation Hardsigmoid() {
  Activation a;
  a.name = "hardsigmoid";
  a.description = "Piecewise-linear sigmoid.";
  a.formula = "0 if x <= -3, 1 if x >= 3, else x / 6 + 1/2";
  a.derivative_formula = "1/6 if -3 < x < 3 else 0";
  a.reference = ElementwiseKernels<HardsigmoidForward, HardsigmoidDerivative>();
  a.fast = simd::Hardsigmoid();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Hardsigmoid64();
  return a;
}

Activation Hardswish() {
  Activation a;
  a.name = "hardswish";
  a.description = "x times hardsigmoid(x).";
  a.formula = "0 if x <= -3, x if x >= 3, else x * (x + 3) / 6";
  a.derivative_formula = "0 if x < -3, 1 if x > 3, else x / 3 + 1/2 (PyTorch CPU autograd: 1.5 at x = 3, -0.5 at x = -3)";
  a.reference = ElementwiseKernels<HardswishForward, HardswishDerivative>();
  a.fast = simd::Hardswish();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Hardswish64();
  return a;
}

Activation Softshrink() {
  Activation a;
  a.name = "softshrink";
  a.description = "Soft thresholding: shrink towards 0 by lambd.";
  a.formula = "x - lambd if x > lambd, x + lambd if x < -lambd, else 0";
  a.derivative_formula = "1 if |x| > lambd else 0";
  a.params = {Lambd()};
  a.reference = ElementwiseKernels<SoftshrinkForward, ShrinkDerivative>();
  a.fast = simd::Softshrink();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Softshrink64();
  return a;
}

Activation Hardshrink() {
  Activation a;
  a.name = "hardshrink";
  a.description = "Hard thresholding: zero on [-lambd, lambd].";
  a.formula = "x if |x| > lambd else 0";
  a.derivative_formula = "1 if |x| > lambd else 0";
  a.params = {Lambd()};
  a.reference = ElementwiseKernels<HardshrinkForward, ShrinkDerivative>();
  a.fast = simd::Hardshrink();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Hardshrink64();
  return a;
}

Activation Threshold() {
  Activation a;
  a.name = "threshold";
  a.description = "Replace values at or below the threshold by a constant.";
  a.formula = "x if x > threshold else value";
  a.derivative_formula = "1 if x > threshold else 0";
  a.params = {{"threshold", 0.0, -kInf, kInf, true, true, true, "x must exceed it to pass through", {}},
              {"value", 0.0, -kInf, kInf, true, true, true, "output where x <= threshold", {}}};
  a.reference = ElementwiseKernels<ThresholdForward, ThresholdDerivative>();
  a.fast = simd::Threshold();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::Threshold64();
  return a;
}

Activation Prelu() {
  Activation a;
  a.name = "prelu";
  a.description = "Parametric relu with one shared weight (the evaluated form of a learned slope).";
  a.formula = "x if x > 0 else weight * x";
  a.derivative_formula = "1 if x > 0 else weight";
  a.params = {{"weight", 0.25, -kInf, kInf, true, true, false, "slope for x <= 0", {}}};
  a.reference = classic::LeakyReluKernels();  // same function, PyTorch's other name and default
  a.fast = simd::LeakyRelu();
  a.cost = Cost::kMemoryBound;
  a.float64 = simd::LeakyRelu64();
  return a;
}

}  // namespace

std::vector<Activation> Entries() {
  return {Hardtanh(), Relu6(), Hardsigmoid(), Hardswish(), Softshrink(), Hardshrink(), Threshold(), Prelu()};
}

}  // namespace activation::piecewise
