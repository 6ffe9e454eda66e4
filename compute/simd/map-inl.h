// Per-target loops that apply an activation's vector operations over arrays:
// the one place that walks memory, so every kernel gets the same unrolling
// and the same masked tail. Included once per Highway target (no classic
// include guard: the HWY_TARGET_TOGGLE pattern below re-includes it).
//
// An Op is a struct constructed from KernelArgs (it converts the double
// parameters once per call) with
//   template <class D, class V> V Forward(D d, V x) const;
//   template <class D, class V> V Derivative(D d, V x) const;
// The VJP is always grad_output * Derivative(x), exactly as the scalar
// reference computes it, so the two agree bit for bit wherever f' does.
#if defined(ACTIVATION_COMPUTE_SIMD_MAP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
#endif

#include <cstddef>

#include "compute/activation.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

enum class Pass { kForward, kDerivative, kVjp };

template <Pass kPass, class Op, class D, class V>
HWY_INLINE V Apply(const Op& op, D d, V x, V g) {
  if constexpr (kPass == Pass::kForward) {
    (void)g;
    return op.Forward(d, x);
  } else if constexpr (kPass == Pass::kDerivative) {
    (void)g;
    return op.Derivative(d, x);
  } else {
    return hn::Mul(g, op.Derivative(d, x));
  }
}

// out[i] = pass(x[i], g[i]); g is read only for the VJP. Four vectors per
// step keep enough loads in flight to reach memory bandwidth; the tail uses
// a masked load and store, so no element is computed twice or out of bounds.
template <Pass kPass, class Op>
HWY_INLINE void Map(const Op& op, const float* x, const float* g, float* out, std::size_t n) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  constexpr bool kReadsG = kPass == Pass::kVjp;
  std::size_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    const auto x0 = hn::LoadU(d, x + i);
    const auto x1 = hn::LoadU(d, x + i + N);
    const auto x2 = hn::LoadU(d, x + i + 2 * N);
    const auto x3 = hn::LoadU(d, x + i + 3 * N);
    const auto g0 = kReadsG ? hn::LoadU(d, g + i) : zero;
    const auto g1 = kReadsG ? hn::LoadU(d, g + i + N) : zero;
    const auto g2 = kReadsG ? hn::LoadU(d, g + i + 2 * N) : zero;
    const auto g3 = kReadsG ? hn::LoadU(d, g + i + 3 * N) : zero;
    hn::StoreU(Apply<kPass>(op, d, x0, g0), d, out + i);
    hn::StoreU(Apply<kPass>(op, d, x1, g1), d, out + i + N);
    hn::StoreU(Apply<kPass>(op, d, x2, g2), d, out + i + 2 * N);
    hn::StoreU(Apply<kPass>(op, d, x3, g3), d, out + i + 3 * N);
  }
  for (; i + N <= n; i += N) {
    const auto g0 = kReadsG ? hn::LoadU(d, g + i) : zero;
    hn::StoreU(Apply<kPass>(op, d, hn::LoadU(d, x + i), g0), d, out + i);
  }
  if (i < n) {
    const auto mask = hn::FirstN(d, n - i);
    const auto g0 = kReadsG ? hn::MaskedLoad(mask, d, g + i) : zero;
    hn::BlendedStore(Apply<kPass>(op, d, hn::MaskedLoad(mask, d, x + i), g0), mask, d, out + i);
  }
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

// Defines, for the current target, the three kernels of `Op` as plain
// functions <Op>Forward, <Op>Derivative and <Op>Vjp (what HWY_EXPORT needs).
#define ACTIVATION_SIMD_TARGET_KERNELS(Op)                                                         \
  void Op##Forward(const float* x, float* out, std::size_t n, const KernelArgs& args) {           \
    Map<Pass::kForward>(Op(args), x, nullptr, out, n);                                             \
  }                                                                                                \
  void Op##Derivative(const float* x, float* out, std::size_t n, const KernelArgs& args) {        \
    Map<Pass::kDerivative>(Op(args), x, nullptr, out, n);                                          \
  }                                                                                                \
  void Op##Vjp(const float* x, const float* g, float* out, std::size_t n, const KernelArgs& args) { \
    Map<Pass::kVjp>(Op(args), x, g, out, n);                                                       \
  }

#endif  // ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
