// Vector conversions between float32 and float16 / bfloat16 bit patterns,
// and the narrow VJP's product, rounded once.
// Lanes: every Highway target. Widening is exact; narrowing rounds to
// nearest, ties to even, keeps NaN a NaN and overflows to inf. float16 uses
// PromoteTo/DemoteTo where they are F16C's instructions (AVX2 and up), else
// integer operations, as Highway 1.0's portable versions truncate and
// mistake inf and NaN; bfloat16 widens with PromoteTo and narrows with
// integer operations (Highway 1.0's DemoteTo truncates).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/convert.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "compute/simd/convert.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Float bits (as int32 lanes, all < 2^31 after the sign is cleared) to the
// float16 bit pattern in the low 16 bits.
template <class D, class VI>
HWY_INLINE VI HalfBits(D df, VI bits) {
  const hn::RebindToSigned<D> di;
  const VI sign = hn::And(hn::ShiftRight<16>(bits), hn::Set(di, 0x8000));
  const VI abs = hn::And(bits, hn::Set(di, 0x7FFFFFFF));
  const VI nan = hn::Or(hn::Set(di, 0x7E00), hn::And(hn::ShiftRight<13>(abs), hn::Set(di, 0x3FF)));
  // Subnormal half: adding 0.5 aligns the half's last place with float's, and the FPU rounds to even.
  const VI subnormal = hn::Sub(hn::BitCast(di, hn::Add(hn::BitCast(df, abs), hn::Set(df, 0.5f))),
                               hn::Set(di, 0x3F000000));
  const VI odd = hn::And(hn::ShiftRight<13>(abs), hn::Set(di, 1));
  // (15 - 127) << 23 as a two's-complement offset, plus the rounding bias.
  const VI normal = hn::ShiftRight<13>(hn::Add(hn::Add(abs, hn::Set(di, static_cast<int32_t>(0xC8000FFFu))), odd));
  VI out = hn::IfThenElse(hn::Lt(abs, hn::Set(di, 0x38800000)), subnormal, hn::And(normal, hn::Set(di, 0x7FFF)));
  out = hn::IfThenElse(hn::Gt(abs, hn::Set(di, 0x477FEFFF)), hn::Set(di, 0x7C00), out);
  out = hn::IfThenElse(hn::Gt(abs, hn::Set(di, 0x7F800000)), nan, out);
  return hn::Or(out, sign);
}

// float16 bits in int32 lanes to floats.
template <class D, class VI>
HWY_INLINE hn::Vec<D> HalfToFloat(D df, VI h) {
  const hn::RebindToSigned<D> di;
  VI o = hn::ShiftLeft<13>(hn::And(h, hn::Set(di, 0x7FFF)));
  const VI exponent = hn::And(o, hn::Set(di, 0x0F800000));
  o = hn::Add(o, hn::Set(di, 0x38000000));  // rebias: (127 - 15) << 23
  o = hn::IfThenElse(hn::Eq(exponent, hn::Set(di, 0x0F800000)), hn::Add(o, hn::Set(di, 0x38000000)), o);  // inf, NaN
  // Subnormal: renormalized by the FPU, exactly.
  const VI subnormal = hn::BitCast(di, hn::Sub(hn::BitCast(df, hn::Add(o, hn::Set(di, 0x00800000))),
                                               hn::BitCast(df, hn::Set(di, 0x38800000))));
  o = hn::IfThenElse(hn::Eq(exponent, hn::Zero(di)), subnormal, o);
  return hn::BitCast(df, hn::Or(o, hn::ShiftLeft<16>(hn::And(h, hn::Set(di, 0x8000)))));
}

// Float bits to the bfloat16 bit pattern (its upper 16 bits, rounded),
// where `carry` (0 or 1) decides a tie: the low half is 0x8000 exactly.
template <class D, class VI>
HWY_INLINE VI BFloatBitsRounded(D, VI bits, VI carry) {
  const hn::RebindToSigned<D> di;
  const hn::RebindToUnsigned<D> du;
  const auto ubits = hn::BitCast(du, bits);
  const VI rounded = hn::BitCast(di, hn::ShiftRight<16>(hn::BitCast(du, hn::Add(hn::Add(bits, hn::Set(di, 0x7FFF)), carry))));
  const VI quiet = hn::BitCast(di, hn::Or(hn::ShiftRight<16>(ubits), hn::Set(du, 0x40u)));
  const VI abs = hn::And(bits, hn::Set(di, 0x7FFFFFFF));
  return hn::IfThenElse(hn::Gt(abs, hn::Set(di, 0x7F800000)), quiet, rounded);
}

// Ties to even: the carry is the last kept bit.
template <class D, class VI>
HWY_INLINE VI BFloatBits(D df, VI bits) {
  const hn::RebindToSigned<D> di;
  return BFloatBitsRounded(df, bits, hn::And(hn::ShiftRight<16>(bits), hn::Set(di, 1)));
}

// Narrow bit patterns in int32 lanes (each in [0, 65535]): one full vector at `out`.
template <class D, class VI>
HWY_INLINE void StoreNarrowBits(D, VI narrow, std::uint16_t* out) {
  const hn::RebindToUnsigned<D> du;
  const hn::Rebind<std::uint16_t, D> du16;
  hn::StoreU(hn::TruncateTo(du16, hn::BitCast(du, narrow)), du16, out);
}

// One full vector at `out`.
template <class D>
HWY_INLINE void NarrowVector(D df, bool half, hn::Vec<D> v, std::uint16_t* out) {
  const hn::RebindToSigned<D> di;
#if HWY_TARGET <= HWY_AVX2
  if (half) {
    const hn::Rebind<hwy::float16_t, D> df16;
    hn::StoreU(hn::DemoteTo(df16, v), df16, reinterpret_cast<hwy::float16_t*>(out));
    return;
  }
#endif
  const auto bits = hn::BitCast(di, v);
  StoreNarrowBits(df, half ? HalfBits(df, bits) : BFloatBits(df, bits), out);
}

// One full vector from `in`.
template <class D>
HWY_INLINE hn::Vec<D> WidenVector(D df, bool half, const std::uint16_t* in) {
  if (half) {
#if HWY_TARGET <= HWY_AVX2
    const hn::Rebind<hwy::float16_t, D> df16;
    return hn::PromoteTo(df, hn::LoadU(df16, reinterpret_cast<const hwy::float16_t*>(in)));
#else
    const hn::Rebind<std::uint16_t, D> du16;
    const hn::RebindToSigned<D> di;
    return HalfToFloat(df, hn::BitCast(di, hn::PromoteTo(hn::RebindToUnsigned<D>(), hn::LoadU(du16, in))));
#endif
  }
  const hn::Rebind<hwy::bfloat16_t, D> dbf16;
  return hn::PromoteTo(df, hn::LoadU(dbf16, reinterpret_cast<const hwy::bfloat16_t*>(in)));
}

void NarrowFloats(bool half, const float* in, std::uint16_t* out, std::size_t n) {
  const hn::ScalableTag<float> df;
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) NarrowVector(df, half, hn::LoadU(df, in + i), out + i);
  if (i == n) return;
  HWY_ALIGN float tail_in[HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN std::uint16_t tail_out[HWY_MAX_BYTES / sizeof(float)] = {};
  std::memcpy(tail_in, in + i, (n - i) * sizeof(float));
  NarrowVector(df, half, hn::Load(df, tail_in), tail_out);
  std::memcpy(out + i, tail_out, (n - i) * sizeof(std::uint16_t));
}

void WidenFloats(bool half, const std::uint16_t* in, float* out, std::size_t n) {
  const hn::ScalableTag<float> df;
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(WidenVector(df, half, in + i), df, out + i);
  if (i == n) return;
  HWY_ALIGN std::uint16_t tail_in[HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN float tail_out[HWY_MAX_BYTES / sizeof(float)] = {};
  std::memcpy(tail_in, in + i, (n - i) * sizeof(std::uint16_t));
  hn::Store(WidenVector(df, half, tail_in), df, tail_out);
  std::memcpy(out + i, tail_out, (n - i) * sizeof(float));
}

// a * b rounded to odd in float: truncated to float's 24 bits with the last
// bit set when inexact, so a later rounding to 16 bits equals one rounding
// of the exact product. Requires the two significands to total at most 35
// bits (a narrow value times a float). Past float's range: +-FLT_MAX (odd)
// or +-inf, which any narrow rounding takes to inf.
template <class D>
HWY_NOINLINE hn::Vec<D> ProductToOddPerLane(D df, hn::Vec<D> a, hn::Vec<D> b) {
  HWY_ALIGN float as[HWY_MAX_BYTES / sizeof(float)], bs[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(a, df, as);
  hn::Store(b, df, bs);
  for (std::size_t j = 0; j < hn::Lanes(df); ++j) as[j] = RoundToOdd(static_cast<double>(as[j]) * bs[j]);
  return hn::Load(df, as);
}

// Whether a lane's product is non-zero but below 2^-100 in magnitude (p =
// a b rounded): such vectors go through the scalar RoundToOdd (convert.h).
// Above it the exact product is a normal float and a multiple of 2^-135,
// which both forms below need.
template <class D>
HWY_INLINE bool AnyTinyProduct(D df, hn::Vec<D> a, hn::Vec<D> b, hn::Vec<D> p) {
  const auto zero = hn::Zero(df);
  const auto tiny = hn::And(hn::Lt(hn::Abs(p), hn::Set(df, 0x1p-100f)), hn::And(hn::Ne(a, zero), hn::Ne(b, zero)));
  return !hn::AllFalse(df, tiny);
}

#if HWY_NATIVE_FMA
// The product's rounding error a b - p, exact by an fma.
template <class D>
HWY_INLINE hn::Vec<D> ProductToOdd(D df, hn::Vec<D> a, hn::Vec<D> b) {
  const hn::RebindToSigned<D> di;
  const auto zero = hn::Zero(df);
  const auto p = hn::Mul(a, b);
  if (HWY_UNLIKELY(AnyTinyProduct(df, a, b, p))) return ProductToOddPerLane(df, a, b);
  const auto error = hn::MulSub(a, b, p);  // NaN (for an inf or NaN factor): compares unequal to nothing
  const auto inexact = hn::RebindMask(di, hn::Ne(error, zero));
  const auto bits = hn::BitCast(di, p);
  // |p| above the exact product (error of the other sign): one step toward zero first.
  const auto above = hn::And(inexact, hn::Lt(hn::Xor(bits, hn::BitCast(di, error)), hn::Zero(di)));
  const auto truncated = hn::IfThenElse(above, hn::Sub(bits, hn::Set(di, 1)), bits);
  return hn::BitCast(df, hn::IfThenElse(inexact, hn::Or(truncated, hn::Set(di, 1)), truncated));
}
#else
// Without an fma: the product exact in double lanes, then truncated to
// float's 24 bits.
template <class D>
HWY_INLINE hn::Vec<D> ProductToOdd(D df, hn::Vec<D> a, hn::Vec<D> b) {
  if (HWY_UNLIKELY(AnyTinyProduct(df, a, b, hn::Mul(a, b)))) return ProductToOddPerLane(df, a, b);
  const hn::ScalableTag<double> dd;
  const hn::RebindToUnsigned<decltype(dd)> du;
  const hn::Rebind<float, decltype(dd)> dh;  // as many float lanes as double lanes
  const auto dropped = hn::Set(du, (std::uint64_t{1} << 29) - 1);  // double's 52 fraction bits less float's 23
  HWY_ALIGN float as[HWY_MAX_BYTES / sizeof(float)], bs[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(a, df, as);
  hn::Store(b, df, bs);
  for (std::size_t i = 0; i < hn::Lanes(df); i += hn::Lanes(dd)) {
    const auto product = hn::Mul(hn::PromoteTo(dd, hn::Load(dh, as + i)), hn::PromoteTo(dd, hn::Load(dh, bs + i)));
    const auto bits = hn::BitCast(du, product);
    const auto sticky = hn::ShiftLeft<29>(hn::ShiftRight<29>(hn::Add(hn::And(bits, dropped), dropped)));
    const auto odd = hn::Or(hn::AndNot(dropped, bits), sticky);  // NaN stays NaN, inf stays inf
    hn::Store(hn::DemoteTo(dh, hn::BitCast(dd, odd)), dh, as + i);  // exact, or past float's range: inf
  }
  return hn::Load(df, as);
}
#endif

#if HWY_NATIVE_FMA
// a b rounded once to bfloat16, for a narrow value a times a float b, as
// bits in int32 lanes. Rounding the float product p to bfloat16 rounds the
// exact product too, except where p lies exactly halfway between two
// bfloat16 values (low half 0x8000) and the exact product does not: there
// the fma's error says on which side of p it lies. (The tie rule of
// ProductToOdd's round to odd, without building the odd float.) Tiny
// products go per lane, as in ProductToOdd.
template <class D>
HWY_INLINE hn::Vec<hn::RebindToSigned<D>> BFloatProduct(D df, hn::Vec<D> a, hn::Vec<D> b) {
  const hn::RebindToSigned<D> di;
  const hn::RebindToUnsigned<D> du;
  const auto p = hn::Mul(a, b);
  if (HWY_UNLIKELY(AnyTinyProduct(df, a, b, p))) return BFloatBits(df, hn::BitCast(di, ProductToOddPerLane(df, a, b)));
  const auto error = hn::MulSub(a, b, p);  // NaN for an inf or NaN factor: "exact"
  const auto bits = hn::BitCast(di, p);
  const auto lsb = hn::And(hn::ShiftRight<16>(bits), hn::Set(di, 1));
  // 1 where the exact product is farther from 0 than p (error and p of one sign).
  const auto beyond = hn::BitCast(di, hn::ShiftRight<31>(hn::BitCast(du, hn::Not(hn::Xor(bits, hn::BitCast(di, error))))));
  return BFloatBitsRounded(df, bits, hn::IfThenElse(hn::RebindMask(di, hn::Ne(error, hn::Zero(df))), beyond, lsb));
}
#endif

// One vector of slopes: at `slope` or, kLookup, slope[x[j]] for the
// vector of 16-bit patterns at `x` (a gather, no wider than the table).
template <bool kLookup, class D>
HWY_INLINE hn::Vec<D> Slopes(D df, const float* slope, const std::uint16_t* x) {
  if constexpr (kLookup) {
    const hn::RebindToSigned<D> di;
    const hn::Rebind<std::uint16_t, D> du16;
    return hn::GatherIndex(df, slope, hn::BitCast(di, hn::PromoteTo(hn::RebindToUnsigned<D>(), hn::LoadU(du16, x))));
  } else {
    (void)x;
    return hn::LoadU(df, slope);
  }
}

// out[i] = g[i] * (slope[i], or kLookup slope[x[i]]) rounded once.
template <bool kHalf, bool kLookup>
void NarrowProductOf(const std::uint16_t* g, const float* slope, const std::uint16_t* x, std::uint16_t* out,
                     std::size_t n) {
  const hn::ScalableTag<float> df;
  const std::size_t lanes = hn::Lanes(df);
  const auto step = [&](const std::uint16_t* g_at, const float* slope_at, const std::uint16_t* x_at,
                        std::uint16_t* out_at) {
    const auto a = WidenVector(df, kHalf, g_at);
    const auto b = Slopes<kLookup>(df, slope_at, x_at);
#if HWY_NATIVE_FMA
    if constexpr (!kHalf) {
      StoreNarrowBits(df, BFloatProduct(df, a, b), out_at);
      return;
    }
#endif
    NarrowVector(df, kHalf, ProductToOdd(df, a, b), out_at);
  };
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    if constexpr (kLookup) {
      step(g + i, slope, x + i, out + i);
    } else {
      step(g + i, slope + i, nullptr, out + i);
    }
  }
  if (i == n) return;
  HWY_ALIGN std::uint16_t tail_g[HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN float tail_slope[HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN std::uint16_t tail_x[HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN std::uint16_t tail_out[HWY_MAX_BYTES / sizeof(float)] = {};
  std::memcpy(tail_g, g + i, (n - i) * sizeof(std::uint16_t));
  if constexpr (kLookup) {
    std::memcpy(tail_x, x + i, (n - i) * sizeof(std::uint16_t));
    step(tail_g, slope, tail_x, tail_out);
  } else {
    std::memcpy(tail_slope, slope + i, (n - i) * sizeof(float));
    step(tail_g, tail_slope, nullptr, tail_out);
  }
  std::memcpy(out + i, tail_out, (n - i) * sizeof(std::uint16_t));
}

void NarrowProduct(bool half, const std::uint16_t* g, const float* slope, std::uint16_t* out, std::size_t n) {
  half ? NarrowProductOf<true, false>(g, slope, nullptr, out, n) : NarrowProductOf<false, false>(g, slope, nullptr, out, n);
}

void NarrowProductLookup(bool half, const std::uint16_t* g, const float* table, const std::uint16_t* x,
                         std::uint16_t* out, std::size_t n) {
  half ? NarrowProductOf<true, true>(g, table, x, out, n) : NarrowProductOf<false, true>(g, table, x, out, n);
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

namespace activation::simd {
HWY_EXPORT(NarrowFloats);
HWY_EXPORT(WidenFloats);
HWY_EXPORT(NarrowProduct);
HWY_EXPORT(NarrowProductLookup);

void NarrowFloats(bool half, const float* in, std::uint16_t* out, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(NarrowFloats)(half, in, out, n);
}
void WidenFloats(bool half, const std::uint16_t* in, float* out, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(WidenFloats)(half, in, out, n);
}
void NarrowProduct(bool half, const std::uint16_t* g, const float* slope, std::uint16_t* out, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(NarrowProduct)(half, g, slope, out, n);
}
void NarrowProductLookup(bool half, const std::uint16_t* g, const float* table, const std::uint16_t* x,
                         std::uint16_t* out, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(NarrowProductLookup)(half, g, table, x, out, n);
}
}  // namespace activation::simd
#endif  // HWY_ONCE
