// Vector kernels built on tanh: tanh, tanhshrink, mish. Lanes: every
// Highway target. tanh and mish run in float lanes on the lean exp and
// division of tanh-exp-inl.h (tanh 2 ULP, tanh' 3 ULP, mish 2 ULP, mish'
// 3 ULP measured; mish' forms its numerator and D^2 in double lanes, and
// below x = -80 mish takes the double kernel); tanhshrink runs in double
// vectors with the scalar reference's formula (compute/classic.cc), rounded
// once: <= 1 ULP (x - tanh x cancels at most 2^9 double ULP above 0.1;
// below it the reference's Taylor series is used).
// Range: all floats; NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/hyperbolic.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "compute/simd/tanh-exp-inl.h"
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
struct MishInDouble {
  static constexpr bool kInDouble = true;
  explicit MishInDouble(const KernelArgs&) {}
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

// tanh |x| = -y / (2 + y) with y = e^-2|x| - 1 in (-1, 0]: no cancellation,
// no overflow (y = -1 exactly beyond |x| = 9: tanh rounds to 1 there).
template <class D, class V>
HWY_INLINE V TanhFloat(D d, V x) {
  const V y = Expm1Float(d, hn::Max(hn::Mul(hn::Abs(x), hn::Set(d, -2.0f)), hn::Set(d, -87.0f)));
  const V magnitude = DivideFloat(d, y, hn::Sub(hn::Set(d, -2.0f), y));
  return KeepNaN(x, hn::CopySignToAbs(magnitude, x));
}

// Float lanes, except |x| > 40 for the derivative, where e^-2|x| would be
// subnormal and the double kernel takes the vector.
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
  V Forward(D d, V x) const { return TanhFloat(d, x); }
  // 4e / (1 + e)^2 with e = e^-2|x|.
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V e = ExpFloat(d, hn::Mul(hn::Abs(x), hn::Set(d, -2.0f)));
    return KeepNaN(x, DivideFloat(d, hn::Mul(hn::Set(d, 4.0f), e), OnePlusSquared(d, e)));
  }
};

// Float lanes above x = -80 (below, e^x nears the subnormals: the double
// kernel takes the vector). With e = e^x (x clamped to 20, where the result
// is x and 1 in float) and D = e^2 + 2e + 2, mish = x n / D (n = D - 2) is
//   x - x (2 / D)              for x >= 0 (2 / D <= 0.4),
//   x e - x e (e (e + 1) / D)  below (that ratio <= 0.4),
// one fma each, so no rounded factor near 1 multiplies the result;
//   mish' = e g / D^2, g = e (e^2 + 4e + 6 + 4x) + 4 (1 + x),
// with D^2 expanded in e (rounded once), 6 + 4x and 1 + x exact near the
// root of g (Sterbenz) and each fma rounding once. On (-1.45, -0.75), around
// the root r = -1.1924, the rounding errors of g are comparable to its value:
// there mish' = t P(t), t = x - r, from
// compute/simd/fit/mish_derivative.py -1.45 -0.75 8.
constexpr float kMishRoot[3] = {-1.1924312114715576f, -3.0439375464652585e-09f, -4.8484830954048644e-17f};
constexpr float kMishSlope[] = {0.2669479250907898f,    0.2047312706708908f,     0.04190782830119133f,
                                -0.020271753892302513f, -0.01582156866788864f,   -0.003362484509125352f,
                                0.0011023577535524964f, 0.0010004063369706273f,  0.00017595246026758105f};
constexpr float kMishWindowLow = -1.45f, kMishWindowHigh = -0.75f;

// e g and D^2 (see above) in double lanes from the float e = e^x (<= 1 ULP),
// each rounded to float once, then divided in float: in float throughout,
// the rounding errors of g and D^2 add up to 4 ULP and more on [-3, 1].
template <class DD, class VD>
HWY_INLINE void MishSlopeTerms(DD dd, VD x, VD e, VD& numerator, VD& squared) {
  const VD four = hn::Set(dd, 4.0);
  const VD eight = hn::Set(dd, 8.0);
  // D^2 = (((e + 4) e + 8) e + 8) e + 4; g = ((e + 4) e + 6 + 4x) e + 4 (1 + x).
  squared = hn::MulAdd(hn::Add(e, four), e, eight);
  squared = hn::MulAdd(hn::MulAdd(squared, e, eight), e, four);
  const VD h = hn::MulAdd(e, hn::Add(e, four), hn::MulAdd(x, four, hn::Set(dd, 6.0)));
  numerator = hn::Mul(e, hn::MulAdd(e, h, hn::MulAdd(x, four, four)));
}

template <class D, class V>
HWY_INLINE V MishSlope(D d, V x, V e) {
#if HWY_TARGET == HWY_SCALAR
  const hn::Rebind<double, D> dd;
  hn::Vec<decltype(dd)> numerator, squared;
  MishSlopeTerms(dd, hn::PromoteTo(dd, x), hn::PromoteTo(dd, e), numerator, squared);
  return DivideFloat(d, hn::DemoteTo(d, numerator), hn::DemoteTo(d, squared));
#else
  const hn::Half<D> dh;
  const hn::Rebind<double, decltype(dh)> dd;
  hn::Vec<decltype(dd)> numerator_lo, squared_lo, numerator_hi, squared_hi;
  MishSlopeTerms(dd, hn::PromoteTo(dd, hn::LowerHalf(dh, x)), hn::PromoteTo(dd, hn::LowerHalf(dh, e)),
                 numerator_lo, squared_lo);
  MishSlopeTerms(dd, hn::PromoteTo(dd, hn::UpperHalf(dh, x)), hn::PromoteTo(dd, hn::UpperHalf(dh, e)),
                 numerator_hi, squared_hi);
  const V numerator = hn::Combine(d, hn::DemoteTo(dh, numerator_hi), hn::DemoteTo(dh, numerator_lo));
  const V squared = hn::Combine(d, hn::DemoteTo(dh, squared_hi), hn::DemoteTo(dh, squared_lo));
  return DivideFloat(d, numerator, squared);
#endif
}

struct Mish {
  using Precise = MishInDouble;
  Precise precise;
  explicit Mish(const KernelArgs& a) : precise(a) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    return hn::Not(hn::Lt(x, hn::Set(d, -80.0f)));
  }
  template <class D, class V>
  V Forward(D d, V x) const {
    const V two = hn::Set(d, 2.0f);
    const V e = ExpFloat(d, hn::Min(x, hn::Set(d, 20.0f)));
    const V denominator = hn::MulAdd(e, hn::Add(e, two), two);
    const auto positive = hn::Ge(x, hn::Zero(d));
    const V a = hn::IfThenElse(positive, x, hn::Mul(x, e));
    const V b = hn::IfThenElse(positive, two, hn::MulAdd(e, e, e));
    const V body = hn::NegMulAdd(a, DivideFloat(d, b, denominator), a);
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, 20.0f)), x, body));
  }
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V xc = hn::Min(x, hn::Set(d, 20.0f));
    const V general = MishSlope(d, xc, ExpFloat(d, xc));
    const V t = hn::Sub(hn::Sub(hn::Sub(x, hn::Set(d, kMishRoot[0])), hn::Set(d, kMishRoot[1])),
                        hn::Set(d, kMishRoot[2]));
    V p = hn::Set(d, kMishSlope[8]);
    for (int i = 7; i >= 0; --i) p = hn::MulAdd(p, t, hn::Set(d, kMishSlope[i]));
    const V near_root = hn::Mul(t, p);
    const auto window = hn::And(hn::Gt(x, hn::Set(d, kMishWindowLow)), hn::Lt(x, hn::Set(d, kMishWindowHigh)));
    return KeepNaN(x, hn::IfThenElse(window, near_root, general));
  }
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
