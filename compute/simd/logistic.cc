// Vector kernels of the logistic family: sigmoid, silu, logsigmoid,
// softplus. Lanes: every Highway target. The float kernels (bottom) run
// wherever their float formulas are accurate (docs/accuracy.md has the
// measured figures per target); the double ones (top: the scalar references' formulas in double vectors,
// rounded once, <= 1 ULP) take the rare vectors the float formulas cannot
// serve. Range: all floats; limits at +-inf as the references; NaN
// propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/logistic.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/logistic-inl.h"
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
  HWY_INLINE V Forward(D d, V x) const {
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), hn::Mul(x, Logistic(d, x)));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
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
  HWY_INLINE V Forward(D d, V x) const {
    const V bx = hn::Mul(hn::Set(d, beta), x);
    const V curved = hn::Div(Softplus1(d, bx), hn::Set(d, beta));
    return hn::IfThenElse(hn::Gt(bx, hn::Set(d, threshold)), x, curved);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V bx = hn::Mul(hn::Set(d, beta), x);
    return hn::IfThenElse(hn::Gt(bx, hn::Set(d, threshold)), hn::Set(d, 1.0), Logistic(d, bx));
  }
};

// --- float lanes: the kernels the catalogue runs ----------------------------
// The same tail-stable forms on the float exp and log1p (log1p-inl.h; 1 ULP
// each, no division in log1p). Where a float intermediate would become
// subnormal and lose bits (silu below -80), or a parameter makes the float
// argument inexact (softplus with beta != 1), the double kernels above take
// the vector.

struct Sigmoid {
  explicit Sigmoid(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return KeepNaN(x, Logistic<4>(d, x)); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return KeepNaN(x, LogisticSlopeFloat(d, x)); }
};

// silu'(x) = s(x) (1 + x s(-x)) has a root at r = -1.2785, where its two
// terms cancel in float. Within [-1.7, -0.9] it is t P(t), t = x - r (r split
// in two floats: x - kSiluRootHi is exact there by Sterbenz), P fitted by
// compute/simd/fit/silu_derivative.py (-1.7 -0.9 7; relative error 0.19 x
// 2^-24). Elsewhere, with e = e^-|x| and p = 1 + e (its rounding error
// p_error exact by Fast2Sum), silu' = (p + x e) / p^2 for x >= 0 and
// e (1 + e + x) / p^2 below, with the products and the quotient carried in
// float pairs: only e (1 ULP) and one or two sums round.
constexpr float kSiluRootHi = -1.2784645557403564f;
constexpr float kSiluRootLo = 1.2979282537628478e-08f;
constexpr float kSiluWindowLow = -1.7f, kSiluWindowHigh = -0.9f;
constexpr float kSiluSlopeNearRoot[] = {0.2178117036819458f,    0.14664879441261292f,   0.01887477934360504f,
                                        -0.015222582966089249f, -0.006605417001992464f, 0.0001259827404282987f,
                                        0.000786125601734966f,  0.00018311779422219843f};

// x in [-80, 80] (Silu's FloatAccurate range and clamp).
template <class D, class V>
HWY_INLINE V SiluSlopeAwayFromRoot(D d, V x) {
  const V one = hn::Set(d, 1.0f);
  const V e = ExpInRange<4>(d, hn::Or(x, hn::SignBit(d)));  // e^-|x|, 2^k normal
  const V p = hn::Add(one, e);
  const V p_error = hn::Sub(e, hn::Sub(p, one));
  const auto non_negative = hn::Ge(x, hn::Zero(d));
  // p + x m + p_error, m = e from 0 up (p + x e), else 1 (p + x). Under
  // -0.5, 1 + x is exact (x is a multiple of ulp(x) <= 1 and |1 + x| < |x|),
  // so only the last sum of (1 + x) + e rounds.
  const V upper = hn::Add(hn::MulAdd(x, hn::IfThenElse(non_negative, e, one), p), p_error);
  const V sum = hn::IfThenElse(hn::Lt(x, hn::Set(d, -0.5f)), hn::Add(hn::Add(one, x), e), upper);
  const V factor = hn::IfThenElse(non_negative, one, e);
  const V numerator = hn::Mul(factor, sum);
  const V numerator_lo = hn::MulSub(factor, sum, numerator);
  V square, square_lo;
  OnePlusSquaredPair(d, e, &square, &square_lo);
  return DivideDoubleFloat(d, numerator, numerator_lo, square, square_lo);
}

struct Silu {
  using Precise = SiluInDouble;
  Precise precise;
  explicit Silu(const KernelArgs& a) : precise(a) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    return hn::Not(hn::Lt(x, hn::Set(d, -80.0f)));  // e^x stays a normal float (NaN: KeepNaN)
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return KeepNaN(x, hn::Mul(x, Logistic<4>(d, x))); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto near_root = hn::And(hn::Ge(x, hn::Set(d, kSiluWindowLow)), hn::Le(x, hn::Set(d, kSiluWindowHigh)));
    // silu'(80) is 1 in float, as at +inf (where x e would be inf * 0);
    // -inf is below FloatAccurate's range.
    const V away = SiluSlopeAwayFromRoot(d, hn::Min(x, hn::Set(d, 80.0f)));
    const V window = AroundRoot(d, x, kSiluRootHi, kSiluRootLo, kSiluSlopeNearRoot);
    return KeepNaN(x, hn::IfThenElse(near_root, window, away));
  }
};

struct Logsigmoid {
  explicit Logsigmoid(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return KeepNaN(x, hn::Neg(Softplus1Float(d, hn::Neg(x)))); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return KeepNaN(x, Logistic<4>(d, hn::Neg(x))); }
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
  HWY_INLINE V Forward(D d, V x) const {
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, above)), x, Softplus1Float(d, x)));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, above)), hn::Set(d, 1.0f), Logistic<4>(d, x)));
  }
};

// --- double lanes: the float64 kernels (the tail-stable forms above) -------
struct Sigmoid64 {
  explicit Sigmoid64(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return Logistic(d, x); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return LogisticSlope(d, x); }
};
struct Logsigmoid64 {
  explicit Logsigmoid64(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::Neg(Softplus1(d, hn::Neg(x))); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return Logistic(d, hn::Neg(x)); }
};
// softplus for binary64: beta x carried as hi + lo (TwoProduct) where it
// reaches e^(beta x) below 0, since a rounded beta x would cost |beta x| / 2
// ULP there; the threshold compares the exact product.
struct Softplus64 {
  double beta, threshold;
  explicit Softplus64(const KernelArgs& a) : beta(a.param[0]), threshold(a.param[1]) {}
  template <class D, class V>
  static V ScaledArgument(D d, V x, double beta, V& lo) {
    const V hi = TwoProduct(d, x, hn::Set(d, beta), lo);
    lo = hn::IfThenZeroElse(hn::IsInf(hi), lo);
    return hi;
  }
  template <class D, class V>
  auto Linear(D d, V hi, V lo) const {
    const V t = hn::Set(d, threshold);
    return hn::Or(hn::Gt(hi, t), hn::And(hn::Eq(hi, t), hn::Gt(lo, hn::Zero(d))));
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    V lo;
    const V hi = ScaledArgument(d, x, beta, lo);
    const V b = hn::Set(d, beta);
    const V e = ExpTimes(d, hn::Neg(hn::Abs(hi)), hn::IfThenElse(hn::Lt(hi, hn::Zero(d)), lo, hn::Neg(lo)), hn::Set(d, 1.0));
    const V curved = hn::Div(hn::Add(hn::IfThenElseZero(hn::Gt(hi, hn::Zero(d)), hi), Log1pUnit(d, e)), b);
    // Far below, log1p(e) = e: e / beta, exact where e alone is subnormal (TimesExpAgain).
    const V far = TimesExpAgain(d, hi, lo, e, hn::Set(d, 1.0 / beta));
    const V body = hn::IfThenElse(hn::Lt(hi, hn::Set(d, kExpTimesTiny)), far, curved);
    return hn::IfThenElse(Linear(d, hi, lo), x, body);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    // beta = 1 (the default): beta x is x, exact; the slope is sigmoid's.
    if (beta == 1.0) return hn::IfThenElse(Linear(d, x, hn::Zero(d)), hn::Set(d, 1.0), Logistic(d, x));
    V lo;
    const V hi = ScaledArgument(d, x, beta, lo);
    const V e = ExpTimes(d, hn::Neg(hn::Abs(hi)), hn::IfThenElse(hn::Lt(hi, hn::Zero(d)), lo, hn::Neg(lo)), hn::Set(d, 1.0));
    const V one = hn::Set(d, 1.0);
    const V logistic = hn::Div(hn::IfThenElse(hn::Ge(hi, hn::Zero(d)), one, e), hn::Add(one, e));
    return hn::IfThenElse(Linear(d, hi, lo), one, logistic);
  }
};

// silu in double lanes, for binary64 results: x / (1 + e) above 0 and
// x e / (1 + e) below (e = e^-|x|); its slope (p + x e) / p^2 above 0 and
// e g / p^2 below, p = 1 + e, g = 1 + x + e^x. g has a root r (silu' = 0);
// with t = x - r and 1 + r + e^r = 0 it is t + e^r expm1(t), two terms of
// t's sign: no cancellation anywhere below 0. x e^x and e^x g go through
// ExpTimes, so they stay exact where e^x alone is subnormal.
constexpr double kSiluSlopeRootHi = -1.2784645427610737, kSiluSlopeRootLo = -1.0946994183093437e-16;  // fit/float64.py
constexpr double kSiluSlopeRootExp = 0.2784645427610738;
struct Silu64 {
  explicit Silu64(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V e = ExpMinusAbs(d, x);
    const V p = hn::Add(hn::Set(d, 1.0), e);
    const V body = hn::Div(hn::IfThenElse(hn::Lt(x, hn::Zero(d)), TimesExpAgain(d, x, hn::Zero(d), e, x), x), p);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), body);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V e = ExpMinusAbs(d, x);
    const V above = hn::MulAdd(hn::Min(x, hn::Set(d, 800.0)), e, hn::Add(hn::Set(d, 1.0), e));  // +inf: e = 0
    const V t = hn::Sub(hn::Sub(x, hn::Set(d, kSiluSlopeRootHi)), hn::Set(d, kSiluSlopeRootLo));
    const V g = hn::MulAdd(hn::Set(d, kSiluSlopeRootExp), Expm1All(d, t), t);
    const auto negative = hn::Lt(x, hn::Zero(d));
    const V numerator = hn::IfThenElse(negative, TimesExpAgain(d, x, hn::Zero(d), e, g), above);
    const V body = hn::Div(numerator, OnePlusSquared(d, e));
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), body);
  }
};

ACTIVATION_SIMD_TARGET_KERNELS64(Sigmoid64)
ACTIVATION_SIMD_TARGET_KERNELS64(Logsigmoid64)
ACTIVATION_SIMD_TARGET_KERNELS64(Softplus64)
ACTIVATION_SIMD_TARGET_KERNELS64(Silu64)

ACTIVATION_SIMD_TARGET_KERNELS(Sigmoid)
ACTIVATION_SIMD_TARGET_KERNELS(Silu)
ACTIVATION_SIMD_TARGET_KERNELS(Logsigmoid)
ACTIVATION_SIMD_TARGET_KERNELS(Softplus)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/logistic.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Sigmoid)
ACTIVATION_SIMD_EXPORT_KERNELS(Silu)
ACTIVATION_SIMD_EXPORT_KERNELS(Logsigmoid)
ACTIVATION_SIMD_EXPORT_KERNELS(Softplus)
ACTIVATION_SIMD_EXPORT_KERNELS64(Sigmoid64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Logsigmoid64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Softplus64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Silu64)
}  // namespace activation::simd
#endif  // HWY_ONCE
