// Float building blocks of the logistic family's float kernels (lanes: every
// Highway target; float vectors only), leaner than Highway's general ones
// where logistic.cc needs less:
//   ExpNonPositive(a), a <= 0: e^a within 1 ULP (degree-6 polynomial,
//     fit/exp_reduced.py); a vector with a subnormal or zero result takes
//     Highway's Exp instead. Any a > 0 or NaN: unspecified.
//   Log1pUnit(e), e in [0, 1]: log1p(e) within 1 ULP, no division
//     (degree-10 polynomial after an exact reduction, fit/log1p_reduced.py).
//   DivideDoubleFloat: (n_hi + n_lo) / (d_hi + d_lo) rounded about once.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
#endif

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Q of e^r = 1 + r + r^2 Q(r) on |r| <= ln(2)/2: fit/exp_reduced.py 4
// (relative error 0.16 x 2^-24 before rounding).
constexpr float kExpReduced[] = {0.5f, 0.16666577756404877f, 0.041666556149721146f, 0.008363173343241215f,
                                 0.0013926175888627768f};

template <class D, class V>
HWY_INLINE V ExpNonPositive(D d, V a) {
  const hn::RebindToSigned<D> di;
  // k = round(a / ln 2) lands in the low mantissa bits of `shifted`
  // (1.5 * 2^23 fixes the exponent); shifted by 23 it is k in the exponent.
  const V kRoundShift = hn::Set(d, 12582912.0f);
  const V shifted = hn::MulAdd(a, hn::Set(d, 1.44269504088896341f), kRoundShift);
  const V k = hn::Sub(shifted, kRoundShift);
  // r = a - k ln 2 in two steps (Cody-Waite): k ln2_hi is exact, |k| <= 126.
  V r = hn::MulAdd(k, hn::Set(d, -0.693145751953125f), a);
  r = hn::MulAdd(k, hn::Set(d, -1.428606765330187045e-6f), r);
  V q = hn::Set(d, kExpReduced[4]);
  q = hn::MulAdd(q, r, hn::Set(d, kExpReduced[3]));
  q = hn::MulAdd(q, r, hn::Set(d, kExpReduced[2]));
  q = hn::MulAdd(q, r, hn::Set(d, kExpReduced[1]));
  q = hn::MulAdd(q, r, hn::Set(d, kExpReduced[0]));
  const V e_r = hn::Add(hn::MulAdd(hn::Mul(r, r), q, r), hn::Set(d, 1.0f));
  const auto scale = hn::ShiftLeft<23>(hn::BitCast(di, shifted));
  const V e = hn::BitCast(d, hn::Add(hn::BitCast(di, e_r), scale));
  // Below ln FLT_MIN the scale 2^k is not a normal float: a vector with such
  // a lane (rare) takes Highway's Exp, which scales in two steps.
  if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Lt(a, hn::Set(d, -87.3365402f))))) return hn::Exp(d, a);
  return e;
}

// e^-|x| in [0, 1].
template <class D, class V>
HWY_INLINE V ExpMinusAbsFloat(D d, V x) {
  return ExpNonPositive(d, hn::Neg(hn::Abs(x)));
}

// n_hi / d_hi, then one correction by the residual n - q d (exact up to
// its tiny low-part terms) times an approximate reciprocal (12 bits are
// plenty for a correction of about 2^-24 q): no rounding of its own
// beyond the last.
template <class D, class V>
HWY_INLINE V DivideDoubleFloat(D /*d*/, V n_hi, V n_lo, V d_hi, V d_lo) {
  const V q = hn::Div(n_hi, d_hi);
  const V residual = hn::Add(hn::NegMulAdd(q, d_hi, n_hi), hn::NegMulAdd(q, d_lo, n_lo));
  return hn::MulAdd(residual, hn::ApproximateReciprocal(d_hi), q);
}

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
template <class D, class V>
HWY_INLINE V LogisticFloat(D d, V x) {
  const V one = hn::Set(d, 1.0f);
  const V e = ExpMinusAbsFloat(d, x);
  return hn::Div(hn::IfThenElse(hn::Ge(x, hn::Zero(d)), one, e), hn::Add(one, e));
}

// sigmoid'(x) = e / (1 + e)^2: full relative accuracy in the tails.
template <class D, class V>
HWY_INLINE V LogisticSlopeFloat(D d, V x) {
  const V e = ExpMinusAbsFloat(d, x);
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
  constexpr int kDegree = sizeof(kLog1pReduced) / sizeof(kLog1pReduced[0]) - 1;
  V q = hn::Set(d, kLog1pReduced[kDegree]);
  for (int k = kDegree - 1; k >= 0; --k) q = hn::MulAdd(q, u, hn::Set(d, kLog1pReduced[k]));
  const V ln2_hi = hn::IfThenElseZero(upper, hn::Set(d, 0.6931471824645996f));
  const V ln2_lo = hn::IfThenElseZero(upper, hn::Set(d, -1.9046542121259336e-09f));
  return hn::Add(hn::MulAdd(u, q, ln2_lo), ln2_hi);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
template <class D, class V>
HWY_INLINE V Softplus1Float(D d, V x) {
  const V positive = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), x);
  return hn::Add(positive, Log1pUnit(d, ExpMinusAbsFloat(d, x)));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_LOGISTIC_INL_H_
