// Vector kernels built on tanh: tanh, tanhshrink, mish. Lanes: every
// Highway target. tanh runs in float lanes (Highway's float Tanh, 3 ULP
// measured; its slope 2 ULP); tanhshrink and mish in double vectors with the
// scalar references' formulas (compute/classic.cc, compute/smooth.cc),
// rounded once: <= 1 ULP (tanhshrink's x - tanh x cancels at most 2^9
// double ULP above 0.1; below it the reference's Taylor series is used).
// Range: all floats; NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/hyperbolic.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

// 1 - tanh^2 = 4e / (1 + e)^2 with e = e^-2|x|: no cancellation in the tails.
template <class D, class V>
HWY_INLINE V TanhSlope(D d, V x) {
  const V e = hn::Exp(d, hn::Mul(hn::Set(d, -2.0), hn::Abs(x)));
  return hn::Div(hn::Mul(hn::Set(d, 4.0), e), OnePlusSquared(d, e));
}

struct TanhInDouble {
  static constexpr bool kInDouble = true;
  explicit TanhInDouble(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const { return hn::Tanh(d, x); }
  template <class D, class V>
  V Derivative(D d, V x) const { return TanhSlope(d, x); }
};

// x - tanh(x); below |x| = 0.1 the series x^3/3 - 2x^5/15 + 17x^7/315 -
// 62x^9/2835 (the reference's) avoids the cancellation.
struct Tanhshrink {
  static constexpr bool kInDouble = true;
  explicit Tanhshrink(const KernelArgs&) {}
  template <class D, class V>
  V Forward(D d, V x) const {
    const V x2 = hn::Mul(x, x);
    V series = hn::Set(d, -62.0 / 2835);
    series = hn::MulAdd(series, x2, hn::Set(d, 17.0 / 315));
    series = hn::MulAdd(series, x2, hn::Set(d, -2.0 / 15));
    series = hn::MulAdd(series, x2, hn::Set(d, 1.0 / 3));
    series = hn::Mul(hn::Mul(x, x2), series);
    const V direct = hn::Sub(x, hn::Tanh(d, x));
    return hn::IfThenElse(hn::Lt(hn::Abs(x), hn::Set(d, 0.1)), series, direct);
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V t = hn::Tanh(d, x);
    return hn::Mul(t, t);
  }
};

// x tanh(softplus(x)) = x n / (n + 2) with e = e^x, n = e (e + 2) (no
// cancellation); x itself above 40, where the factor is 1 in double; 0 at -inf.
struct Mish {
  static constexpr bool kInDouble = true;
  explicit Mish(const KernelArgs&) {}
  static constexpr double kLinear = 40.0;
  template <class D, class V>
  V Forward(D d, V x) const {
    const V safe = hn::Min(x, hn::Set(d, kLinear));  // keeps e^x finite
    const V e = hn::Exp(d, safe);
    const V n = hn::Mul(e, hn::Add(e, hn::Set(d, 2.0)));
    const V curved = hn::Div(hn::Mul(safe, n), hn::Add(n, hn::Set(d, 2.0)));
    const V body = hn::IfThenElse(hn::Gt(x, hn::Set(d, kLinear)), x, curved);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), body);
  }
  // n / (n + 2) + 4 x e (1 + e) / (n + 2)^2.
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0);
    const V safe = hn::Min(x, hn::Set(d, kLinear));
    const V e = hn::Exp(d, safe);
    const V n = hn::Mul(e, hn::Add(e, hn::Set(d, 2.0)));
    const V q = hn::Add(n, hn::Set(d, 2.0));
    // (n q + 4 x e (1 + e)) / q^2: one division.
    const V tail = hn::Mul(hn::Mul(hn::Set(d, 4.0), safe), hn::Mul(e, hn::Add(one, e)));
    const V slope = hn::Div(hn::MulAdd(n, q, tail), hn::Mul(q, q));
    const V body = hn::IfThenElse(hn::Gt(x, hn::Set(d, kLinear)), one, slope);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), body);
  }
};

// Float lanes: Highway's float Tanh (documented 4 ULP; measured in the
// README) and the slope formula in float, except |x| > 40 where e^-2|x|
// would be subnormal and the double kernel takes the vector.
struct Tanh {
  using Precise = TanhInDouble;
  Precise precise;
  explicit Tanh(const KernelArgs& a) : precise(a) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    if constexpr (kPass == Pass::kForward) return AllLanes(d);
    return hn::Not(hn::Gt(hn::Abs(x), hn::Set(d, 40.0f)));
  }
  template <class D, class V>
  V Forward(D d, V x) const { return KeepNaN(x, hn::Tanh(d, x)); }
  template <class D, class V>
  V Derivative(D d, V x) const { return KeepNaN(x, TanhSlope(d, x)); }
};

ACTIVATION_SIMD_TARGET_KERNELS(Tanh)
ACTIVATION_SIMD_TARGET_KERNELS(Tanhshrink)
ACTIVATION_SIMD_TARGET_KERNELS(Mish)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/kernels.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Tanh)
ACTIVATION_SIMD_EXPORT_KERNELS(Tanhshrink)
ACTIVATION_SIMD_EXPORT_KERNELS(Mish)
}  // namespace activation::simd
#endif  // HWY_ONCE
