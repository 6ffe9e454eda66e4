// Building blocks of the logistic family's kernels (lanes: every Highway
// target), on ExpMinusAbs (exp-inl.h):
//   Logistic<kDegree>: 1/(1+e^-x), float or double lanes (float kernels take
//     degree 4);
//   LogisticSlope, LogisticSlopeFloat: its slope without cancellation in the
//     tails, in double and in float lanes;
//   Log1pUnit(e), e in [0, 1]: log1p(e) within 1 ULP, no division, float
//     lanes (degree-10 polynomial after an exact reduction,
//     fit/log1p_reduced.py);
//   Softplus1, Softplus1Float: log(1 + e^x) without overflow, in double and
//     in float lanes.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#endif

#include "compute/simd/divide-inl.h"
#include "compute/simd/exp-inl.h"
#include "compute/simd/math-inl.h"  // OnePlusSquared, Polynomial
#include "hwy/contrib/math/math-inl.h"  // Log1p
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

// Q of log1p(u) = u Q(u) on [-0.25, 0.5]: fit/log1p_reduced.py 10
// (relative error 0.12 x 2^-24 before rounding).
constexpr float kLog1pReduced[] = {1.0f,
                                   -0.4999999701976776f,
                                   0.33333349227905273f,
                                   -0.25000306963920593f,
                                   0.19999298453330994f,
                                   -0.1665157675743103f,
                                   0.1427767276763916f,
                                   -0.12765884399414062f,
                                   0.11728793382644653f,
                                   -0.09004595130681992f,
                                   0.03628786653280258f};

// log1p(e) for e in [0, 1], without a division: u Q(u) with u = e below
// 0.5, else ln 2 + u Q(u) with u = (e - 1) / 2 (exact: Sterbenz).
template <class D, class V>
HWY_INLINE V Log1pUnit(D d, V e) {
  const auto upper = hn::Ge(e, hn::Set(d, 0.5f));
  const V u = hn::IfThenElse(upper, hn::Mul(hn::Sub(e, hn::Set(d, 1.0f)), hn::Set(d, 0.5f)), e);
  const V q = Polynomial(d, u, kLog1pReduced);
  const V ln2_hi = hn::IfThenElseZero(upper, hn::Set(d, 0.6931471824645996f));
  const V ln2_lo = hn::IfThenElseZero(upper, hn::Set(d, -1.9046542121259336e-09f));
  return hn::Add(hn::MulAdd(u, q, ln2_lo), ln2_hi);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): Highway's Log1p in double
// lanes, Log1pUnit in float lanes.
template <class D, class V>
HWY_INLINE V Softplus1(D d, V x) {
  const V positive = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), x);
  return hn::Add(positive, hn::Log1p(d, ExpMinusAbs(d, x)));
}

template <class D, class V>
HWY_INLINE V Softplus1Float(D d, V x) {
  const V positive = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), x);
  return hn::Add(positive, Log1pUnit(d, ExpMinusAbs<4>(d, x)));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
