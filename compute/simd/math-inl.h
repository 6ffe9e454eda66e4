// Exact and near-exact arithmetic building blocks of the vector kernels
// (lanes: float and double vectors, every Highway target):
//   OnePlusSquared: (1 + e)^2 for e in [0, 1], rounded once;
//   MulByConstant: v times a double constant, rounded about once;
//   WithProductSign: a product's zeros given the sign of v c;
//   TwoSum: a + b = sum + error exactly;
//   Polynomial: c[0] + c[1] u + ... by Horner's rule;
//   AroundRoot: (x - r) P(x - r), a fitted function through its root r;
//   TwoProduct: a b = product + error exactly, with or without a hardware
//   fma (double lanes, for the float64 kernels).
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
#endif

#include <cstddef>

#include "compute/simd/params.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// (1 + e)^2 for e in [0, 1], rounded once: 1 + e loses up to half an ULP,
// which squaring would double; its exact error (Fast2Sum, 1 >= e) goes
// into the fma instead.
template <class D, class V>
HWY_INLINE V OnePlusSquared(D d, V e) {
  const V p = hn::Add(hn::Set(d, 1.0), e);
  const V p_error = hn::Sub(e, hn::Sub(p, hn::Set(d, 1.0)));
  return hn::MulAdd(p, p, hn::Mul(hn::Add(p, p), p_error));
}

// A product v c whose zeros may carry the wrong sign (v hi + v lo adds two
// zeros of opposite signs when hi and lo differ in sign) with the sign of
// v c restored: one CopySign for c > 0, else zeros replaced by v hi.
template <class D, class V>
HWY_INLINE V WithProductSign(D d, V v, float hi, V product) {
  if (hi > 0) return hn::CopySign(product, v);
  return hn::IfThenElse(hn::Eq(v, hn::Zero(d)), hn::Mul(v, hn::Set(d, hi)), product);
}

// v * c rounded about once for a double constant c split by SplitConstant
// (params.h); +-inf times c stays +-inf (the lo term would add inf - inf);
// +-0 times c is signed as v c.
template <class D, class V>
HWY_INLINE V MulByConstant(D d, V v, const SplitConstant& c) {
  const V lo = hn::Mul(hn::IfThenZeroElse(hn::IsInf(v), v), hn::Set(d, c.lo));
  return WithProductSign(d, v, c.hi, hn::Mul(hn::MulAdd(v, hn::Set(d, c.hi), lo), hn::Set(d, c.scale)));
}

// c[0] + c[1] u + ... + c[N-1] u^(N-1) by Horner's rule; c float or double.
template <class D, class V, class T, std::size_t N>
HWY_INLINE V Polynomial(D d, V u, const T (&c)[N]) {
  V p = hn::Set(d, c[N - 1]);
  for (std::size_t i = N - 1; i-- > 0;) p = hn::MulAdd(p, u, hn::Set(d, c[i]));
  return p;
}

// (x - r) P(x - r) for the root r = root_hi + root_lo of a fitted function
// (the derivatives' windows around their zeros): x - root_hi is exact near
// the root (Sterbenz), so the value keeps its relative accuracy through
// the zero.
template <class D, class V, class T, std::size_t N>
HWY_INLINE V AroundRoot(D d, V x, T root_hi, T root_lo, const T (&c)[N]) {
  const V t = hn::Sub(hn::Sub(x, hn::Set(d, root_hi)), hn::Set(d, root_lo));
  return hn::Mul(t, Polynomial(d, t, c));
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

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_MATH_INL_H_
