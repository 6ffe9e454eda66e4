// Vector kernels of the logistic family: sigmoid, silu, logsigmoid,
// softplus. Lanes: every Highway target, evaluated in double vectors with
// the scalar references' formulas (compute/classic.cc, compute/smooth.cc)
// and rounded once to float. Accuracy: <= 1 ULP (Highway's double Exp and
// Log1p err by a few double ULP, 2^-29 of a float ULP). Range: all floats;
// limits at +-inf as the references; NaN propagates (map-inl.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/logistic.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

struct Sigmoid {
  static constexpr bool kInDouble = true;
  explicit Sigmoid(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const { return Logistic(d, x); }
  template <class D, class V>
  V Derivative(D d, V x) const { return LogisticSlope(d, x); }
};

// x sigmoid(x); derivative sigmoid(x) (1 + x sigmoid(-x)). At -inf both are 0
// (the formulas would give -inf * 0).
struct Silu {
  static constexpr bool kInDouble = true;
  explicit Silu(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const {
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), hn::Mul(x, Logistic(d, x)));
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0);
    const V slope = hn::Mul(Logistic(d, x), hn::MulAdd(x, Logistic(d, hn::Neg(x)), one));
    const V at_inf = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), one);
    return hn::IfThenElse(hn::IsInf(x), at_inf, slope);
  }
};

// log(sigmoid(x)) = -softplus(-x); derivative sigmoid(-x).
struct Logsigmoid {
  static constexpr bool kInDouble = true;
  explicit Logsigmoid(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const { return hn::Neg(Softplus1(d, hn::Neg(x))); }
  template <class D, class V>
  V Derivative(D d, V x) const { return Logistic(d, hn::Neg(x)); }
};

// log(1 + e^(beta x)) / beta, linear (x, slope 1) where beta x > threshold.
struct Softplus {
  static constexpr bool kInDouble = true;
  double beta, threshold;
  explicit Softplus(const KernelArgs& a) : beta(a.param[0]), threshold(a.param[1]) {}
  template <class D, class V>
  V Forward(D d, V x) const {
    const V bx = hn::Mul(hn::Set(d, beta), x);
    const V curved = hn::Div(Softplus1(d, bx), hn::Set(d, beta));
    return hn::IfThenElse(hn::Gt(bx, hn::Set(d, threshold)), x, curved);
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V bx = hn::Mul(hn::Set(d, beta), x);
    return hn::IfThenElse(hn::Gt(bx, hn::Set(d, threshold)), hn::Set(d, 1.0), Logistic(d, bx));
  }
};

ACTIVATION_SIMD_TARGET_KERNELS(Sigmoid)
ACTIVATION_SIMD_TARGET_KERNELS(Silu)
ACTIVATION_SIMD_TARGET_KERNELS(Logsigmoid)
ACTIVATION_SIMD_TARGET_KERNELS(Softplus)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/kernels.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Sigmoid)
ACTIVATION_SIMD_EXPORT_KERNELS(Silu)
ACTIVATION_SIMD_EXPORT_KERNELS(Logsigmoid)
ACTIVATION_SIMD_EXPORT_KERNELS(Softplus)
}  // namespace activation::simd
#endif  // HWY_ONCE
