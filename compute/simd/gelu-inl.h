// Float building blocks of gelu's vector kernels (compute/simd/gelu.cc) on
// t in [0, 13]: ExpMinusHalfSquare within 1 float ULP, MillsRatio and
// MillsSlope within 3 (as the caller combines their parts); tested alone in
// tests/compute/primitives_simd_test.cc. Fitted coefficients from
// compute/simd/fit/gelu.py (its output is pasted below unchanged). Lanes:
// float vectors on targets with a fused multiply-add (HWY_NATIVE_FMA): the
// error-free products below rely on it. Per-target include: see map-inl.h.
#if defined(ACTIVATION_COMPUTE_SIMD_GELU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_GELU_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_GELU_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_GELU_INL_H_
#endif

#include <cstddef>

#include "compute/simd/exp-inl.h"
#include "compute/simd/math-inl.h"  // Polynomial, TwoSum
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace gelu_fit {
// fit/gelu.py output:
// kMillsPoly: degree 10 on [-1.0, 0.555556], relative error 1.82e-8 (float coefficients)
constexpr float kMillsPoly[11] = {7.552851439e-01f, -6.078966260e-01f, 3.871368468e-01f, -1.865221858e-01f, 6.040268391e-02f, -7.536598016e-03f, -3.506551264e-03f, 1.611061161e-03f, 1.826078515e-04f, -1.852550195e-04f, -3.033133908e-05f};
constexpr float kMillsSlopeRootHi = 7.517915368e-01f, kMillsSlopeRootLo = -1.211444989e-08f;  // 0.75179152469356445746
// kMillsSlopeFactor: degree 8 on [-1.0, 0.555556], relative error 1.87e-8 (float coefficients)
constexpr float kMillsSlopeFactor[9] = {4.622112513e-01f, -1.033659503e-01f, 6.046255305e-02f, -2.808215283e-02f, 9.509634227e-03f, -1.794229611e-03f, -1.761893072e-04f, 1.887950784e-04f, 1.719994179e-05f};
constexpr float kGeluTanhC1Hi = 1.595769167e+00f, kGeluTanhC1Lo = -4.534068054e-08f;
constexpr float kGeluTanhC3Hi = 7.135481387e-02f, kGeluTanhC3Lo = 2.398832466e-09f;
}  // namespace gelu_fit

// e^(-t^2 / 2) for |t| <= 13 as 2^k (1 + m) (ReduceExp), so the caller
// folds 1 + m into its last fma instead of rounding it. A rounded t^2 would
// be off by up to 5e-6 at t = 13 (80 ULP of the result), so -t^2 / 2 = h +
// l exactly: h = t (-t / 2) rounded, l its error (fma; -t / 2 is exact).
template <class D, class V>
HWY_INLINE ReducedExp<V> ExpMinusHalfSquare(D d, V t) {
  const V minus_half_t = hn::Mul(hn::Set(d, -0.5f), t);
  const V h = hn::Mul(t, minus_half_t);
  return ReduceExp<5>(d, h, hn::MulSub(t, minus_half_t, h));
}

// For t in [0, 13]: r, an estimate of 1 / (t + 4) (the hardware's 12- or
// 14-bit reciprocal, no division); `residual`, the factor that corrects it:
// 1 / (t + 4) = r (1 + residual) to ~2^-36, from rho = 1 - r (t + 4) (t + 4
// carried as its rounded sum + exact error) and residual = rho + rho^2; and
// s = (t - 4) / (t + 4) = 1 - 8 / (t + 4), the argument of the fitted
// polynomials in t.
template <class V>
struct MillsArgument {
  V r, residual, s;
};
template <class D, class V>
HWY_INLINE MillsArgument<V> ReduceMills(D d, V t) {
  const V one = hn::Set(d, 1.0f);
  const V four = hn::Set(d, 4.0f);
  const V eight = hn::Set(d, 8.0f);
  const V sum = hn::Add(t, four);
  const V sum_error = hn::Sub(t, hn::Sub(sum, four));  // exact: t + 4 = sum + sum_error
  MillsArgument<V> a;
  a.r = hn::ApproximateReciprocal(sum);
  const V rho = hn::NegMulAdd(a.r, sum_error, hn::NegMulAdd(a.r, sum, one));
  a.residual = hn::MulAdd(rho, rho, rho);
  a.s = hn::NegMulAdd(hn::Mul(eight, a.r), a.residual, hn::NegMulAdd(eight, a.r, one));
  return a;
}

// Mills ratio Phi(-t) e^(t^2 / 2) for t in [0, 13] as G(s) / (t + 4)
// (kMillsPoly): returns r G(s), and the caller folds 1 + residual into its
// own fma. (Phi(-t)'s relative error is 3 times that of 1 / (t + 4) near t
// = 0, so none of it may be lost.)
template <class D, class V>
HWY_INLINE V MillsRatio(D d, V t, V& residual) {
  const MillsArgument<V> a = ReduceMills(d, t);
  residual = a.residual;
  return hn::Mul(a.r, Polynomial(d, a.s, gelu_fit::kMillsPoly));
}

// H(t) = Mills(t) - t / sqrt(2 pi) for t in [0, 13] (gelu's erf-form slope
// is e^(-t^2/2) H(|x|) below 0, 1 - that above) as (t_r - t) J(s) with its
// root t_r in two floats and J fitted (kMillsSlopeFactor): H keeps its
// relative accuracy through the root, where Mills(t) and the line cancel.
// H = returned + lo exactly (the product's rounding error).
template <class D, class V>
HWY_INLINE V MillsSlope(D d, V t, V& lo) {
  using namespace gelu_fit;
  const V from_root = hn::Add(hn::Sub(hn::Set(d, kMillsSlopeRootHi), t), hn::Set(d, kMillsSlopeRootLo));
  const V factor = Polynomial(d, ReduceMills(d, t).s, kMillsSlopeFactor);
  const V h = hn::Mul(from_root, factor);
  lo = hn::MulSub(from_root, factor, h);
  return h;
}

// a = 2u = C1 x + C3 x^3 (the tanh form's argument, u = sqrt(2/pi) (x +
// 0.044715 x^3)) as hi + lo with |lo| <~ ulp(hi), for |x| <= 10: e^-|a|
// needs a to ~1e-7 absolute where |a| reaches 87, beyond a rounded float.
template <class D, class V>
HWY_INLINE void TanhFormArgument(D d, V x, V& hi, V& lo) {
  using namespace gelu_fit;
  const V x2 = hn::Mul(x, x);
  const V x2_lo = hn::MulSub(x, x, x2);
  const V x3 = hn::Mul(x, x2);
  const V x3_lo = hn::MulAdd(x, x2_lo, hn::MulSub(x, x2, x3));
  const V c1 = hn::Set(d, kGeluTanhC1Hi);
  const V c3 = hn::Set(d, kGeluTanhC3Hi);
  const V p = hn::Mul(c1, x);
  const V p_lo = hn::MulAdd(hn::Set(d, kGeluTanhC1Lo), x, hn::MulSub(c1, x, p));
  const V q = hn::Mul(c3, x3);
  const V q_lo = hn::MulAdd(hn::Set(d, kGeluTanhC3Lo), x3, hn::MulAdd(c3, x3_lo, hn::MulSub(c3, x3, q)));
  V error;
  hi = TwoSum(p, q, error);
  lo = hn::Add(error, hn::Add(p_lo, q_lo));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_GELU_INL_H_
