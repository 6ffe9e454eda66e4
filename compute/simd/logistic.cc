// Vector kernels of the logistic family: sigmoid, silu, logsigmoid,
// softplus. Lanes: every Highway target. The float kernels (bottom) run
// wherever their float formulas are accurate (<= 3 ULP measured); the
// double ones (top: the scalar references' formulas in double vectors,
// rounded once, <= 1 ULP) take silu' and the rare vectors the float
// formulas cannot serve. Range: all floats; limits at
// +-inf as the references; NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/logistic.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "compute/simd/params.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

// x sigmoid(x); derivative sigmoid(x) (1 + x sigmoid(-x)). At -inf both are 0
// (the formulas would give -inf * 0).
struct SiluInDouble {
  static constexpr bool kInDouble = true;
  explicit SiluInDouble(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const {
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), hn::Mul(x, Logistic(d, x)));
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    // With e = e^-|x| and p = 1 + e, s(x) (1 + x s(-x)) is (p + x e) / p^2
    // for x >= 0 and e (p + x) / p^2 below: one exp and one division. In
    // double, p + x near the root (-1.28) cancels only double rounding.
    const V one = hn::Set(d, 1.0);
    const V e = ExpMinusAbs(d, x);
    const V p = hn::Add(one, e);
    const V numerator = hn::IfThenElse(hn::Ge(x, hn::Zero(d)), hn::MulAdd(x, e, p), hn::Mul(e, hn::Add(p, x)));
    const V slope = hn::Div(numerator, hn::Mul(p, p));
    const V at_inf = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), one);
    return hn::IfThenElse(hn::IsInf(x), at_inf, slope);
  }
};

// log(1 + e^(beta x)) / beta, linear (x, slope 1) where beta x > threshold.
struct SoftplusInDouble {
  static constexpr bool kInDouble = true;
  double beta, threshold;
  explicit SoftplusInDouble(const KernelArgs& a) : beta(a.param[0]), threshold(a.param[1]) {}
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

// --- float lanes: the kernels the catalogue runs ----------------------------
// Highway's float Exp (1 ULP) and Log1p (2 ULP) in the same tail-stable
// forms: measured <= 3 ULP (see README). Where a float intermediate would
// become subnormal and lose bits (silu below -80), or a parameter makes the
// float argument inexact (softplus with beta != 1), the double kernels
// above take the vector.

struct Sigmoid {
  explicit Sigmoid(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const { return KeepNaN(x, Logistic(d, x)); }
  template <class D, class V>
  V Derivative(D d, V x) const { return KeepNaN(x, LogisticSlope(d, x)); }
};

struct Silu {
  using Precise = SiluInDouble;
  Precise precise;
  explicit Silu(const KernelArgs& a) : precise(a) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    // f' = s (1 + x s(-x)) cancels around its root at -1.28: double throughout.
    if constexpr (kPass != Pass::kForward) return hn::FirstN(d, 0);
    return hn::Not(hn::Lt(x, hn::Set(d, -80.0f)));  // e^x stays a normal float (NaN: KeepNaN)
  }
  template <class D, class V>
  V Forward(D d, V x) const { return KeepNaN(x, hn::Mul(x, Logistic(d, x))); }
  template <class D, class V>
  V Derivative(D d, V x) const { return precise.Derivative(d, x); }  // not used: FloatAccurate is false
};

struct Logsigmoid {
  explicit Logsigmoid(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const { return KeepNaN(x, hn::Neg(Softplus1(d, hn::Neg(x)))); }
  template <class D, class V>
  V Derivative(D d, V x) const { return KeepNaN(x, Logistic(d, hn::Neg(x))); }
};

struct Softplus {
  using Precise = SoftplusInDouble;
  Precise precise;
  bool unit_beta;
  float above;  // beta x > threshold <=> x > above, when beta = 1
  explicit Softplus(const KernelArgs& a)
      : precise(a), unit_beta(a.param[0] == 1.0), above(RoundDown(a.param[1])) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V) const { return unit_beta ? AllLanes(d) : hn::FirstN(d, 0); }
  template <class D, class V>
  V Forward(D d, V x) const {
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, above)), x, Softplus1(d, x)));
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, above)), hn::Set(d, 1.0f), Logistic(d, x)));
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
