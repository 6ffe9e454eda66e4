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
// An Op with `static constexpr bool kInDouble = true` receives double
// vectors (half as many lanes): for formulas whose float evaluation would
// cancel (derivatives with a root inside the range, small differences of
// transcendental terms), as the scalar references do in double.
#if defined(ACTIVATION_COMPUTE_SIMD_MAP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "compute/activation.h"
#include "compute/simd/streaming.h"  // kStreamFromBytes
#include "hwy/cache_control.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

enum class Pass { kForward, kDerivative, kVjp };

// v where x is not NaN, else x: NaN in -> NaN out, also where a formula
// (or a vector exp) would turn NaN into a number.
template <class V>
HWY_INLINE V KeepNaN(V x, V v) {
  return hn::IfThenElse(hn::IsNaN(x), x, v);
}

template <class D>
HWY_INLINE auto AllLanes(D d) {
  return hn::FirstN(d, hn::Lanes(d));
}

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

// Rounds double lanes to float. The emulated targets' DemoteTo clamps to
// +-FLT_MAX; a float conversion per lane keeps overflow to inf, as the
// references (and the x86 conversion instructions) do.
template <class DF, class VD>
HWY_INLINE hn::Vec<DF> RoundToFloat(DF df, VD v) {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
  const hn::Rebind<double, DF> dd;
  alignas(HWY_MAX_BYTES) double wide[HWY_MAX_BYTES / sizeof(double)];
  alignas(HWY_MAX_BYTES) float narrow[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(v, dd, wide);
  for (std::size_t i = 0; i < hn::Lanes(df); ++i) narrow[i] = static_cast<float>(wide[i]);
  return hn::Load(df, narrow);
#else
  return hn::DemoteTo(df, v);
#endif
}

// One step of MapInDouble: f or f' in double, rounded to float once; the VJP
// multiplies the rounded f' by g in float, as the reference does.
template <Pass kPass, class Op, class DF, class VF>
HWY_INLINE VF ApplyInDouble(const Op& op, DF df, VF x, VF g) {
  const hn::Rebind<double, DF> dd;
  const auto xd = hn::PromoteTo(dd, x);
  // NaN in -> NaN out for every function here (the vector exp/log return
  // finite values for NaN), so the ops need not handle it.
  const auto nan = hn::IsNaN(xd);
  if constexpr (kPass == Pass::kForward) {
    (void)g;
    return RoundToFloat(df, hn::IfThenElse(nan, xd, op.Forward(dd, xd)));
  } else {
    const VF derivative = RoundToFloat(df, hn::IfThenElse(nan, xd, op.Derivative(dd, xd)));
    if constexpr (kPass == Pass::kDerivative) {
      (void)g;
      return derivative;
    } else {
      return hn::Mul(g, derivative);
    }
  }
}

// A float Op may name a double Op `Precise` (member `precise`) and a mask
// `template <Pass> FloatAccurate(d, x)` of the lanes its float formulas get
// right; a vector with any other lane (a rare tail region, say) is
// evaluated by the double Op instead, so the fast path never costs accuracy.
template <class Op, class = void>
struct HasPrecise : std::false_type {};
template <class Op>
struct HasPrecise<Op, std::void_t<typename Op::Precise>> : std::true_type {};

template <Pass kPass, class Precise, class D, class V>
HWY_NOINLINE V ApplyPrecise(const Precise& precise, D d, V x, V g) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> dh;  // as many float lanes as double lanes
  alignas(HWY_MAX_BYTES) float xs[HWY_MAX_BYTES / sizeof(float)];
  alignas(HWY_MAX_BYTES) float gs[HWY_MAX_BYTES / sizeof(float)];
  alignas(HWY_MAX_BYTES) float out[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(x, d, xs);
  hn::Store(g, d, gs);
  for (std::size_t i = 0; i < hn::Lanes(d); i += hn::Lanes(dh)) {
    hn::Store(ApplyInDouble<kPass>(precise, dh, hn::Load(dh, xs + i), hn::Load(dh, gs + i)), dh, out + i);
  }
  return hn::Load(d, out);
}

template <Pass kPass, class Op, class D, class V>
HWY_INLINE V ApplyFloat(const Op& op, D d, V x, V g) {
  if constexpr (HasPrecise<Op>::value) {
    if (!hn::AllTrue(d, op.template FloatAccurate<kPass>(d, x))) {
      return ApplyPrecise<kPass>(op.precise, d, x, g);
    }
  }
  return Apply<kPass>(op, d, x, g);
}

// The last partial vector (and a streaming loop's first) goes through a
// zero-padded stack copy: a masked load is not available on every target
// and a full load could read past the caller's buffer into an unmapped page.
// out[begin, end) = step(x, g) for end - begin <= Lanes(d).
template <class D, class T, class Step>
HWY_INLINE void ThroughStackCopy(D d, Step step, const T* x, const T* g, T* out, std::size_t begin,
                                 std::size_t end, bool reads_g) {
  alignas(HWY_MAX_BYTES) T xs[HWY_MAX_BYTES / sizeof(T)] = {};
  alignas(HWY_MAX_BYTES) T gs[HWY_MAX_BYTES / sizeof(T)] = {};
  alignas(HWY_MAX_BYTES) T outs[HWY_MAX_BYTES / sizeof(T)];
  std::copy(x + begin, x + end, xs);
  if (reads_g) std::copy(g + begin, g + end, gs);
  hn::Store(step(hn::Load(d, xs), hn::Load(d, gs)), d, outs);
  std::copy(outs, outs + (end - begin), out + begin);
}

// Which loops stream. Memory-bound families (MapMemoryBound,
// MapMemoryBound64) on every target; other float loops where a vector fills
// a cache line (AVX-512); the rest never: on narrower vectors, and in
// double lanes on any, streaming made some arithmetic-bound kernels slower.
enum class Streaming { kNever, kWholeLines, kAnyWidth };

// Whether a loop writes its n outputs with streaming stores, which need a
// vector-aligned address: then `head` (< one vector) elements come first,
// through ThroughStackCopy, to reach that alignment.
template <class D, class T>
HWY_INLINE bool StreamsOutput(D d, Streaming streaming, const T* out, std::size_t n, std::size_t* head) {
  const std::size_t vector_bytes = hn::Lanes(d) * sizeof(T);
  const auto address = reinterpret_cast<std::uintptr_t>(out);
  *head = 0;
  if (n * sizeof(T) < kStreamFromBytes || address % sizeof(T) != 0) return false;
  constexpr std::size_t kCacheLineBytes = 64;
  if (streaming == Streaming::kNever || (streaming == Streaming::kWholeLines && vector_bytes < kCacheLineBytes)) {
    return false;
  }
  *head = (vector_bytes - address % vector_bytes) % vector_bytes / sizeof(T);
  return true;
}

template <class D, class V, class T>
HWY_INLINE void StoreOut(V v, D d, T* p, bool stream) {
  if (stream) {
    hn::Stream(v, d, p);
  } else {
    hn::StoreU(v, d, p);
  }
}

template <class Op, class = void>
struct InDouble : std::false_type {};
template <class Op>
struct InDouble<Op, std::void_t<decltype(Op::kInDouble)>> : std::bool_constant<Op::kInDouble> {};

// out[i] = pass(x[i], g[i]); g is read only for the VJP. Four vectors per
// step keep enough loads in flight to reach memory bandwidth; the tail uses
// a zero-padded copy, so no element is computed twice or out of bounds.
template <Pass kPass, Streaming kStreaming = Streaming::kWholeLines, class Op>
HWY_INLINE void MapInFloat(const Op& op, const float* x, const float* g, float* out, std::size_t n) {
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  constexpr bool kReadsG = kPass == Pass::kVjp;
  const auto step = [&](auto vx, auto vg) { return ApplyFloat<kPass>(op, d, vx, vg); };
  std::size_t i = 0;
  const bool stream = StreamsOutput(d, kStreaming, out, n, &i);
  if (i != 0) ThroughStackCopy(d, step, x, g, out, 0, i, kReadsG);
  for (; i + 4 * N <= n; i += 4 * N) {
    const auto x0 = hn::LoadU(d, x + i);
    const auto x1 = hn::LoadU(d, x + i + N);
    const auto x2 = hn::LoadU(d, x + i + 2 * N);
    const auto x3 = hn::LoadU(d, x + i + 3 * N);
    const auto g0 = kReadsG ? hn::LoadU(d, g + i) : zero;
    const auto g1 = kReadsG ? hn::LoadU(d, g + i + N) : zero;
    const auto g2 = kReadsG ? hn::LoadU(d, g + i + 2 * N) : zero;
    const auto g3 = kReadsG ? hn::LoadU(d, g + i + 3 * N) : zero;
    StoreOut(ApplyFloat<kPass>(op, d, x0, g0), d, out + i, stream);
    StoreOut(ApplyFloat<kPass>(op, d, x1, g1), d, out + i + N, stream);
    StoreOut(ApplyFloat<kPass>(op, d, x2, g2), d, out + i + 2 * N, stream);
    StoreOut(ApplyFloat<kPass>(op, d, x3, g3), d, out + i + 3 * N, stream);
  }
  for (; i + N <= n; i += N) {
    const auto g0 = kReadsG ? hn::LoadU(d, g + i) : zero;
    StoreOut(ApplyFloat<kPass>(op, d, hn::LoadU(d, x + i), g0), d, out + i, stream);
  }
  if (i < n) ThroughStackCopy(d, step, x, g, out, i, n, kReadsG);
  if (stream) hwy::FlushStream();
}

// Ordinary stores only (Streaming).
template <Pass kPass, class Op>
HWY_INLINE void MapInDouble(const Op& op, const float* x, const float* g, float* out, std::size_t n) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> df;  // as many float lanes as double lanes
  const std::size_t N = hn::Lanes(dd);
  const auto zero = hn::Zero(df);
  constexpr bool kReadsG = kPass == Pass::kVjp;
  const auto step = [&](auto vx, auto vg) { return ApplyInDouble<kPass>(op, df, vx, vg); };
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto g0 = kReadsG ? hn::LoadU(df, g + i) : zero;
    const auto g1 = kReadsG ? hn::LoadU(df, g + i + N) : zero;
    const auto y0 = ApplyInDouble<kPass>(op, df, hn::LoadU(df, x + i), g0);
    const auto y1 = ApplyInDouble<kPass>(op, df, hn::LoadU(df, x + i + N), g1);
    hn::StoreU(y0, df, out + i);
    hn::StoreU(y1, df, out + i + N);
  }
  for (; i < n; i += N) ThroughStackCopy(df, step, x, g, out, i, std::min(n, i + N), kReadsG);
}

template <Pass kPass, class Op>
HWY_INLINE void Map(const Op& op, const float* x, const float* g, float* out, std::size_t n) {
  if constexpr (InDouble<Op>::value) {
    MapInDouble<kPass>(op, x, g, out, n);
  } else {
    MapInFloat<kPass>(op, x, g, out, n);
  }
}

// Map for a memory-bound family (piecewise-linear): float lanes, large
// outputs streamed on every target.
template <Pass kPass, class Op>
HWY_INLINE void MapMemoryBound(const Op& op, const float* x, const float* g, float* out, std::size_t n) {
  static_assert(!InDouble<Op>::value, "memory-bound ops run in float lanes");
  MapInFloat<kPass, Streaming::kAnyWidth>(op, x, g, out, n);
}

// float64 in and out: out[i] = pass(x[i], g[i]) in double lanes, NaN in ->
// NaN out whatever the Op computes for it. The VJP is g * f'(x), f' rounded
// first, as for float. Ordinary stores unless a memory-bound family asks
// (Streaming).
template <Pass kPass, Streaming kStreaming = Streaming::kNever, class Op>
HWY_INLINE void MapFloat64(const Op& op, const double* x, const double* g, double* out, std::size_t n) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  constexpr bool kReadsG = kPass == Pass::kVjp;
  const auto step = [&](auto vx, auto vg) { return KeepNaN(vx, Apply<kPass>(op, d, vx, vg)); };
  std::size_t i = 0;
  const bool stream = StreamsOutput(d, kStreaming, out, n, &i);
  if (i != 0) ThroughStackCopy(d, step, x, g, out, 0, i, kReadsG);
  for (; i + N <= n; i += N) {
    StoreOut(step(hn::LoadU(d, x + i), kReadsG ? hn::LoadU(d, g + i) : hn::Zero(d)), d, out + i, stream);
  }
  if (i < n) ThroughStackCopy(d, step, x, g, out, i, n, kReadsG);
  if (stream) hwy::FlushStream();
}

// MapFloat64 for a memory-bound family.
template <Pass kPass, class Op>
HWY_INLINE void MapMemoryBound64(const Op& op, const double* x, const double* g, double* out, std::size_t n) {
  MapFloat64<kPass, Streaming::kAnyWidth>(op, x, g, out, n);
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

// Defines, for the current target, the three kernels of `Op` over T arrays
// with the loop `MapFn` as plain functions <Op>Forward, <Op>Derivative and
// <Op>Vjp (what HWY_EXPORT needs).
#define ACTIVATION_SIMD_TARGET_KERNELS_OF(Op, T, MapFn)                                 \
  void Op##Forward(const T* x, T* out, std::size_t n, const KernelArgs& args) {         \
    MapFn<Pass::kForward>(Op(args), x, nullptr, out, n);                                \
  }                                                                                     \
  void Op##Derivative(const T* x, T* out, std::size_t n, const KernelArgs& args) {      \
    MapFn<Pass::kDerivative>(Op(args), x, nullptr, out, n);                             \
  }                                                                                     \
  void Op##Vjp(const T* x, const T* g, T* out, std::size_t n, const KernelArgs& args) { \
    MapFn<Pass::kVjp>(Op(args), x, g, out, n);                                          \
  }
#define ACTIVATION_SIMD_TARGET_KERNELS(Op) ACTIVATION_SIMD_TARGET_KERNELS_OF(Op, float, Map)
// The float kernels of a memory-bound `Op` (MapMemoryBound).
#define ACTIVATION_SIMD_MEMORY_BOUND_KERNELS(Op) ACTIVATION_SIMD_TARGET_KERNELS_OF(Op, float, MapMemoryBound)
#define ACTIVATION_SIMD_MEMORY_BOUND_KERNELS64(Op) ACTIVATION_SIMD_TARGET_KERNELS_OF(Op, double, MapMemoryBound64)
// The float64 kernels of `Op`: double arrays, double lanes.
#define ACTIVATION_SIMD_TARGET_KERNELS64(Op) ACTIVATION_SIMD_TARGET_KERNELS_OF(Op, double, MapFloat64)

#endif  // ACTIVATION_COMPUTE_SIMD_MAP_INL_H_
