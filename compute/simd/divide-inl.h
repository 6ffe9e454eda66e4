// Division building blocks (lanes: every Highway target):
//   DivideForFloat(d, a, b): a / b to about 2^-28 relative before the
//     caller's rounding to float, in float or double lanes. On AVX-512 the
//     14-bit reciprocal estimate and one residual correction (a division
//     takes several times as long there); b finite and non-zero. Elsewhere
//     a division.
//   DivideDoubleFloat(d, n_hi, n_lo, d_hi, d_lo): (n_hi + n_lo) / (d_hi +
//     d_lo) rounded about once, float lanes; d_hi finite and non-zero. On
//     AVX-512 without a division instruction, as DivideForFloat.
//   DivideByInverse(num, divisor, inverse): num / divisor as a division
//     would round it (normal quotients), for many numerators over one
//     divisor whose inverse (rounded once) the caller has; float or double
//     lanes.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_DIVIDE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_DIVIDE_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_DIVIDE_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_DIVIDE_INL_H_
#endif

#include <type_traits>

#include "hwy/highway.h"
#if HWY_ARCH_X86
#include <immintrin.h>
#endif

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D, class V>
HWY_INLINE V DivideForFloat(D d, V a, V b) {
  (void)d;
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
  V r;
  if constexpr (std::is_same_v<hn::TFromD<D>, float>) {
    r = hn::ApproximateReciprocal(b);  // Highway has no double form
  } else {
    static_assert(hn::MaxLanes(d) == 8, "full double vectors");
    r = V{_mm512_maskz_rcp14_pd(0xFF, b.raw)};  // the unmasked form trips GCC 12's -Wmaybe-uninitialized
  }
  const V q = hn::Mul(a, r);
  return hn::MulAdd(r, hn::NegMulAdd(b, q, a), q);
#else
  return hn::Div(a, b);
#endif
}

// q = n_hi / d_hi, then one correction by the residual n - q d (exact up
// to its tiny low-part terms) times an approximate reciprocal r: the
// result is off by about (q's relative error) x (r's), so a q rounded
// once needs 12 bits of r. On AVX-512 q = n_hi r with r's 14 bits
// refined once (28 bits) instead of a division: the same bound.
template <class D, class V>
HWY_INLINE V DivideDoubleFloat(D d, V n_hi, V n_lo, V d_hi, V d_lo) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
  const V estimate = hn::ApproximateReciprocal(d_hi);
  const V r = hn::MulAdd(estimate, hn::NegMulAdd(d_hi, estimate, hn::Set(d, 1.0f)), estimate);
  const V q = hn::Mul(n_hi, r);
#else
  (void)d;
  const V r = hn::ApproximateReciprocal(d_hi);
  const V q = hn::Div(n_hi, d_hi);
#endif
  const V residual = hn::Add(hn::NegMulAdd(q, d_hi, n_hi), hn::NegMulAdd(q, d_lo, n_lo));
  return hn::MulAdd(residual, r, q);
}

// q = num inverse, then one correction by the residual num - q divisor, exact
// by an fma (Markstein): the quotient a division gives, without one. An
// infinite num stays infinite. Without a fused multiply-add the residual is
// not exact: those targets divide.
template <class V>
HWY_INLINE V DivideByInverse(V num, V divisor, V inverse) {
#if HWY_NATIVE_FMA
  const V q = hn::Mul(num, inverse);
  const V corrected = hn::MulAdd(hn::NegMulAdd(q, divisor, num), inverse, q);
  return hn::IfThenElse(hn::IsInf(q), q, corrected);
#else
  (void)inverse;
  return hn::Div(num, divisor);
#endif
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_DIVIDE_INL_H_
