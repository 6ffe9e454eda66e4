#include "tests/compute/reference.h"

#include <cmath>
#include <limits>

namespace activation::accuracy {
namespace {

using std::abs;
using std::cosh;
using std::erfc;
using std::exp;
using std::expm1;
using std::log1p;
using std::tanh;

// 1 / (1 + e^-x) without overflow for either sign.
template <class T>
T Logistic(T x) {
  return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
}

std::vector<double> NoKinks(const double*) { return {}; }
std::vector<double> KinkAtZero(const double*) { return {0.0}; }

struct Step {
  template <class T> static T F(T x, const double* p) { return x > T(p[0]) ? 1 : 0; }
  template <class T> static T D(T, const double*) { return 0; }
  static std::vector<double> Kinks(const double* p) { return {p[0]}; }
};
struct Sigmoid {
  template <class T> static T F(T x, const double*) { return Logistic(x); }
  template <class T> static T D(T x, const double*) { return Logistic(x) * Logistic(-x); }
};
struct Tanh {
  template <class T> static T F(T x, const double*) { return tanh(x); }
  template <class T> static T D(T x, const double*) {
    const T c = cosh(x);
    return 1 / (c * c);
  }
};
struct Relu {
  template <class T> static T F(T x, const double*) { return x > 0 ? x : 0; }
  template <class T> static T D(T x, const double*) { return x > 0 ? 1 : 0; }
};
struct LeakyRelu {  // also prelu: one shared weight
  template <class T> static T F(T x, const double* p) { return x > 0 ? x : T(p[0]) * x; }
  template <class T> static T D(T x, const double* p) { return x > 0 ? T(1) : T(p[0]); }
};
struct Elu {
  template <class T> static T F(T x, const double* p) { return x > 0 ? x : T(p[0]) * expm1(x); }
  template <class T> static T D(T x, const double* p) { return x > 0 ? T(1) : T(p[0]) * exp(x); }
};
constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
constexpr long double kSeluScale = 1.0507009873554804934193349852946L;
struct Selu {
  template <class T> static T F(T x, const double*) {
    return T(kSeluScale) * (x > 0 ? x : T(kSeluAlpha) * expm1(x));
  }
  template <class T> static T D(T x, const double*) {
    return T(kSeluScale) * (x > 0 ? T(1) : T(kSeluAlpha) * exp(x));
  }
};
struct Celu {
  template <class T> static T F(T x, const double* p) {
    const T a = p[0];
    return x > 0 ? x : a * expm1(x / a);
  }
  template <class T> static T D(T x, const double* p) { return x > 0 ? T(1) : exp(x / T(p[0])); }
};
constexpr long double kSqrt2 = 1.41421356237309504880168872420969808L;
constexpr long double kSqrt2Pi = 2.50662827463100050241576528481104525L;    // sqrt(2 pi)
constexpr long double kSqrt2OverPi = 0.79788456080286535587989211986876373L;  // sqrt(2 / pi)
struct Gelu {
  // approximate 0: x Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2.
  // approximate 1: x (1 + tanh u) / 2 = x / (1 + e^(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3).
  template <class T> static T U(T x) { return T(kSqrt2OverPi) * (x + T(0.044715L) * x * x * x); }
  template <class T> static T F(T x, const double* p) {
    if (p[0] == 0) return x * erfc(-x / T(kSqrt2)) / 2;
    return x * Logistic(2 * U(x));
  }
  template <class T> static T D(T x, const double* p) {
    if (p[0] == 0) return erfc(-x / T(kSqrt2)) / 2 + x * exp(-x * x / 2) / T(kSqrt2Pi);
    const T u = U(x);
    const T du = T(kSqrt2OverPi) * (1 + 3 * T(0.044715L) * x * x);
    const T c = cosh(u);
    return Logistic(2 * u) + x * du / (2 * c * c);
  }
};
struct Silu {
  template <class T> static T F(T x, const double*) { return x * Logistic(x); }
  template <class T> static T D(T x, const double*) { return Logistic(x) * (1 + x * Logistic(-x)); }
};
template <class T>
T Softplus1(T x) {  // log(1 + e^x), stable for both signs
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}
struct Mish {
  template <class T> static T F(T x, const double*) { return x * tanh(Softplus1(x)); }
  template <class T> static T D(T x, const double*) {
    const T sp = Softplus1(x);
    const T c = cosh(sp);
    return tanh(sp) + x * Logistic(x) / (c * c);
  }
};
struct Softplus {  // p = {beta, threshold}
  template <class T> static T F(T x, const double* p) {
    const T bx = T(p[0]) * x;
    return bx > T(p[1]) ? x : Softplus1(bx) / T(p[0]);
  }
  template <class T> static T D(T x, const double* p) {
    const T bx = T(p[0]) * x;
    return bx > T(p[1]) ? T(1) : Logistic(bx);
  }
  static std::vector<double> Kinks(const double* p) { return {p[1] / p[0]}; }
};
struct Softsign {
  template <class T> static T F(T x, const double*) { return x / (1 + abs(x)); }
  template <class T> static T D(T x, const double*) { return 1 / ((1 + abs(x)) * (1 + abs(x))); }
};
struct Hardtanh {  // p = {min_val, max_val}; derivative 0 at both boundaries
  template <class T> static T F(T x, const double* p) {
    return x < T(p[0]) ? T(p[0]) : (x > T(p[1]) ? T(p[1]) : x);
  }
  template <class T> static T D(T x, const double* p) { return x > T(p[0]) && x < T(p[1]) ? 1 : 0; }
  static std::vector<double> Kinks(const double* p) { return {p[0], p[1]}; }
};
struct Relu6 {
  template <class T> static T F(T x, const double*) { return x < 0 ? 0 : (x > 6 ? 6 : x); }
  template <class T> static T D(T x, const double*) { return x > 0 && x < 6 ? 1 : 0; }
  static std::vector<double> Kinks(const double*) { return {0.0, 6.0}; }
};
struct Hardsigmoid {
  template <class T> static T F(T x, const double*) { return x <= -3 ? 0 : (x >= 3 ? 1 : x / 6 + T(0.5)); }
  template <class T> static T D(T x, const double*) { return x > -3 && x < 3 ? T(1) / 6 : T(0); }
  static std::vector<double> Kinks(const double*) { return {-3.0, 3.0}; }
};
struct Hardswish {  // derivative as PyTorch's CPU kernel: x/3 + 1/2 on [-3, 3]
  template <class T> static T F(T x, const double*) { return x <= -3 ? 0 : (x >= 3 ? x : x * (x + 3) / 6); }
  template <class T> static T D(T x, const double*) {
    return x < -3 ? T(0) : (x <= 3 ? x / 3 + T(0.5) : T(1));
  }
  static std::vector<double> Kinks(const double*) { return {-3.0, 3.0, -1.5}; }
};
struct Logsigmoid {
  template <class T> static T F(T x, const double*) { return -Softplus1(-x); }
  template <class T> static T D(T x, const double*) { return Logistic(-x); }
};
struct Tanhshrink {
  template <class T> static T F(T x, const double*) {
    if (abs(x) < T(0.01)) {  // x - tanh x cancels: Taylor series
      const T x2 = x * x;
      return x * x2 * (T(1) / 3 + x2 * (T(-2) / 15 + x2 * (T(17) / 315 + x2 * (T(-62) / 2835))));
    }
    return x - tanh(x);
  }
  template <class T> static T D(T x, const double*) { return tanh(x) * tanh(x); }
};
struct Softshrink {
  template <class T> static T F(T x, const double* p) {
    const T l = p[0];
    return x > l ? x - l : (x < -l ? x + l : T(0));
  }
  template <class T> static T D(T x, const double* p) { return abs(x) > T(p[0]) ? 1 : 0; }
  static std::vector<double> Kinks(const double* p) { return {p[0], -p[0]}; }
};
struct Hardshrink {
  template <class T> static T F(T x, const double* p) { return abs(x) > T(p[0]) ? x : T(0); }
  template <class T> static T D(T x, const double* p) { return abs(x) > T(p[0]) ? 1 : 0; }
  static std::vector<double> Kinks(const double* p) { return {p[0], -p[0]}; }
};
struct Threshold {  // p = {threshold, value}
  template <class T> static T F(T x, const double* p) { return x > T(p[0]) ? x : T(p[1]); }
  template <class T> static T D(T x, const double* p) { return x > T(p[0]) ? 1 : 0; }
  static std::vector<double> Kinks(const double* p) { return {p[0]}; }
};

template <class Fn>
ReferenceFunction Make(std::string_view name, std::vector<std::string_view> param_names,
                       std::vector<std::vector<double>> param_sets,
                       std::vector<double> (*kinks)(const double*)) {
  if (param_sets.empty()) param_sets = {{}};
  return ReferenceFunction{name,
                           std::move(param_names),
                           std::move(param_sets),
                           &Fn::template F<long double>,
                           &Fn::template D<long double>,
                           &Fn::template F<double>,
                           &Fn::template D<double>,
                           kinks};
}

// --- softmax / log_softmax over one row ----------------------------------
// Conventions (limits): a row with NaN, with two or more +inf, or with only
// -inf is NaN throughout; a single +inf takes all the mass.
void SoftmaxRow(const float* row, std::size_t n, bool log_form, RowMode mode, long double* out) {
  constexpr long double kNaN = std::numeric_limits<long double>::quiet_NaN();
  constexpr long double kInf = std::numeric_limits<long double>::infinity();
  long double m = -kInf;
  std::size_t argmax = 0;
  std::size_t infinities = 0;
  bool nan = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(row[i])) nan = true;
    if (row[i] == std::numeric_limits<float>::infinity()) ++infinities;
    if (row[i] > m) m = row[i], argmax = i;
  }
  if (nan || infinities > 1 || m == -kInf) {
    for (std::size_t i = 0; i < n; ++i) out[i] = kNaN;
    return;
  }
  if (infinities == 1) {
    for (std::size_t i = 0; i < n; ++i) {
      const bool top = i == argmax;
      if (mode == RowMode::kJacobianDiagonal) out[i] = log_form ? (top ? 0 : 1) : 0;
      else out[i] = log_form ? (top ? 0 : -kInf) : (top ? 1 : 0);
    }
    return;
  }
  long double rest = 0;  // sum of e^(x - m) over all but the arg max, so S = 1 + rest
  for (std::size_t i = 0; i < n; ++i) {
    if (i != argmax) rest += std::exp(static_cast<long double>(row[i]) - m);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const long double d = static_cast<long double>(row[i]) - m;
    const long double s = std::exp(d) / (1 + rest);
    // 1 - s without cancellation: (S - e_i) / S.
    const long double one_minus_s = (i == argmax ? rest : 1 + rest - std::exp(d)) / (1 + rest);
    if (mode == RowMode::kForward) out[i] = log_form ? d - std::log1p(rest) : s;
    else out[i] = log_form ? one_minus_s : s * one_minus_s;
  }
}

void Softmax(const float* row, std::size_t n, RowMode mode, long double* out) {
  SoftmaxRow(row, n, false, mode, out);
}
void LogSoftmax(const float* row, std::size_t n, RowMode mode, long double* out) {
  SoftmaxRow(row, n, true, mode, out);
}
// softmax: dx_i = s_i (g_i - sum_j g_j s_j);  log_softmax: dx_i = g_i - s_i sum_j g_j.
void SoftmaxVjp(const float* row, const float* g, std::size_t n, long double* out) {
  std::vector<long double> s(n);
  Softmax(row, n, RowMode::kForward, s.data());
  long double dot = 0;
  for (std::size_t j = 0; j < n; ++j) dot += g[j] * s[j];
  for (std::size_t i = 0; i < n; ++i) out[i] = s[i] * (g[i] - dot);
}
void LogSoftmaxVjp(const float* row, const float* g, std::size_t n, long double* out) {
  std::vector<long double> s(n);
  Softmax(row, n, RowMode::kForward, s.data());
  long double sum = 0;
  for (std::size_t j = 0; j < n; ++j) sum += g[j];
  for (std::size_t i = 0; i < n; ++i) out[i] = g[i] - s[i] * sum;
}

}  // namespace

const std::vector<ReferenceFunction>& ReferenceFunctions() {
  static const std::vector<ReferenceFunction> all = {
      Make<Step>("step", {"threshold"}, {{0.0}, {1.5}, {-2.0}}, &Step::Kinks),
      Make<Sigmoid>("sigmoid", {}, {}, &NoKinks),
      Make<Tanh>("tanh", {}, {}, &NoKinks),
      Make<Relu>("relu", {}, {}, &KinkAtZero),
      Make<LeakyRelu>("leaky_relu", {"negative_slope"}, {{0.01}, {0.2}, {-0.5}}, &KinkAtZero),
      Make<Elu>("elu", {"alpha"}, {{1.0}, {0.5}, {2.5}}, &KinkAtZero),
      Make<Selu>("selu", {}, {}, &KinkAtZero),
      Make<Celu>("celu", {"alpha"}, {{1.0}, {0.5}, {3.0}, {-1.0}}, &KinkAtZero),
      Make<Gelu>("gelu", {"approximate"}, {{0.0}, {1.0}}, &NoKinks),
      Make<Silu>("silu", {}, {}, &NoKinks),
      Make<Mish>("mish", {}, {}, &NoKinks),
      Make<Softplus>("softplus", {"beta", "threshold"}, {{1.0, 20.0}, {2.0, 20.0}, {0.5, 5.0}},
                     &Softplus::Kinks),
      Make<Softsign>("softsign", {}, {}, &NoKinks),
      Make<Hardtanh>("hardtanh", {"min_val", "max_val"}, {{-1.0, 1.0}, {-2.0, 3.0}}, &Hardtanh::Kinks),
      Make<Relu6>("relu6", {}, {}, &Relu6::Kinks),
      Make<Hardsigmoid>("hardsigmoid", {}, {}, &Hardsigmoid::Kinks),
      Make<Hardswish>("hardswish", {}, {}, &Hardswish::Kinks),
      Make<Logsigmoid>("logsigmoid", {}, {}, &NoKinks),
      Make<Tanhshrink>("tanhshrink", {}, {}, &NoKinks),
      Make<Softshrink>("softshrink", {"lambd"}, {{0.5}, {0.0}, {2.0}}, &Softshrink::Kinks),
      Make<Hardshrink>("hardshrink", {"lambd"}, {{0.5}, {0.0}, {2.0}}, &Hardshrink::Kinks),
      // threshold has no defaults: both parameters are required.
      Make<Threshold>("threshold", {"threshold", "value"}, {{0.1, 20.0}, {-1.0, 0.0}}, &Threshold::Kinks),
      Make<LeakyRelu>("prelu", {"weight"}, {{0.25}, {-0.1}, {2.0}}, &KinkAtZero),
  };
  return all;
}

const std::vector<ReferenceRowFunction>& ReferenceRowFunctions() {
  static const std::vector<ReferenceRowFunction> all = {
      {"softmax", &Softmax, &SoftmaxVjp},
      {"log_softmax", &LogSoftmax, &LogSoftmaxVjp},
  };
  return all;
}

const ReferenceFunction* FindReference(std::string_view name) {
  for (const ReferenceFunction& r : ReferenceFunctions()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const ReferenceRowFunction* FindRowReference(std::string_view name) {
  for (const ReferenceRowFunction& r : ReferenceRowFunctions()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace activation::accuracy
