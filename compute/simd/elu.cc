// Vector kernels of the ELU family: elu, selu, celu. Lanes: every Highway
// target. Float lanes (bottom; the lean float Expm1/Exp of
// exp-inl.h) where they are accurate; otherwise double vectors with the
// scalar references' formulas (compute/exponential.cc, <= 1 ULP): expm1
// keeps tiny negative x accurate; celu's x / alpha is a double division, so
// e^(x/alpha) loses nothing to a rounded argument. Range: all floats
// (e^(x/alpha) overflows to inf for negative alpha as the reference does);
// NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/elu.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "compute/simd/exp-inl.h"
#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "compute/simd/params.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

// scale * (x where x > 0, else alpha * expm1(x / divisor)): the forward of
// elu, selu and celu; each derivative is written as its reference's.
struct ExponentialLinear {
  static constexpr bool kInDouble = true;
  double alpha, divisor, scale;
  template <class D, class V>
  V Negative(D d, V x) const { return divisor == 1.0 ? x : hn::Div(x, hn::Set(d, divisor)); }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V curved = hn::Mul(hn::Set(d, alpha), Expm1All(d, Negative(d, x)));
    const V body = hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, curved);
    return scale == 1.0 ? body : hn::Mul(hn::Set(d, scale), body);
  }
};

struct EluInDouble : ExponentialLinear {
  explicit EluInDouble(const KernelArgs& a) : ExponentialLinear{a.param[0], 1.0, 1.0} {}
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V curved = hn::Mul(hn::Set(d, alpha), ExpAll(d, x));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), curved);
  }
};

// PyTorch's constants.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
struct SeluInDouble : ExponentialLinear {
  explicit SeluInDouble(const KernelArgs&) : ExponentialLinear{kSeluAlpha, 1.0, kSeluScale} {}
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V curved = hn::Mul(hn::Set(d, kSeluAlpha), ExpAll(d, x));
    return hn::Mul(hn::Set(d, kSeluScale), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), curved));
  }
};

struct CeluInDouble : ExponentialLinear {
  explicit CeluInDouble(const KernelArgs& a) : ExponentialLinear{a.param[0], a.param[0], 1.0} {}
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), ExpAll(d, Negative(d, x)));
  }
};

// v * c for finite v, rounded about once: v itself when c is 1; a zero v
// gives v hi, signed.
template <class D, class V>
HWY_INLINE V MulFiniteByConstant(D d, V v, const SplitConstant& c) {
  if (c.hi == 1.0f && c.lo == 0.0f && c.scale == 1.0f) return v;
  if (c.scale != 1.0f) return MulByConstant(d, v, c);
  return WithProductSign(d, v, c.hi, hn::MulAdd(v, hn::Set(d, c.hi), hn::Mul(v, hn::Set(d, c.lo))));
}

// Float lanes: scale_pos * x above 0; below, scale_neg * expm1(x) and its
// slope slope_neg * e^x, with the lean float e^x - 1 and e^x of
// exp-inl.h (<= 1 ULP) and the constants split so the products round
// about once. Below -80 e^x would be subnormal: the double kernel takes the
// vector for the slope, as it does for celu with alpha != 1 (x / alpha
// would be rounded before the exponential). expm1 is -1 in float below -87.
template <class InDouble>
struct ExponentialLinearInFloat {
  using Precise = InDouble;
  Precise precise;
  bool float_ok;
  SplitConstant pos, neg, slope_neg;
  float slope_pos;
  ExponentialLinearInFloat(const KernelArgs& a, bool ok, double scale_pos, double scale_neg, double slope)
      : precise(a), float_ok(ok), pos(scale_pos), neg(scale_neg), slope_neg(slope),
        slope_pos(static_cast<float>(scale_pos)) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    if (!float_ok) return hn::FirstN(d, 0);
    if constexpr (kPass == Pass::kForward) return AllLanes(d);
    return hn::Not(hn::Lt(x, hn::Set(d, -80.0f)));
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V positive = pos.hi == 1.0f && pos.lo == 0.0f && pos.scale == 1.0f ? x : MulByConstant(d, x, pos);
    // min(0, x): x where both are zeros, so -0 stays -0.
    const V clamped = hn::Max(hn::Min(hn::Zero(d), x), hn::Set(d, -87.0f));
    const V negative = MulFiniteByConstant(d, hn::CopySign(Expm1InRange(d, clamped), clamped), neg);  // -0 stays
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), positive, negative));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V negative = MulFiniteByConstant(d, ExpInRange(d, hn::Min(x, hn::Zero(d))), slope_neg);
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, slope_pos), negative));
  }
};

struct Elu : ExponentialLinearInFloat<EluInDouble> {
  explicit Elu(const KernelArgs& a) : ExponentialLinearInFloat(a, true, 1.0, a.param[0], a.param[0]) {}
};
struct Selu : ExponentialLinearInFloat<SeluInDouble> {
  explicit Selu(const KernelArgs& a)
      : ExponentialLinearInFloat(a, true, kSeluScale, kSeluScale * kSeluAlpha, kSeluScale * kSeluAlpha) {}
};
struct Celu : ExponentialLinearInFloat<CeluInDouble> {
  explicit Celu(const KernelArgs& a) : ExponentialLinearInFloat(a, a.param[0] == 1.0, 1.0, 1.0, 1.0) {}
};

// float64: the double Ops above.
using Elu64 = EluInDouble;
using Selu64 = SeluInDouble;
// celu's slope e^(x / alpha) for binary64: a rounded x / alpha would cost
// |x / alpha| / 2 ULP, so the quotient is carried as hi + lo (its remainder
// x - hi alpha is exact) into ExpTimes; alpha = 1 (the default) needs no
// division.
struct Celu64 : CeluInDouble {
  using CeluInDouble::CeluInDouble;
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    V hi = x, lo = hn::Zero(d);
    if (alpha != 1.0) {
      const V a = hn::Set(d, alpha);
      hi = hn::Div(x, a);
      V product_error;
      const V product = TwoProduct(d, hi, a, product_error);
      lo = hn::Div(hn::Sub(hn::Sub(x, product), product_error), a);
    }
    const V curved = hn::IfThenElse(hn::Gt(hi, hn::Set(d, 709.0)), hn::Set(d, HUGE_VAL),
                                    ExpTimes(d, hi, hn::IfThenZeroElse(hn::IsInf(hi), lo), hn::Set(d, 1.0)));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), curved);
  }
};
ACTIVATION_SIMD_TARGET_KERNELS64(Elu64)
ACTIVATION_SIMD_TARGET_KERNELS64(Selu64)
ACTIVATION_SIMD_TARGET_KERNELS64(Celu64)

ACTIVATION_SIMD_TARGET_KERNELS(Elu)
ACTIVATION_SIMD_TARGET_KERNELS(Selu)
ACTIVATION_SIMD_TARGET_KERNELS(Celu)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/elu.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Elu)
ACTIVATION_SIMD_EXPORT_KERNELS(Selu)
ACTIVATION_SIMD_EXPORT_KERNELS(Celu)
ACTIVATION_SIMD_EXPORT_KERNELS64(Elu64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Selu64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Celu64)
}  // namespace activation::simd
#endif  // HWY_ONCE
