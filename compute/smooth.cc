#include "compute/smooth.h"

#include <cmath>
#include <limits>
#include <string>

#include "compute/elementwise.h"
#include "compute/registry.h"
#include "compute/simd/gelu.h"
#include "compute/simd/hyperbolic.h"
#include "compute/simd/logistic.h"

namespace activation::smooth {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kSqrtHalf = 0.70710678118654752440;      // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;    // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588;   // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;

// 1 / (1 + e^-x) for any double, never overflowing.
double Logistic(double x) {
  const double e = std::exp(-std::fabs(x));
  return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}
// sigmoid(x) (1 - sigmoid(x)) = e / (1 + e)^2 with e = e^-|x|: no cancellation.
double LogisticSlope(double x) {
  const double e = std::exp(-std::fabs(x));
  return e / ((1.0 + e) * (1.0 + e));
}
// log(1 + e^x) for any double: x + log1p(e^-x) above 0 keeps e^x from overflowing.
double Softplus1(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

// --- gelu ------------------------------------------------------------------
// erf form: x Phi(x) = x erfc(-x / sqrt 2) / 2 -- erfc keeps the left tail
// (x < -5) accurate where 1 + erf(x / sqrt 2) would cancel to 0.
// tanh form: x (1 + tanh u) / 2 = x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3),
// again without the cancelling 1 + tanh. In double, x^3 cannot overflow for a float x.
double GeluTanhArgument(double x) { return kSqrt2OverPi * (x + kGeluCubic * x * x * x); }

float GeluForward(float x, const KernelArgs& a) {
  if (std::isinf(x)) return x > 0 ? x : 0.0f;
  const double v = x;
  if (a.param[0] == 0) return static_cast<float>(0.5 * v * std::erfc(-v * kSqrtHalf));
  return static_cast<float>(v * Logistic(2.0 * GeluTanhArgument(v)));
}
float GeluDerivative(float x, const KernelArgs& a) {
  if (std::isinf(x)) return x > 0 ? 1.0f : 0.0f;
  const double v = x;
  if (a.param[0] == 0) {
    return static_cast<float>(0.5 * std::erfc(-v * kSqrtHalf) + v * kInvSqrt2Pi * std::exp(-0.5 * v * v));
  }
  // d/dx x sigmoid(2u) = sigmoid(2u) + 2 x u' sigmoid'(2u).
  const double u = GeluTanhArgument(v);
  const double du = kSqrt2OverPi * (1.0 + 3.0 * kGeluCubic * v * v);
  return static_cast<float>(Logistic(2.0 * u) + 2.0 * v * du * LogisticSlope(2.0 * u));
}

std::string CheckGelu(const KernelArgs& a) {
  if (a.param[0] == 0 || a.param[0] == 1) return "";
  return "approximate: value " + FormatNumber(a.param[0]) +
         " is not allowed; valid values: 0 (erf form) or 1 (tanh form)";
}

// --- silu: x sigmoid(x) ----------------------------------------------------
float SiluForward(float x, const KernelArgs&) {
  if (std::isinf(x)) return x > 0 ? x : 0.0f;
  return static_cast<float>(static_cast<double>(x) * Logistic(x));
}
// sigmoid(x) (1 + x (1 - sigmoid(x))), with 1 - sigmoid(x) = sigmoid(-x).
float SiluDerivative(float x, const KernelArgs&) {
  if (std::isinf(x)) return x > 0 ? 1.0f : 0.0f;
  const double v = x;
  return static_cast<float>(Logistic(v) * (1.0 + v * Logistic(-v)));
}

// --- mish: x tanh(softplus(x)) ---------------------------------------------
// With e = e^x and n = e (e + 2): tanh(log(1 + e)) = n / (n + 2), exact
// algebra without cancellation; above 40, tanh(softplus(x)) is 1 in double.
constexpr double kMishLinear = 40.0;
float MishForward(float x, const KernelArgs&) {
  if (std::isnan(x) || x > kMishLinear) return x;
  if (x == -kInf) return 0.0f;
  const double v = x;
  const double e = std::exp(v);
  const double n = e * (e + 2.0);
  return static_cast<float>(v * n / (n + 2.0));
}
// tanh(sp) + x sech^2(sp) sigmoid(x) = n / (n + 2) + 4 x e (1 + e) / (n + 2)^2.
float MishDerivative(float x, const KernelArgs&) {
  if (std::isnan(x)) return x;
  if (x > kMishLinear) return 1.0f;
  if (x == -kInf) return 0.0f;
  const double v = x;
  const double e = std::exp(v);
  const double n = e * (e + 2.0);
  return static_cast<float>(n / (n + 2.0) + 4.0 * v * e * (1.0 + e) / ((n + 2.0) * (n + 2.0)));
}

// --- softplus: log(1 + e^(beta x)) / beta, x where beta x > threshold -------
float SoftplusForward(float x, const KernelArgs& a) {
  const double beta = a.param[0];
  const double bx = beta * static_cast<double>(x);
  if (bx > a.param[1]) return x;
  return static_cast<float>(Softplus1(bx) / beta);
}
float SoftplusDerivative(float x, const KernelArgs& a) {
  const double bx = a.param[0] * static_cast<double>(x);
  if (bx > a.param[1]) return 1.0f;
  return static_cast<float>(Logistic(bx));
}

// --- logsigmoid: log(sigmoid(x)) = -softplus(-x) ---------------------------
float LogsigmoidForward(float x, const KernelArgs&) { return static_cast<float>(-Softplus1(-static_cast<double>(x))); }
float LogsigmoidDerivative(float x, const KernelArgs&) { return static_cast<float>(Logistic(-static_cast<double>(x))); }

// --- tanhshrink: x - tanh(x) -----------------------------------------------
// Below 0.1 the subtraction would cancel ~x^2/3 of the bits; the Taylor series
// x^3/3 - 2x^5/15 + 17x^7/315 - 62x^9/2835 is accurate to 3e-10 relative there.
float TanhshrinkForward(float x, const KernelArgs&) {
  const double v = x;
  if (std::fabs(v) < 0.1) {
    const double v2 = v * v;
    return static_cast<float>(v * v2 * (1.0 / 3 + v2 * (-2.0 / 15 + v2 * (17.0 / 315 + v2 * (-62.0 / 2835)))));
  }
  return static_cast<float>(v - std::tanh(v));
}
float TanhshrinkDerivative(float x, const KernelArgs&) {
  const double t = std::tanh(static_cast<double>(x));
  return static_cast<float>(t * t);
}

// --- softsign: x / (1 + |x|) -----------------------------------------------
float SoftsignForward(float x, const KernelArgs&) {
  if (std::isinf(x)) return x > 0 ? 1.0f : -1.0f;
  const double v = x;
  return static_cast<float>(v / (1.0 + std::fabs(v)));
}
// In double, (1 + |x|)^2 cannot overflow for a float x (PyTorch's float form does).
float SoftsignDerivative(float x, const KernelArgs&) {
  const double d = 1.0 + std::fabs(static_cast<double>(x));
  return static_cast<float>(1.0 / (d * d));
}

Activation Gelu() {
  Activation a;
  a.name = "gelu";
  a.description = "Gaussian error linear unit; approximate = 1 selects PyTorch's tanh approximation.";
  a.formula = "x * Phi(x) = x / 2 * erfc(-x / sqrt(2)); approximate = 1: x / 2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))";
  a.derivative_formula = "Phi(x) + x * phi(x); approximate = 1: derivative of the tanh form";
  a.params = {{"approximate", 0.0, 0.0, 1.0, true, true, false, "0: exact erf form, 1: tanh approximation", {}}};
  a.check_params = &CheckGelu;
  a.reference = ElementwiseKernels<GeluForward, GeluDerivative>();
  a.fast = simd::Gelu();
  a.cost = Cost::kHeavy;
  a.float64 = simd::Gelu64();
  return a;
}

Activation Silu() {
  Activation a;
  a.name = "silu";
  a.aliases = {"swish"};
  a.description = "Sigmoid linear unit (swish).";
  a.formula = "x * sigmoid(x)";
  a.derivative_formula = "sigmoid(x) * (1 + x * (1 - sigmoid(x)))";
  a.reference = ElementwiseKernels<SiluForward, SiluDerivative>();
  a.fast = simd::Silu();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Silu64();
  return a;
}

Activation Mish() {
  Activation a;
  a.name = "mish";
  a.description = "Mish: self-regularized non-monotonic activation.";
  a.formula = "x * tanh(softplus(x))";
  a.derivative_formula = "tanh(softplus(x)) + x * sigmoid(x) * (1 - tanh(softplus(x))^2)";
  a.reference = ElementwiseKernels<MishForward, MishDerivative>();
  a.fast = simd::Mish();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Mish64();
  return a;
}

Activation Softplus() {
  Activation a;
  a.name = "softplus";
  a.description = "Smooth approximation of relu; linear where beta * x > threshold.";
  a.formula = "log(1 + exp(beta * x)) / beta, or x where beta * x > threshold";
  a.derivative_formula = "sigmoid(beta * x), or 1 where beta * x > threshold";
  a.params = {{"beta", 1.0, 0.0, kInf, false, true, false, "sharpness", {}},
              {"threshold", 20.0, -kInf, kInf, true, true, false, "linear above beta * x > threshold", {}}};
  a.reference = ElementwiseKernels<SoftplusForward, SoftplusDerivative>();
  a.fast = simd::Softplus();
  a.cost = Cost::kHeavy;
  a.float64 = simd::Softplus64();
  return a;
}

Activation Softsign() {
  Activation a;
  a.name = "softsign";
  a.description = "Rational sigmoid-like gate.";
  a.formula = "x / (1 + |x|)";
  a.derivative_formula = "1 / (1 + |x|)^2";
  a.reference = ElementwiseKernels<SoftsignForward, SoftsignDerivative>();
  a.fast = simd::Softsign();
  a.cost = Cost::kTranscendental;
  a.float64 = simd::Softsign64();
  return a;
}

Activation Logsigmoid() {
  Activation a;
  a.name = "logsigmoid";
  a.description = "Logarithm of the logistic sigmoid.";
  a.formula = "log(sigmoid(x)) = -softplus(-x)";
  a.derivative_formula = "1 - sigmoid(x) = sigmoid(-x)";
  a.reference = ElementwiseKernels<LogsigmoidForward, LogsigmoidDerivative>();
  a.fast = simd::Logsigmoid();
  a.cost = Cost::kHeavy;
  a.float64 = simd::Logsigmoid64();
  return a;
}

Activation Tanhshrink() {
  Activation a;
  a.name = "tanhshrink";
  a.description = "x minus its tanh.";
  a.formula = "x - tanh(x)";
  a.derivative_formula = "tanh(x)^2";
  a.reference = ElementwiseKernels<TanhshrinkForward, TanhshrinkDerivative>();
  a.fast = simd::Tanhshrink();
  a.cost = Cost::kHeavy;
  a.float64 = simd::Tanhshrink64();
  return a;
}

}  // namespace

std::vector<Activation> Entries() {
  return {Gelu(), Silu(), Mish(), Softplus(), Softsign(), Logsigmoid(), Tanhshrink()};
}

}  // namespace activation::smooth
