// erfc in double lanes, the piece gelu's erf form needs beyond what float
// lanes carry (its float64 kernels, and the float kernels' double fallback).
//   ErfcAll(d, z): erfc(z) for every double z, within 2 ULP, on every
//     Highway target (with or without a hardware fma: the exact products
//     below are TwoProduct's). +inf gives 0, -inf 2; NaN propagates. No
//     table, one division:
//     |z| < 1/2: 1 - z (c0 + u Q(u)), u = z^2, c0 = 2/sqrt(pi) split in
//       two doubles so that 1 - z c0_hi rounds once (fma);
//     |z| >= 1/2: e^(-z^2) G(w) / (|z| + 4), w = s - center, s = (|z| - 4)
//       / (|z| + 4), one G below |z| = 5/2 and one above (picked per
//       lane, coefficient by coefficient); the square split exactly, the
//       reciprocal's residue and the product G / (|z| + 4)'s rounding error
//       carried into the exponential's last fma; 2 - that below 0.
//     Q and G from fit/erfc.py. Results below DBL_MIN round once into the
//     subnormals.
//   ScaledErfcOfPositive(d, a): e^(a^2) erfc(a) for a in [1/2, 27.5] as
//     (g + g_lo)(1 + rho), for a caller that has e^(-a^2) already (gelu's
//     e^(-x^2/2)); the same G as ErfcAll.
//   ErfcFromPieces(d, z, near, tail): erfc(z) from its value near 0 (used
//     below |z| = 1/2) and erfc(|z|) beyond, as ErfcAll assembles them, for
//     such a caller.
// Tested alone on every target against long double:
// tests/compute/primitives_simd_test.cc.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_ERFC_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_ERFC_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_ERFC_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_ERFC_INL_H_
#endif

#include <cstddef>

#include "compute/simd/exp-inl.h"   // ReduceExp, PowerOfTwoHalves
#include "compute/simd/math-inl.h"  // Polynomial, TwoProduct, TwoSum
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace erfc_fit {
// fit/erfc.py output:
constexpr double kTwoOverSqrtPiHi = 1.1283791670955126, kTwoOverSqrtPiLo = 1.533545961316588e-17;
// kErfSmall: degree 8 on [0.0, 0.25], relative error 3.56e-17 (double coefficients)
constexpr double kErfSmall[9] = {-0.37612638903183754, 0.11283791670955362, -0.02686617064524952, 0.005223977627959002, -0.000854832727524997, 0.00012055342596877377, -1.4925387740976095e-05, 1.6424949387048212e-06, -1.5120621587409676e-07};
constexpr double kNearCenter = -0.50390625;
// kScaledErfcNear: degree 17 on [-0.273872, 0.273137], relative error 2.41e-18 (double coefficients)
constexpr double kScaledErfcNear[18] = {1.8821017793719343, -2.4115467142974447, 2.4121853238984254, -1.915490247121572, 1.205009689164119, -0.5866651049340414, 0.20730719769372322, -0.043342842404914574, -0.0007547006046120384, 0.003586597810795449, -0.0007211152557721268, -0.0001910264408629904, 9.159721046984457e-05, 1.7128097016489622e-05, -1.2524209171915663e-05, -5.2846158546732047e-05, 1.0058692881377339e-05, 0.00015469403076942093};
constexpr double kFarCenter = 0.2578125;
// kScaledErfcFar: degree 17 on [-0.488582, 0.488219], relative error 3.87e-17 (double coefficients)
constexpr double kScaledErfcFar[18] = {0.8876381740315221, -0.6664046301247236, 0.46149831054230017, -0.29284402263339054, 0.16870401058473972, -0.08706434664959514, 0.03943016454019259, -0.015125619654623987, 0.004568019472905277, -0.0008689902644375759, -3.837055542058506e-05, 0.00010145543169785927, -3.4050757224151974e-05, 2.4253843611829794e-07, 4.117096176082905e-06, -1.2580666947063556e-06, -2.466262262988471e-07, 2.1750616123602204e-07};
constexpr double kSmall = 0.5;     // the two forms' boundary
constexpr double kSplit = 2.5;     // the near G below, the far G above
constexpr double kShift = 4.0;     // s = (a - 4) / (a + 4) = 1 - 8 / (a + 4)
constexpr double kLargest = 27.5;  // erfc rounds to 0 beyond 27.3
}  // namespace erfc_fit

// erfc(z) for |z| < 1/2 (elsewhere unspecified).
template <class D, class V>
HWY_INLINE V ErfcNearZero(D d, V z) {
  using namespace erfc_fit;
  const V u = hn::Mul(z, z);
  const V tail = hn::MulAdd(u, Polynomial(d, u, kErfSmall), hn::Set(d, kTwoOverSqrtPiLo));
  return hn::NegMulAdd(z, tail, hn::NegMulAdd(z, hn::Set(d, kTwoOverSqrtPiHi), hn::Set(d, 1.0)));
}

template <class V>
struct ScaledErfc {
  V g, g_lo;  // G / (a + 4) = (g + g_lo) (1 + rho)
  V rho;
};

// a in [1/2, 27.5] (elsewhere unspecified).
template <class D, class V>
HWY_INLINE ScaledErfc<V> ScaledErfcOfPositive(D d, V a) {
  using namespace erfc_fit;
  const V one = hn::Set(d, 1.0);
  // 1 / (a + 4) = q (1 + rho): the sum's rounding error and the division's
  // both go into rho.
  V sum_error;
  const V sum = TwoSum(a, hn::Set(d, kShift), sum_error);
  const V q = hn::Div(one, sum);
  V product_lo;
  const V product = TwoProduct(d, q, sum, product_lo);  // exact also without an fma
  const V rho = hn::NegMulAdd(q, sum_error, hn::Sub(hn::Sub(one, product), product_lo));
  const V eight_q = hn::Mul(hn::Set(d, 2.0 * kShift), q);
  const auto near = hn::Lt(a, hn::Set(d, kSplit));
  const auto pick = [&](double near_value, double far_value) {
    return hn::IfThenElse(near, hn::Set(d, near_value), hn::Set(d, far_value));
  };
  const V w = hn::NegMulAdd(eight_q, rho, hn::Sub(pick(1.0 - kNearCenter, 1.0 - kFarCenter), eight_q));
  constexpr std::size_t kTerms = sizeof(kScaledErfcNear) / sizeof(double);
  static_assert(kTerms == sizeof(kScaledErfcFar) / sizeof(double), "fit/erfc.py fits both with one degree");
  V p = pick(kScaledErfcNear[kTerms - 1], kScaledErfcFar[kTerms - 1]);
  for (std::size_t i = kTerms - 1; i-- > 1;) p = hn::MulAdd(p, w, pick(kScaledErfcNear[i], kScaledErfcFar[i]));
  // The last step c0 + w p as p_hi + p_lo (Fast2Sum: |c0| > |w p| on each
  // half), so that G keeps the bits its last rounding would lose.
  const V c0 = pick(kScaledErfcNear[0], kScaledErfcFar[0]);
  const V tail = hn::Mul(w, p);
  const V p_hi = hn::Add(c0, tail);
  const V p_lo = hn::Sub(tail, hn::Sub(p_hi, c0));
  ScaledErfc<V> scaled;
  scaled.g = TwoProduct(d, q, p_hi, scaled.g_lo);
  scaled.g_lo = hn::MulAdd(q, p_lo, scaled.g_lo);
  scaled.rho = rho;
  return scaled;
}

// erfc(a) for a in [1/2, 27.5] (elsewhere unspecified).
template <class D, class V>
HWY_INLINE V ErfcOfPositive(D d, V a) {
  const V one = hn::Set(d, 1.0);
  const ScaledErfc<V> s = ScaledErfcOfPositive(d, a);
  // e^(-a^2) = 2^k (1 + m) with a^2 = h + l exactly. 2^k is applied as two
  // normal halves, so only the last product rounds, into the subnormals
  // where erfc is that small.
  V l;
  const V h = TwoProduct(d, a, a, l);
  const ReducedExp<V> e = ReduceExp(d, hn::Neg(h), hn::Neg(l));
  const V m = hn::MulAdd(s.rho, hn::Add(one, e.m), e.m);  // (1 + m)(1 + rho) - 1
  const V body = hn::Add(hn::MulAdd(s.g, m, hn::MulAdd(s.g_lo, m, s.g_lo)), s.g);
  V first, second;
  PowerOfTwoHalves(d, e.shifted, first, second);
  return hn::Mul(hn::Mul(body, first), second);
}

// `near` where |z| < 1/2; `tail` = erfc(|z|) elsewhere, 2 - tail below 0.
template <class D, class V>
HWY_INLINE V ErfcFromPieces(D d, V z, V near, V tail) {
  const V general = hn::IfThenElse(hn::Lt(z, hn::Zero(d)), hn::Sub(hn::Set(d, 2.0), tail), tail);
  return hn::IfThenElse(hn::Lt(hn::Abs(z), hn::Set(d, erfc_fit::kSmall)), near, general);
}

template <class D, class V>
HWY_INLINE V ErfcAll(D d, V z) {
  using namespace erfc_fit;
  const V a = hn::Abs(z);
  const V far = ErfcOfPositive(d, hn::Min(hn::Max(a, hn::Set(d, kSmall)), hn::Set(d, kLargest)));
  const V tail = hn::IfThenZeroElse(hn::Gt(a, hn::Set(d, kLargest)), far);  // +inf included
  return hn::IfThenElse(hn::IsNaN(z), z, ErfcFromPieces(d, z, ErfcNearZero(d, z), tail));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_ERFC_INL_H_
