// Float-lane building blocks for the tanh, mish and ELU kernels, leaner than
// Highway's Exp/Expm1 (which also handle the whole float range and cost
// about twice as much here):
//   ReduceExp: e^x = s (1 + m), s = 2^k, m = e^r - 1, |r| <= ln(2)/2;
//   ExpFloat, Expm1Float: e^x and e^x - 1 from it, each rounded about once;
//   DivideFloat: a / b, on AVX-512 by the 14-bit reciprocal and one
//     residual correction (error <= 2^-28 relative before the final rounding;
//     b finite and non-zero), elsewhere a division.
// Valid range: x in [-87, 88] (s stays a normal float); callers clamp or
// route other lanes elsewhere. NaN is not propagated: callers use KeepNaN.
// Polynomial: compute/simd/fit/exp.py (degree 5).
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_TANH_EXP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_TANH_EXP_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_TANH_EXP_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_TANH_EXP_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class V>
struct ReducedExp {
  V s;  // 2^k
  V m;  // e^r - 1
};

template <class D, class V>
HWY_INLINE ReducedExp<V> ReduceExp(D d, V x) {
  const hn::RebindToSigned<D> di;
  // Adding 1.5 * 2^23 rounds x / ln 2 to the integer k in the low mantissa bits.
  const V shifter = hn::Set(d, 0x1.8p23f);
  const V t = hn::MulAdd(x, hn::Set(d, 1.44269504088896341f), shifter);
  const V k = hn::Sub(t, shifter);
  // ln 2 in two parts, the first with 16 bits so k * ln2_hi is exact.
  V r = hn::NegMulAdd(k, hn::Set(d, 0.693145751953125f), x);
  r = hn::NegMulAdd(k, hn::Set(d, 1.42860676533018704e-6f), r);
  V p = hn::Set(d, 0.00019890980911441147f);
  p = hn::MulAdd(p, r, hn::Set(d, 0.0013933641603216529f));
  p = hn::MulAdd(p, r, hn::Set(d, 0.00833331048488617f));
  p = hn::MulAdd(p, r, hn::Set(d, 0.04166646674275398f));
  p = hn::MulAdd(p, r, hn::Set(d, 0.1666666716337204f));
  p = hn::MulAdd(p, r, hn::Set(d, 0.5f));
  const V m = hn::MulAdd(hn::Mul(r, r), p, r);
  // k sits in the low bits of t: shifted into the exponent field of 1.0f.
  const auto exponent = hn::ShiftLeft<23>(hn::BitCast(di, t));
  const V s = hn::BitCast(d, hn::Add(exponent, hn::Set(di, 0x3f800000)));
  return {s, m};
}

template <class D, class V>
HWY_INLINE V ExpFloat(D d, V x) {
  const ReducedExp<V> e = ReduceExp(d, x);
  return hn::MulAdd(e.s, e.m, e.s);
}

// s m + (s - 1): s - 1 is exact for k >= -24 and m alone for k = 0, so
// small x keep their relative accuracy.
template <class D, class V>
HWY_INLINE V Expm1Float(D d, V x) {
  const ReducedExp<V> e = ReduceExp(d, x);
  return hn::MulAdd(e.s, e.m, hn::Sub(e.s, hn::Set(d, 1.0f)));
}

template <class D, class V>
HWY_INLINE V DivideFloat(D d, V a, V b) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
  (void)d;
  const V r = hn::ApproximateReciprocal(b);  // rcp14: relative error < 2^-14
  const V q = hn::Mul(a, r);
  return hn::MulAdd(r, hn::NegMulAdd(b, q, a), q);
#else
  (void)d;
  return hn::Div(a, b);
#endif
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_TANH_EXP_INL_H_
