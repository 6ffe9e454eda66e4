// Building blocks of the logistic family's kernels (lanes: every Highway
// target), on ExpMinusAbs (exp-inl.h):
//   Logistic<kDegree>: 1/(1+e^-x), float or double lanes (float kernels take
//     degree 4);
//   LogisticSlope, LogisticSlopeFloat: its slope without cancellation in the
//     tails, in double and in float lanes;
//   Softplus1, Softplus1Float: log(1 + e^x) without overflow, in double and
//     in float lanes, on Log1pUnit (log1p-inl.h).
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#endif

#include "compute/simd/divide-inl.h"
#include "compute/simd/exp-inl.h"
#include "compute/simd/log1p-inl.h"
#include "compute/simd/math-inl.h"  // OnePlusSquared
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// (1 + e)^2 = square + square_lo for e in [0, 1], as a float pair: the
// rounding error of 1 + e (exact by Fast2Sum, 1 >= e) and of the square
// go into square_lo.
template <class D, class V>
HWY_INLINE void OnePlusSquaredPair(D d, V e, V* square, V* square_lo) {
  const V one = hn::Set(d, 1.0f);
  const V p = hn::Add(one, e);
  const V p_error = hn::Sub(e, hn::Sub(p, one));
  *square = hn::Mul(p, p);
  *square_lo = hn::MulAdd(hn::Add(p, p), p_error, hn::MulSub(p, p, *square));
}

// 1 / (1 + e^-x) = (x >= 0 ? 1 : e) / (1 + e), e = e^-|x|.
template <int kDegree = 0, class D, class V>
HWY_INLINE V Logistic(D d, V x) {
  const V one = hn::Set(d, 1);
  const V e = ExpMinusAbs<kDegree>(d, x);
  return hn::Div(hn::IfThenElse(hn::Ge(x, hn::Zero(d)), one, e), hn::Add(one, e));
}

// sigmoid(x) (1 - sigmoid(x)) = e / (1 + e)^2: full relative accuracy in
// the tails. In double lanes one division is enough for a float result.
template <class D, class V>
HWY_INLINE V LogisticSlope(D d, V x) {
  const V e = ExpMinusAbs(d, x);
  return hn::Div(e, OnePlusSquared(d, e));
}

// The same in float lanes: the square carried as a float pair.
template <class D, class V>
HWY_INLINE V LogisticSlopeFloat(D d, V x) {
  const V e = ExpMinusAbs<4>(d, x);
  V square, square_lo;
  OnePlusSquaredPair(d, e, &square, &square_lo);
  return DivideDoubleFloat(d, e, hn::Zero(d), square, square_lo);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
template <class D, class V>
HWY_INLINE V Softplus1(D d, V x) {
  const V positive = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), x);
  return hn::Add(positive, Log1pUnit(d, ExpMinusAbs(d, x)));
}

template <class D, class V>
HWY_INLINE V Softplus1Float(D d, V x) {
  const V positive = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), x);
  return hn::Add(positive, Log1pUnit(d, ExpMinusAbs<4>(d, x)));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
