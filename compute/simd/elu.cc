// Vector kernels of the ELU family: elu, selu, celu. Lanes: every Highway
// target, in double vectors with the scalar references' formulas
// (compute/exponential.cc): expm1 keeps tiny negative x accurate; celu's
// x / alpha is a double division, so e^(x/alpha) loses nothing to a rounded
// argument. Accuracy: <= 1 ULP. Range: all floats (e^(x/alpha) overflows to
// inf for negative alpha as the reference does); NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/elu.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
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
  V Forward(D d, V x) const {
    const V curved = hn::Mul(hn::Set(d, alpha), Expm1All(d, Negative(d, x)));
    const V body = hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, curved);
    return scale == 1.0 ? body : hn::Mul(hn::Set(d, scale), body);
  }
};

struct Elu : ExponentialLinear {
  explicit Elu(const KernelArgs& a) : ExponentialLinear{a.param[0], 1.0, 1.0} {}
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V curved = hn::Mul(hn::Set(d, alpha), ExpAll(d, x));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), curved);
  }
};

// PyTorch's constants.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
struct Selu : ExponentialLinear {
  explicit Selu(const KernelArgs&) : ExponentialLinear{kSeluAlpha, 1.0, kSeluScale} {}
  template <class D, class V>
  V Derivative(D d, V x) const {
    const V curved = hn::Mul(hn::Set(d, kSeluAlpha), ExpAll(d, x));
    return hn::Mul(hn::Set(d, kSeluScale), hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), curved));
  }
};

struct Celu : ExponentialLinear {
  explicit Celu(const KernelArgs& a) : ExponentialLinear{a.param[0], a.param[0], 1.0} {}
  template <class D, class V>
  V Derivative(D d, V x) const {
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0), ExpAll(d, Negative(d, x)));
  }
};

ACTIVATION_SIMD_TARGET_KERNELS(Elu)
ACTIVATION_SIMD_TARGET_KERNELS(Selu)
ACTIVATION_SIMD_TARGET_KERNELS(Celu)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/kernels.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Elu)
ACTIVATION_SIMD_EXPORT_KERNELS(Selu)
ACTIVATION_SIMD_EXPORT_KERNELS(Celu)
}  // namespace activation::simd
#endif  // HWY_ONCE
