// Vector kernels of gelu, both forms (approximate = 0: x Phi(x) with erfc;
// 1: PyTorch's tanh approximation, written as x sigmoid(2u)), and softsign.
// Lanes: every Highway target, in double vectors with the scalar
// references' formulas (compute/smooth.cc). gelu's forward uses a Chebyshev
// erfc (2 ULP measured); its derivative SLEEF's vector erfc (u15: 1.5 double
// ULP) on SSE2/AVX2/AVX-512, std::erfc per lane on the emulated targets.
// Accuracy: <= 2 ULP. Range: all floats, limits at +-inf as the references;
// NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/gelu.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "hwy/highway.h"

#if HWY_ARCH_X86
#include <immintrin.h>
// libsleef's per-ISA erfc. sleef.h declares them only when the whole file
// is compiled for that ISA; here each Highway target enables its ISA itself.
extern "C" {
__m512d Sleef_erfcd8_u15avx512f(__m512d);
__m256d Sleef_erfcd4_u15avx2(__m256d);
__m128d Sleef_erfcd2_u15sse2(__m128d);
}
#endif

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

// erfc of every lane of a double vector.
template <class D, class V>
HWY_INLINE V Erfc(D d, V v) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (hn::MaxLanes(d) == 8) return V{Sleef_erfcd8_u15avx512f(v.raw)};
#endif
#if HWY_TARGET == HWY_AVX2
  if constexpr (hn::MaxLanes(d) == 4) return V{Sleef_erfcd4_u15avx2(v.raw)};
#endif
#if HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3
  if constexpr (hn::MaxLanes(d) == 2) return V{Sleef_erfcd2_u15sse2(v.raw)};
#endif
  alignas(HWY_MAX_BYTES) double lanes[HWY_MAX_BYTES / sizeof(double)];
  hn::Store(v, d, lanes);
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) lanes[i] = std::erfc(lanes[i]);
  return hn::Load(d, lanes);
}

// erfc(z) for z >= 0 as t e^(-z^2 + P(t)), t = 1 / (1 + z/2): the Chebyshev
// fit of Press et al., Numerical Recipes (erfcc), fractional error below
// 1.2e-7 for every z. About 2 float ULP: used only for gelu's forward
// (x Phi(x) has no cancellation); the derivative, Phi(x) + x phi(x), cancels
// near its root at -0.75 and keeps the 1.5-double-ULP erfc above.
template <class D, class V>
HWY_INLINE V ErfcChebyshev(D d, V z) {
  const V t = hn::Div(hn::Set(d, 1.0), hn::MulAdd(hn::Set(d, 0.5), z, hn::Set(d, 1.0)));
  V p = hn::Set(d, 0.17087277);
  p = hn::MulAdd(p, t, hn::Set(d, -0.82215223));
  p = hn::MulAdd(p, t, hn::Set(d, 1.48851587));
  p = hn::MulAdd(p, t, hn::Set(d, -1.13520398));
  p = hn::MulAdd(p, t, hn::Set(d, 0.27886807));
  p = hn::MulAdd(p, t, hn::Set(d, -0.18628806));
  p = hn::MulAdd(p, t, hn::Set(d, 0.09678418));
  p = hn::MulAdd(p, t, hn::Set(d, 0.37409196));
  p = hn::MulAdd(p, t, hn::Set(d, 1.00002368));
  p = hn::MulAdd(p, t, hn::Set(d, -1.26551223));
  return hn::Mul(t, hn::Exp(d, hn::Sub(p, hn::Mul(z, z))));
}

// Phi(x) = erfc(-x / sqrt 2) / 2, with erfc(-z) = 2 - erfc(z).
template <class D, class V>
HWY_INLINE V NormalCdf(D d, V x) {
  const V z = hn::Mul(hn::Abs(x), hn::Set(d, 0.70710678118654752440));
  const V upper = hn::Mul(hn::Set(d, 0.5), ErfcChebyshev(d, z));  // Phi(-|x|)
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), upper, hn::Sub(hn::Set(d, 1.0), upper));
}

constexpr double kSqrtHalf = 0.70710678118654752440;     // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;

// Limits at +-inf: f = x and 0, f' = 1 and 0 (the formulas give inf * 0 there).
template <class D, class V>
HWY_INLINE V AtInfinity(D d, V x, V body, V at_plus_inf) {
  const V limit = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), at_plus_inf);
  return hn::IfThenElse(hn::IsInf(x), limit, body);
}

struct Gelu {
  static constexpr bool kInDouble = true;
  bool tanh_form;
  explicit Gelu(const KernelArgs& a) : tanh_form(a.param[0] != 0) {}

  // u = sqrt(2/pi) (x + 0.044715 x^3); in double x^3 cannot overflow.
  template <class D, class V>
  static V TanhArgument(D d, V x) {
    return hn::Mul(hn::Set(d, kSqrt2OverPi), hn::MulAdd(hn::Mul(hn::Set(d, kGeluCubic), x), hn::Mul(x, x), x));
  }
  template <class D, class V>
  V Forward(D d, V x) const {
    V body;
    if (tanh_form) {
      body = hn::Mul(x, Logistic(d, hn::Add(TanhArgument(d, x), TanhArgument(d, x))));
    } else {
      body = hn::Mul(x, NormalCdf(d, x));
    }
    return AtInfinity(d, x, body, x);
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    V body;
    if (tanh_form) {
      // sigmoid(2u) + 2 x u' sigmoid'(2u)
      const V two_u = hn::Add(TanhArgument(d, x), TanhArgument(d, x));
      const V du = hn::Mul(hn::Set(d, kSqrt2OverPi), hn::MulAdd(hn::Set(d, 3.0 * kGeluCubic), hn::Mul(x, x), hn::Set(d, 1.0)));
      // With e = e^-|2u|, p = 1 + e: sigmoid(2u) = (2u >= 0 ? 1 : e) / p and
      // sigmoid'(2u) = e / p^2, so the sum is one division over p^2.
      const V e = ExpMinusAbs(d, two_u);
      const V p = hn::Add(hn::Set(d, 1.0), e);
      const V sigmoid_numerator = hn::IfThenElse(hn::Ge(two_u, hn::Zero(d)), hn::Set(d, 1.0), e);
      const V numerator = hn::MulAdd(hn::Mul(hn::Add(x, x), du), e, hn::Mul(sigmoid_numerator, p));
      body = hn::Div(numerator, hn::Mul(p, p));
    } else {
      // Phi(x) + x phi(x)
      const V cdf = hn::Mul(hn::Set(d, 0.5), Erfc(d, hn::Mul(hn::Neg(x), hn::Set(d, kSqrtHalf))));
      const V pdf = hn::Exp(d, hn::Mul(hn::Set(d, -0.5), hn::Mul(x, x)));
      body = hn::MulAdd(hn::Mul(x, hn::Set(d, kInvSqrt2Pi)), pdf, cdf);
    }
    return AtInfinity(d, x, body, hn::Set(d, 1.0));
  }
};

// x / (1 + |x|) (+-1 at +-inf); derivative 1 / (1 + |x|)^2, which in double
// cannot overflow for a float x.
struct Softsign {
  static constexpr bool kInDouble = true;
  explicit Softsign(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const {
    const V body = hn::Div(x, hn::Add(hn::Set(d, 1.0), hn::Abs(x)));
    return hn::IfThenElse(hn::IsInf(x), hn::CopySign(hn::Set(d, 1.0), x), body);
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V p = hn::Add(hn::Set(d, 1.0), hn::Abs(x));
    return hn::Div(hn::Set(d, 1.0), hn::Mul(p, p));
  }
};

ACTIVATION_SIMD_TARGET_KERNELS(Gelu)
ACTIVATION_SIMD_TARGET_KERNELS(Softsign)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/kernels.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Gelu)
ACTIVATION_SIMD_EXPORT_KERNELS(Softsign)
}  // namespace activation::simd
#endif  // HWY_ONCE
