// The exponential of every float-lane kernel (lanes: float vectors, every
// Highway target): e^x = 2^k (1 + m), k = round(x / ln 2), m = e^r - 1 for
// r = x - k ln 2, |r| <= ln(2)/2. One reduction and one family of fitted
// polynomials (compute/simd/fit/exp.py); kDegree picks the accuracy a
// caller needs.
//   ReduceExp<kDegree>(d, x, lo): 2^k and m for x in [-87.33, 88.37] (2^k a
//     normal float), with a low part |lo| <= 2^-20 of the argument that one
//     float would round away. m = r + r^2 P(r). Degree 5 keeps m's relative
//     error far below a float ULP (for e^x - 1 near 0): 2^k (1 + m) is then
//     within 1 ULP of e^(x + lo) before the caller's rounding. Degree 4 is
//     one fma cheaper and keeps only 1 + m's relative error small.
//   ExpFloat<kDegree = 5>(d, x): e^x on [-87.33, 88.37]; within 1 ULP.
//   Expm1Float(d, x): e^x - 1 on the same range; within 2 ULP.
//   ExpNonPositive(d, a): e^a for every a <= 0 (-inf gives 0), subnormal
//     results included; degree 4, within 1.1 ULP: its callers, the
//     logistic kernels, divide and round again, and are short enough that
//     a fifth-degree term shows in their speed.
// NaN and other arguments: unspecified; callers route them (KeepNaN, clamps).
// Tested alone on every target, against long double: tests/compute/exp_simd_test.cc.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_EXP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
#endif

#include "compute/simd/math-inl.h"  // Polynomial
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace exp_fit {
// fit/exp.py 4 and fit/exp.py 5: P of e^r - 1 = r + r^2 P(r), |r| <= ln(2)/2.
constexpr float kDegree4[] = {0.5f, 0.16666577756404877f, 0.041666556149721146f, 0.008363173343241215f,
                              0.0013926175888627768f};
constexpr float kDegree5[] = {0.5f, 0.1666666716337204f, 0.04166646674275398f, 0.00833331048488617f,
                              0.0013933641603216529f, 0.00019890980911441147f};
}  // namespace exp_fit

template <class V>
struct ReducedExp {
  V k;      // round(x / ln 2), an integer-valued float
  V scale;  // 2^k, valid while k >= -126
  V m;      // e^r - 1
};

template <int kDegree, class D, class V>
HWY_INLINE ReducedExp<V> ReduceExp(D d, V x, V lo) {
  static_assert(kDegree == 4 || kDegree == 5, "fit/exp.py supplies degrees 4 and 5");
  const hn::RebindToSigned<D> di;
  // Adding 1.5 * 2^23 rounds x / ln 2 to the integer k in the low mantissa bits.
  const V shifter = hn::Set(d, 0x1.8p23f);
  const V t = hn::MulAdd(x, hn::Set(d, 1.44269504088896341f), shifter);
  const V k = hn::Sub(t, shifter);
  // ln 2 in two parts, the first with 16 bits so k * ln2_hi is exact (|k| <= 150).
  V r = hn::NegMulAdd(k, hn::Set(d, 0.693145751953125f), x);
  r = hn::Add(hn::NegMulAdd(k, hn::Set(d, 1.42860676533018704e-6f), r), lo);
  V p;
  if constexpr (kDegree == 4) {
    p = Polynomial(d, r, exp_fit::kDegree4);
  } else {
    p = Polynomial(d, r, exp_fit::kDegree5);
  }
  const V m = hn::MulAdd(hn::Mul(r, r), p, r);
  // k sits in the low bits of t: shifted into the exponent field of 1.0f.
  const auto exponent = hn::ShiftLeft<23>(hn::BitCast(di, t));
  const V scale = hn::BitCast(d, hn::Add(exponent, hn::Set(di, 0x3f800000)));
  return {k, scale, m};
}

template <int kDegree, class D, class V>
HWY_INLINE ReducedExp<V> ReduceExp(D d, V x) {
  return ReduceExp<kDegree>(d, x, hn::Zero(d));
}

template <int kDegree = 5, class D, class V>
HWY_INLINE V ExpFloat(D d, V x) {
  const ReducedExp<V> e = ReduceExp<kDegree>(d, x);
  return hn::MulAdd(e.scale, e.m, e.scale);
}

// s m + (s - 1): s - 1 is exact for k >= -24 and m alone for k = 0, so
// small x keep their relative accuracy.
template <class D, class V>
HWY_INLINE V Expm1Float(D d, V x) {
  const ReducedExp<V> e = ReduceExp<5>(d, x);
  return hn::MulAdd(e.scale, e.m, hn::Sub(e.scale, hn::Set(d, 1.0f)));
}

// Below ln FLT_MIN, 2^k is not a normal float: it is applied in two normal
// halves so only the last product rounds into the subnormals. At -104 and
// below e^a rounds to 0.
template <class D, class V>
HWY_INLINE V ExpToSubnormal(D d, V a) {
  const hn::RebindToSigned<D> di;
  const ReducedExp<V> e = ReduceExp<4>(d, hn::Max(a, hn::Set(d, -104.0f)));
  const auto k = hn::ConvertTo(di, e.k);
  const auto half = hn::ShiftRight<1>(k);  // arithmetic: k <= 0
  const auto bias = hn::Set(di, 127);
  const V first = hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(half, bias)));
  const V second = hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(hn::Sub(k, half), bias)));
  return hn::Mul(hn::MulAdd(first, e.m, first), second);
}

template <class D, class V>
HWY_INLINE V ExpNonPositive(D d, V a) {
  if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Lt(a, hn::Set(d, -87.3365402f))))) return ExpToSubnormal(d, a);
  return ExpFloat<4>(d, a);
}

// e^-|x| in [0, 1].
template <class D, class V>
HWY_INLINE V ExpMinusAbsFloat(D d, V x) {
  return ExpNonPositive(d, hn::Neg(hn::Abs(x)));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
