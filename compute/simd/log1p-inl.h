// log1p(e) for e in [0, 1], the logarithm the softplus family needs (its
// argument is e^-|x|).
//   Log1pUnit(d, e): float lanes within 1 ULP, double lanes within 1 ULP;
//     every Highway target. No division: u + u^2 R(u) with u = e below 0.5,
//     else ln 2 + u + u^2 R(u) with u = (e - 1) / 2 (exact: Sterbenz), R
//     fitted on u in [-0.25, 0.5] by fit/log1p_reduced.py (float degree 9,
//     double degree 19). e outside [0, 1], NaN included: unspecified.
// Tested alone in both lane types on every target, against long double:
// tests/compute/primitives_simd_test.cc.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_LOG1P_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_LOG1P_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_LOG1P_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_LOG1P_INL_H_
#endif

#include <type_traits>

#include "compute/simd/math-inl.h"  // Polynomial
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace log1p_fit {
// fit/log1p_reduced.py 9 output:
// degree 9: max relative error of R: 1.07e-8 (0.179 x 2^-24)
constexpr float kFloat[] = {-5.000000000e-01f, 3.333333731e-01f, -2.500011325e-01f, 1.999973059e-01f, -1.665755212e-01f, 1.427656859e-01f, -1.270064861e-01f, 1.166561097e-01f, -9.179408848e-02f, 3.869794309e-02f};
// fit/log1p_reduced.py 19 --double output:
// degree 19: max relative error of R: 1.24e-16 (1.12 x 2^-53)
constexpr double kDouble[] = {-0.49999999999999994, 0.3333333333333347, -0.25000000000007333, 0.1999999999993899, -0.16666666664711843, 0.1428571429179441, -0.1250000020810344, 0.11111111061224908, -0.09999989138326341, 0.09090890384917291, -0.0833362214700447, 0.07693305866468197, -0.0713952748486611, 0.06645599621920892, -0.062458739144969355, 0.06064171642878773, -0.0595838862941383, 0.05113461911167214, -0.030140903494897987, 0.00845749343060364};
}  // namespace log1p_fit

// The leading terms (ln 2 where e >= 0.5, and u) are summed exactly apart
// (Fast2Sum: ln 2 > |u|), so only the last addition rounds at full weight;
// u^2 R is at most a quarter of the result.
template <class D, class V>
HWY_INLINE V Log1pUnit(D d, V e) {
  using T = hn::TFromD<D>;
  const auto upper = hn::Ge(e, hn::Set(d, T(0.5)));
  const V u = hn::IfThenElse(upper, hn::Mul(hn::Sub(e, hn::Set(d, T(1))), hn::Set(d, T(0.5))), e);
  V r;
  T ln2_hi, ln2_lo;
  if constexpr (std::is_same_v<T, float>) {
    r = Polynomial(d, u, log1p_fit::kFloat);
    ln2_hi = 0.6931471824645996f;
    ln2_lo = -1.9046542121259336e-09f;
  } else {
    r = Polynomial(d, u, log1p_fit::kDouble);
    ln2_hi = 0.6931471805599453;
    ln2_lo = 2.3190468138462996e-17;
  }
  const V base = hn::IfThenElseZero(upper, hn::Set(d, ln2_hi));
  const V sum = hn::Add(base, u);
  const V tail = hn::Add(hn::Add(hn::Sub(base, sum), u), hn::IfThenElseZero(upper, hn::Set(d, ln2_lo)));
  return hn::Add(sum, hn::MulAdd(hn::Mul(u, u), r, tail));
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_LOG1P_INL_H_
