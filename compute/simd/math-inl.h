// Double-precision building blocks shared by the smooth activations'
// vector kernels (lanes: every Highway target; double vectors). Each keeps
// the form the scalar references use, so the float results match them:
//   Logistic, LogisticSlope: 1/(1+e^-x) and its slope without cancellation;
//   Softplus1: log(1 + e^x) without overflow;
//   ExpAll, Expm1All: Highway's Exp/Expm1 (1 and 4 ULP in double, valid to
//   +706) extended to any argument: +inf beyond 709;
//   MulByConstant: v times a double constant, rounded about once.
//   TwoSum: a + b = sum + error exactly;
//   Polynomial: c[0] + c[1] u + ... by Horner's rule.
// All but ExpAll/Expm1All also serve float vectors. For the float64 kernels
// (double lanes only):
//   TwoProduct: a b = product + error exactly, with or without a hardware fma;
//   ExpTimes: factor e^(hi + lo) for a tiny lo, keeping full precision where
//   e^hi alone would be subnormal but the product is not.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
#endif

#include <cstddef>
#include <limits>

#include "compute/simd/params.h"
#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D, class V>
HWY_INLINE V ExpAll(D d, V a) {
  const V inf = hn::Set(d, std::numeric_limits<double>::infinity());
  return hn::IfThenElse(hn::Gt(a, hn::Set(d, 709.0)), inf, hn::Exp(d, a));
}

template <class D, class V>
HWY_INLINE V Expm1All(D d, V a) {
  const V inf = hn::Set(d, std::numeric_limits<double>::infinity());
  return hn::IfThenElse(hn::Gt(a, hn::Set(d, 709.0)), inf, hn::Expm1(d, a));
}

// e^-|x|: in (0, 1], never overflows.
template <class D, class V>
HWY_INLINE V ExpMinusAbs(D d, V x) {
  return hn::Exp(d, hn::Neg(hn::Abs(x)));
}

// 1 / (1 + e^-x) = (x >= 0 ? 1 : e) / (1 + e) with e = e^-|x|.
template <class D, class V>
HWY_INLINE V Logistic(D d, V x) {
  const V one = hn::Set(d, 1.0);
  const V e = ExpMinusAbs(d, x);
  return hn::Div(hn::IfThenElse(hn::Ge(x, hn::Zero(d)), one, e), hn::Add(one, e));
}

// (1 + e)^2 for e in [0, 1], rounded once: 1 + e loses up to half an ULP,
// which squaring would double; its exact error (Fast2Sum, 1 >= e) goes
// into the fma instead.
template <class D, class V>
HWY_INLINE V OnePlusSquared(D d, V e) {
  const V p = hn::Add(hn::Set(d, 1.0), e);
  const V p_error = hn::Sub(e, hn::Sub(p, hn::Set(d, 1.0)));
  return hn::MulAdd(p, p, hn::Mul(hn::Add(p, p), p_error));
}

// sigmoid(x) (1 - sigmoid(x)) = e / (1 + e)^2: full relative accuracy in the tails.
template <class D, class V>
HWY_INLINE V LogisticSlope(D d, V x) {
  const V e = ExpMinusAbs(d, x);
  return hn::Div(e, OnePlusSquared(d, e));
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
template <class D, class V>
HWY_INLINE V Softplus1(D d, V x) {
  const V positive = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), x);
  return hn::Add(positive, hn::Log1p(d, ExpMinusAbs(d, x)));
}

// v * c rounded about once for a double constant c split by SplitConstant
// (params.h); +-inf times c stays +-inf (the lo term would add inf - inf).
template <class D, class V>
HWY_INLINE V MulByConstant(D d, V v, const SplitConstant& c) {
  const V lo = hn::Mul(hn::IfThenZeroElse(hn::IsInf(v), v), hn::Set(d, c.lo));
  return hn::Mul(hn::MulAdd(v, hn::Set(d, c.hi), lo), hn::Set(d, c.scale));
}

// c[0] + c[1] u + ... + c[N-1] u^(N-1) by Horner's rule; c float or double.
template <class D, class V, class T, std::size_t N>
HWY_INLINE V Polynomial(D d, V u, const T (&c)[N]) {
  V p = hn::Set(d, c[N - 1]);
  for (std::size_t i = N - 1; i-- > 0;) p = hn::MulAdd(p, u, hn::Set(d, c[i]));
  return p;
}

// a + b rounded, and its rounding error exactly in `error` (Knuth's TwoSum).
template <class V>
HWY_INLINE V TwoSum(V a, V b, V& error) {
  const V sum = hn::Add(a, b);
  const V b_part = hn::Sub(sum, a);
  error = hn::Add(hn::Sub(a, hn::Sub(sum, b_part)), hn::Sub(b, b_part));
  return sum;
}

// a b rounded, and its rounding error exactly in `error` (no overflow or
// underflow assumed): one fma where the target fuses it, else Dekker's
// product on halves split by Veltkamp (2^27 + 1).
template <class D, class V>
HWY_INLINE V TwoProduct(D d, V a, V b, V& error) {
  const V p = hn::Mul(a, b);
#if HWY_NATIVE_FMA
  (void)d;
  error = hn::MulSub(a, b, p);
#else
  const V splitter = hn::Set(d, 134217729.0);
  const auto halves = [&](V v, V& high, V& low) {
    const V scaled = hn::Mul(v, splitter);
    high = hn::Sub(scaled, hn::Sub(scaled, v));
    low = hn::Sub(v, high);
  };
  V a_hi, a_lo, b_hi, b_lo;
  halves(a, a_hi, a_lo);
  halves(b, b_hi, b_lo);
  error = hn::Sub(hn::Mul(a_hi, b_hi), p);
  error = hn::Add(error, hn::Mul(a_hi, b_lo));
  error = hn::Add(error, hn::Mul(a_lo, b_hi));
  error = hn::Add(error, hn::Mul(a_lo, b_lo));
#endif
  return p;
}

// factor e^(hi + lo) = factor e^hi (1 + lo) for |lo| <= ulp(hi), double lanes.
// Below hi = -600 the exp takes hi + 64 (exact: 64 is a multiple of ulp(hi)
// and the sum is smaller) and the product is scaled back by e^-64 last, so a
// result above DBL_MIN keeps its precision where e^hi would be subnormal.
// hi = -inf gives 0 (for a finite factor).
constexpr double kExpMinus64 = 1.603810890548638e-28;  // fit/float64.py
template <class D, class V>
HWY_INLINE V ExpTimes(D d, V hi, V lo, V factor) {
  const auto tiny = hn::Lt(hi, hn::Set(d, -600.0));
  const V e = hn::Exp(d, hn::Add(hi, hn::IfThenElseZero(tiny, hn::Set(d, 64.0))));
  const V body = hn::Mul(hn::MulAdd(e, hn::IfThenZeroElse(hn::Eq(e, hn::Zero(d)), lo), e), factor);
  return hn::IfThenElse(tiny, hn::Mul(body, hn::Set(d, kExpMinus64)), body);
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
