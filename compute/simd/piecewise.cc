// Vector kernels of the piecewise-linear activations: step, relu,
// leaky_relu/prelu, hardtanh, relu6, hardsigmoid, hardswish, softshrink,
// hardshrink, threshold. Lanes: every Highway target (EMU128 .. AVX-512).
// Accuracy: comparisons and clamps are exact (double thresholds become the
// float on the right side, see params.h); products and sums with a double
// parameter round once (<= 1 ULP, usually 0); hardsigmoid and hardswish
// divide by 6 after an exact or once-rounded x + 3 (<= 2 ULP). Range: all
// floats; NaN in -> NaN out in forward and derivative; the kink conventions
// are the reference kernels' (compute/classic.cc, compute/piecewise.cc).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/piecewise.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"  // WithProductSign
#include "compute/simd/params.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

// 1 where x > 0, 0 where x <= 0, NaN for NaN.
template <class D, class V>
HWY_INLINE V UnitStepAbove(D d, V x, V threshold) {
  return KeepNaN(x, hn::IfThenElseZero(hn::Gt(x, threshold), hn::Set(d, 1.0f)));
}

struct Step {
  float above;  // x > threshold  <=>  x > above
  explicit Step(const KernelArgs& a) : above(RoundDown(a.param[0])) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return UnitStepAbove(d, x, hn::Set(d, above)); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return KeepNaN(x, hn::Zero(d)); }
};

struct Relu {
  explicit Relu(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::IfThenZeroElse(hn::Le(x, hn::Zero(d)), x); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return UnitStepAbove(d, x, hn::Zero(d)); }
};

// x where x > 0, else slope * x rounded once like the double reference:
// fma(x, hi, x * lo). Tiny x is first scaled by 2^64 (exactly) so that
// x * lo does not underflow, and inf skips the lo term (inf - inf). A
// vector without tiny lanes, for a slope of ordinary size whose hi and lo
// share a sign (no inf - inf), needs neither step: one fma and one product;
// a slope that is a float needs one product.
struct LeakyRelu {
  SplitConstant slope;
  float derivative;  // the slope rounded once, as the reference returns it
  bool exact;        // the slope is a float: x * hi is the rounded product
  bool plain;        // slope.scale == 1 and lo has hi's sign
  explicit LeakyRelu(const KernelArgs& a)
      : slope(a.param[0]), derivative(static_cast<float>(a.param[0])),
        exact(slope.scale == 1.0f && slope.lo == 0.0f),
        plain(slope.scale == 1.0f && slope.lo != 0.0f && (slope.lo > 0) == (slope.hi > 0)) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const auto tiny = hn::Lt(hn::Abs(x), hn::Set(d, 0x1p-60f));
    V negative;
    if (exact) {
      negative = hn::Mul(x, hn::Set(d, slope.hi));
    } else if (plain && hn::AllFalse(d, tiny)) {
      negative = hn::MulAdd(x, hn::Set(d, slope.hi), hn::Mul(x, hn::Set(d, slope.lo)));
    } else {
      const V xs = hn::IfThenElse(tiny, hn::Mul(x, hn::Set(d, 0x1p64f)), x);
      const V lo_term = hn::Mul(hn::IfThenZeroElse(hn::IsInf(x), xs), hn::Set(d, slope.lo));
      const V scaled = hn::Mul(hn::MulAdd(xs, hn::Set(d, slope.hi), lo_term), hn::Set(d, slope.scale));
      negative = hn::IfThenElse(tiny, hn::Mul(scaled, hn::Set(d, 0x1p-64f)), scaled);
    }
    // A zero x gives x slope, signed: x itself for a slope >= 0.
    if (slope.hi >= 0) return hn::IfThenElse(hn::Ge(x, hn::Zero(d)), x, negative);
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, WithProductSign(d, x, slope.hi, negative));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0f), hn::Set(d, derivative)));
  }
};

// Clamp to [lo, hi]; slope 1 strictly inside, 0 at and beyond both ends.
struct Clamp {
  float below, above;    // x < lo <=> x < below; x > hi <=> x > above
  float lo_out, hi_out;  // the clamped values, rounded as the reference rounds them
  float lo_in, hi_in;    // x > lo <=> x > lo_in; x < hi <=> x < hi_in
  Clamp(double lo, double hi)
      : below(RoundUp(lo)), above(RoundDown(hi)), lo_out(static_cast<float>(lo)),
        hi_out(static_cast<float>(hi)), lo_in(RoundDown(lo)), hi_in(RoundUp(hi)) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V low = hn::IfThenElse(hn::Lt(x, hn::Set(d, below)), hn::Set(d, lo_out), x);
    return hn::IfThenElse(hn::Gt(x, hn::Set(d, above)), hn::Set(d, hi_out), low);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto inside = hn::And(hn::Gt(x, hn::Set(d, lo_in)), hn::Lt(x, hn::Set(d, hi_in)));
    return KeepNaN(x, hn::IfThenElseZero(inside, hn::Set(d, 1.0f)));
  }
};
struct Hardtanh : Clamp {
  explicit Hardtanh(const KernelArgs& a) : Clamp(a.param[0], a.param[1]) {}
};
struct Relu6 : Clamp {
  explicit Relu6(const KernelArgs&) : Clamp(0.0, 6.0) {}
};

// 0 at and below -3, 1 at and above 3, (x + 3) / 6 between: x + 3 is exact
// near -3 (Sterbenz), so the result keeps its relative accuracy down to 0.
struct Hardsigmoid {
  explicit Hardsigmoid(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V three = hn::Set(d, 3.0f);
    const V mid = hn::Div(hn::Add(x, three), hn::Set(d, 6.0f));
    const V low = hn::IfThenZeroElse(hn::Le(x, hn::Neg(three)), mid);
    return hn::IfThenElse(hn::Ge(x, three), hn::Set(d, 1.0f), low);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V three = hn::Set(d, 3.0f);
    const auto inside = hn::And(hn::Gt(x, hn::Neg(three)), hn::Lt(x, three));
    return KeepNaN(x, hn::IfThenElseZero(inside, hn::Set(d, static_cast<float>(1.0 / 6.0))));
  }
};

// 0 at and below -3, x at and above 3, x (x + 3) / 6 between; derivative
// (x + 1.5) / 3 on [-3, 3] (PyTorch CPU autograd: 1.5 at 3, -0.5 at -3).
struct Hardswish {
  explicit Hardswish(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V three = hn::Set(d, 3.0f);
    const V mid = hn::Div(hn::Mul(x, hn::Add(x, three)), hn::Set(d, 6.0f));
    const V low = hn::IfThenZeroElse(hn::Le(x, hn::Neg(three)), mid);
    return hn::IfThenElse(hn::Ge(x, three), x, low);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V three = hn::Set(d, 3.0f);
    const V mid = hn::Div(hn::Add(x, hn::Set(d, 1.5f)), three);
    const V low = hn::IfThenZeroElse(hn::Lt(x, hn::Neg(three)), mid);
    return hn::IfThenElse(hn::Gt(x, three), hn::Set(d, 1.0f), low);
  }
};

// Zero band [-lambd, lambd]; slope 1 outside it.
struct Shrink {
  float above;        // |x| > lambd <=> |x| > above
  SplitAddend lambd;  // x -+ lambd rounded once: (x - hi) is exact near the band
  explicit Shrink(const KernelArgs& a) : above(RoundDown(a.param[0])), lambd(a.param[0]) {}
  template <class D, class V>
  auto Outside(D d, V x) const { return hn::Gt(hn::Abs(x), hn::Set(d, above)); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return KeepNaN(x, hn::IfThenElseZero(Outside(d, x), hn::Set(d, 1.0f))); }
};
struct Softshrink : Shrink {
  using Shrink::Shrink;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V hi = hn::CopySign(hn::Set(d, lambd.hi), x);
    const V lo = hn::CopySign(hn::Set(d, lambd.lo), x);
    return KeepNaN(x, hn::IfThenElseZero(Outside(d, x), hn::Sub(hn::Sub(x, hi), lo)));
  }
};
struct Hardshrink : Shrink {
  using Shrink::Shrink;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return KeepNaN(x, hn::IfThenElseZero(Outside(d, x), x)); }
};

struct Threshold {
  float above, value;
  explicit Threshold(const KernelArgs& a)
      : above(RoundDown(a.param[0])), value(static_cast<float>(a.param[1])) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Set(d, above)), x, hn::Set(d, value)));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return UnitStepAbove(d, x, hn::Set(d, above)); }
};

// --- double lanes: the float64 kernels --------------------------------------
// The parameters are doubles already, so comparisons and the single product
// or sum of each formula round once (0 ULP; hardsigmoid and hardswish <= 2).
// NaN is handled by the map.

struct Step64 {
  double threshold;
  explicit Step64(const KernelArgs& a) : threshold(a.param[0]) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::IfThenElseZero(hn::Gt(x, hn::Set(d, threshold)), hn::Set(d, 1.0)); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V) const { return hn::Zero(d); }
};

struct Relu64 {
  explicit Relu64(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::IfThenZeroElse(hn::Le(x, hn::Zero(d)), x); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0)); }
};

struct LeakyRelu64 {
  double slope;
  explicit LeakyRelu64(const KernelArgs& a) : slope(a.param[0]) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, hn::Mul(x, hn::Set(d, slope))); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), hn::Set(d, slope));
  }
};

struct Clamp64 {
  double lo, hi;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V low = hn::IfThenElse(hn::Lt(x, hn::Set(d, lo)), hn::Set(d, lo), x);
    return hn::IfThenElse(hn::Gt(x, hn::Set(d, hi)), hn::Set(d, hi), low);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto inside = hn::And(hn::Gt(x, hn::Set(d, lo)), hn::Lt(x, hn::Set(d, hi)));
    return hn::IfThenElseZero(inside, hn::Set(d, 1.0));
  }
};
struct Hardtanh64 : Clamp64 {
  explicit Hardtanh64(const KernelArgs& a) : Clamp64{a.param[0], a.param[1]} {}
};
struct Relu664 : Clamp64 {
  explicit Relu664(const KernelArgs&) : Clamp64{0.0, 6.0} {}
};

// The float Ops' forward formulas hold in double lanes unchanged.
struct Hardsigmoid64 : Hardsigmoid {
  using Hardsigmoid::Hardsigmoid;
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V three = hn::Set(d, 3.0);
    const auto inside = hn::And(hn::Gt(x, hn::Neg(three)), hn::Lt(x, three));
    return hn::IfThenElseZero(inside, hn::Set(d, 1.0 / 6.0));
  }
};
struct Hardswish64 : Hardswish {
  using Hardswish::Hardswish;
};

struct Shrink64 {
  double lambd;
  explicit Shrink64(const KernelArgs& a) : lambd(a.param[0]) {}
  template <class D, class V>
  auto Outside(D d, V x) const { return hn::Gt(hn::Abs(x), hn::Set(d, lambd)); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return hn::IfThenElseZero(Outside(d, x), hn::Set(d, 1.0)); }
};
struct Softshrink64 : Shrink64 {
  using Shrink64::Shrink64;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return hn::IfThenElseZero(Outside(d, x), hn::Sub(x, hn::CopySign(hn::Set(d, lambd), x)));
  }
};
struct Hardshrink64 : Shrink64 {
  using Shrink64::Shrink64;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::IfThenElseZero(Outside(d, x), x); }
};

struct Threshold64 {
  double threshold, value;
  explicit Threshold64(const KernelArgs& a) : threshold(a.param[0]), value(a.param[1]) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return hn::IfThenElse(hn::Gt(x, hn::Set(d, threshold)), x, hn::Set(d, value)); }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return hn::IfThenElseZero(hn::Gt(x, hn::Set(d, threshold)), hn::Set(d, 1.0));
  }
};

ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Step64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Relu64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(LeakyRelu64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Hardtanh64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Relu664)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Hardsigmoid64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Hardswish64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Softshrink64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Hardshrink64)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Threshold64)

ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Step)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Relu)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(LeakyRelu)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Hardtanh)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Relu6)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Hardsigmoid)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Hardswish)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Softshrink)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Hardshrink)
ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Threshold)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/piecewise.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Step)
ACTIVATION_SIMD_EXPORT_KERNELS(Relu)
ACTIVATION_SIMD_EXPORT_KERNELS(LeakyRelu)
ACTIVATION_SIMD_EXPORT_KERNELS(Hardtanh)
ACTIVATION_SIMD_EXPORT_KERNELS(Relu6)
ACTIVATION_SIMD_EXPORT_KERNELS(Hardsigmoid)
ACTIVATION_SIMD_EXPORT_KERNELS(Hardswish)
ACTIVATION_SIMD_EXPORT_KERNELS(Softshrink)
ACTIVATION_SIMD_EXPORT_KERNELS(Hardshrink)
ACTIVATION_SIMD_EXPORT_KERNELS(Threshold)
ACTIVATION_SIMD_EXPORT_KERNELS64(Step64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Relu64)
ACTIVATION_SIMD_EXPORT_KERNELS64(LeakyRelu64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Hardtanh64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Relu664)
ACTIVATION_SIMD_EXPORT_KERNELS64(Hardsigmoid64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Hardswish64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Softshrink64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Hardshrink64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Threshold64)
}  // namespace activation::simd
#endif  // HWY_ONCE
