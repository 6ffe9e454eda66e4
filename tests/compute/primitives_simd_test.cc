// The exponential (compute/simd/exp-inl.h), log1p (log1p-inl.h), erfc
// (erfc-inl.h, double lanes) and gelu's Mills-ratio pieces (gelu-inl.h,
// float lanes on targets with an fma) primitives alone, on every instruction
// set this machine runs: each function against long double
// expl/expm1l/log1pl/erfcl
// (64-bit significands: 11 bits beyond double's) over its documented range, sampled
// evenly in bit patterns, with every float whose e^a is subnormal or rounds
// to 0, and +-0, +-inf and NaN where the function takes them.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/compute/primitives_simd_test.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cstddef>

#include "compute/simd/erfc-inl.h"
#include "compute/simd/exp-inl.h"
#include "compute/simd/gelu-inl.h"
#include "compute/simd/log1p-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

enum class Primitive {
  kInRange, kExpm1InRange, kNonPositive, kLeanNonPositive, kAll, kExpm1All, kReducedWithLow, kLog1pUnit, kErfcAll,
  kMillsRatio, kMillsSlope, kExpMinusHalfSquare
};

// Whether gelu-inl.h's float pieces run on this target (they need an fma).
bool HasFma() { return HWY_NATIVE_FMA; }

// y[i] = f(x[i]); kReducedWithLow: e^(x + lo) = scale (1 + y), scale in
// `scale`. n a multiple of 16, so whole vectors on every target.
template <class T>
void ApplyPrimitive(int primitive, const T* x, const T* lo, T* y, T* scale, std::size_t n) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  for (std::size_t i = 0; i < n; i += hn::Lanes(d)) {
    const V v = hn::LoadU(d, x + i);
    V r = v;
    switch (static_cast<Primitive>(primitive)) {
      case Primitive::kInRange: r = ExpInRange(d, v); break;
      case Primitive::kExpm1InRange: r = Expm1InRange(d, v); break;
      case Primitive::kNonPositive: r = ExpNonPositive(d, v); break;
      case Primitive::kLeanNonPositive:
        if constexpr (sizeof(T) == 4) r = ExpNonPositive<4>(d, v);
        break;
      case Primitive::kAll: r = ExpAll(d, v); break;
      case Primitive::kExpm1All: r = Expm1All(d, v); break;
      case Primitive::kLog1pUnit: r = Log1pUnit(d, v); break;
      case Primitive::kErfcAll:
        if constexpr (sizeof(T) == 8) r = ErfcAll(d, v);
        break;
      case Primitive::kMillsRatio:  // r G (1 + residual), rounded once
        if constexpr (sizeof(T) == 4 && HWY_NATIVE_FMA) {
          V residual;
          const V rg = MillsRatio(d, v, residual);
          r = hn::MulAdd(rg, residual, rg);
        }
        break;
      case Primitive::kMillsSlope:  // h + lo, rounded once
        if constexpr (sizeof(T) == 4 && HWY_NATIVE_FMA) {
          V lo;
          r = hn::Add(MillsSlope(d, v, lo), lo);
        }
        break;
      case Primitive::kReducedWithLow: {
        const ReducedExp<V> e = ReduceExp(d, v, hn::LoadU(d, lo + i));
        hn::StoreU(e.scale, d, scale + i);
        r = e.m;
        break;
      }
      case Primitive::kExpMinusHalfSquare:  // as kReducedWithLow
        if constexpr (sizeof(T) == 4 && HWY_NATIVE_FMA) {
          const ReducedExp<V> e = ExpMinusHalfSquare(d, v);
          hn::StoreU(e.scale, d, scale + i);
          r = e.m;
        }
        break;
    }
    hn::StoreU(r, d, y + i);
  }
}

void ApplyPrimitiveFloat(int primitive, const float* x, const float* lo, float* y, float* scale, std::size_t n) {
  ApplyPrimitive(primitive, x, lo, y, scale, n);
}
void ApplyPrimitiveDouble(int primitive, const double* x, const double* lo, double* y, double* scale, std::size_t n) {
  ApplyPrimitive(primitive, x, lo, y, scale, n);
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "compute/simd/target.h"

namespace activation::simd {
HWY_EXPORT(ApplyPrimitiveFloat);
HWY_EXPORT(ApplyPrimitiveDouble);
HWY_EXPORT(HasFma);
namespace {

using HWY_NAMESPACE::Primitive;

template <class T>
using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
Bits<T> ToBits(T v) {
  Bits<T> b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

template <class T>
T FromBits(Bits<T> b) {
  T v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// |y - exact| in units of T's spacing at `exact` (the subnormal spacing
// below the smallest normal); 0 where y is exact, both infinities and NaN
// for NaN included.
template <class T>
long double UlpError(long double y, long double exact) {
  if (y == exact || (std::isnan(y) && std::isnan(exact))) return 0;
  if (std::isinf(exact) || std::isnan(y) || std::isnan(exact)) return std::numeric_limits<long double>::infinity();
  int exponent;
  std::frexp(exact, &exponent);  // |exact| in [2^(exponent-1), 2^exponent)
  const int min_exponent = std::numeric_limits<T>::min_exponent - 1;  // float -126, double -1022
  const int mantissa_bits = std::numeric_limits<T>::digits - 1;
  const int spacing_exponent = std::max(exponent - 1, min_exponent) - mantissa_bits;
  return std::fabs(y - exact) / std::ldexp(1.0L, spacing_exponent);
}

// About `samples` values of T in [low, high], evenly spaced in bit pattern
// on each side of zero, both ends and +-0 included; `extra` appended;
// padded to a multiple of 16 with `high`.
template <class T>
std::vector<T> Sweep(T low, T high, std::uint64_t samples, std::vector<T> extra = {}) {
  std::vector<T> xs;
  auto add_range = [&](T from, T to) {  // same sign, |from| <= |to|
    const Bits<T> a = ToBits(from), b = ToBits(to);
    const Bits<T> stride = static_cast<Bits<T>>(std::max<std::uint64_t>(1, (b - a) / samples));
    for (Bits<T> bits = a; bits <= b && bits >= a; bits += stride) xs.push_back(FromBits<T>(bits));
    xs.push_back(to);
  };
  if (low < 0) add_range(high < 0 ? high : T(-0.0), low);
  if (high >= 0) add_range(low > 0 ? low : T(0), high);
  xs.insert(xs.end(), extra.begin(), extra.end());
  while (xs.size() % 16 != 0) xs.push_back(high);
  return xs;
}

template <class T>
void Apply(Primitive p, const T* x, const T* lo, T* y, T* scale, std::size_t n) {
  if constexpr (sizeof(T) == 4) {
    HWY_DYNAMIC_DISPATCH(ApplyPrimitiveFloat)(static_cast<int>(p), x, lo, y, scale, n);
  } else {
    HWY_DYNAMIC_DISPATCH(ApplyPrimitiveDouble)(static_cast<int>(p), x, lo, y, scale, n);
  }
}

long double Exp(long double v) { return std::exp(v); }
long double Expm1(long double v) { return std::expm1(v); }
long double Log1p(long double v) { return std::log1p(v); }
long double Erfc(long double v) { return std::erfc(v); }
// Phi(-t) e^(t^2 / 2), and that minus t / sqrt(2 pi) (gelu-inl.h).
long double Mills(long double t) {
  return std::erfc(t / std::sqrt(2.0L)) / 2 * std::exp(t * t / 2);
}
long double ExpMinusHalfSquare(long double t) { return std::exp(-t * t / 2); }
long double MillsSlope(long double t) { return Mills(t) - t / std::sqrt(2 * 3.141592653589793238462643383279502884L); }

// The worst ULP error of `primitive` over xs (plus lows, if any) on every
// target is at most `bound`; the reference is computed once.
template <class T>
void ExpectWithin(Primitive primitive, const std::vector<T>& xs, long double (*exact)(long double),
                  long double bound, const std::vector<T>& lows = {}) {
  std::vector<long double> reference(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    reference[i] = exact(static_cast<long double>(xs[i]) + (lows.empty() ? 0.0L : lows[i]));
    // Beyond T's largest finite value (and half its spacing) the answer is inf.
    if (std::isinf(static_cast<T>(reference[i]))) reference[i] = static_cast<T>(reference[i]);
  }
  std::vector<T> y(xs.size()), scale(xs.size());
  const bool fma_only = primitive == Primitive::kMillsRatio || primitive == Primitive::kMillsSlope ||
                        primitive == Primitive::kExpMinusHalfSquare;
  const bool reduced = primitive == Primitive::kReducedWithLow || primitive == Primitive::kExpMinusHalfSquare;
  for (std::int64_t target : AvailableTargets()) {
    TargetScope scope(target);
    SCOPED_TRACE(TargetName(target));
    if (fma_only && !HWY_DYNAMIC_DISPATCH(HasFma)()) continue;
    Apply<T>(primitive, xs.data(), lows.empty() ? xs.data() : lows.data(), y.data(), scale.data(), xs.size());
    long double worst = 0;
    T worst_x = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const long double value = reduced
                                    ? static_cast<long double>(scale[i]) * (1.0L + y[i])
                                    : static_cast<long double>(y[i]);
      const long double e = UlpError<T>(value, reference[i]);
      if (!(e <= worst)) {
        worst = e;
        worst_x = xs[i];
      }
    }
    std::printf("%s %s: worst %.3Lf ULP at x = %La\n", sizeof(T) == 4 ? "float" : "double", TargetName(target).c_str(),
                worst, static_cast<long double>(worst_x));
    EXPECT_LE(worst, bound) << "at x = " << worst_x;
  }
}

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
const float kNanF = std::numeric_limits<float>::quiet_NaN();
const double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(ExpPrimitives, InRangeWithinOneUlp) {
  ExpectWithin(Primitive::kInRange, Sweep(-87.33f, 88.02f, 1u << 21), Exp, 1.0L);
  ExpectWithin(Primitive::kInRange, Sweep(-708.39, 709.08, 1u << 21), Exp, 1.0L);
}

TEST(ExpPrimitives, Expm1InRangeWithinTwoUlp) {
  ExpectWithin(Primitive::kExpm1InRange, Sweep(-87.33f, 88.02f, 1u << 21), Expm1, 2.0L);
  ExpectWithin(Primitive::kExpm1InRange, Sweep(-708.39, 709.08, 1u << 21), Expm1, 2.0L);
}

// Sampled down to -inf, and densely where e^a is subnormal or rounds to 0
// (every float in [-104.5, -87]).
TEST(ExpPrimitives, NonPositiveDownToZero) {
  std::vector<float> floats = Sweep(-kInfF, 0.0f, 1u << 21);
  const std::vector<float> float_tail = Sweep(-104.5f, -87.0f, 1u << 23);
  floats.insert(floats.end(), float_tail.begin(), float_tail.end());
  ExpectWithin(Primitive::kNonPositive, floats, Exp, 1.0L);
  ExpectWithin(Primitive::kLeanNonPositive, floats, Exp, 1.1L);  // degree 4 (exp-inl.h)
  ExpectWithin(Primitive::kNonPositive, Sweep(-kInf, 0.0, 1u << 21, Sweep(-746.5, -708.0, 1u << 20)), Exp, 1.0L);
}

// A vector with one lane below the normal range takes the two-step scaling
// for all its lanes: every other lane here is far below.
TEST(ExpPrimitives, NonPositiveLanesBesideASubnormalOne) {
  std::vector<float> floats = Sweep(-87.5f, 0.0f, 1u << 20);
  for (std::size_t i = 0; i < floats.size(); i += 2) floats[i] = -100.0f;
  ExpectWithin(Primitive::kNonPositive, floats, Exp, 1.0L);
  ExpectWithin(Primitive::kLeanNonPositive, floats, Exp, 1.1L);
  std::vector<double> doubles = Sweep(-708.5, 0.0, 1u << 20);
  for (std::size_t i = 0; i < doubles.size(); i += 2) doubles[i] = -740.0;
  ExpectWithin(Primitive::kNonPositive, doubles, Exp, 1.0L);
}

// Every argument: overflow to inf, subnormals, +-inf, NaN.
TEST(ExpPrimitives, ExpAllEverywhere) {
  ExpectWithin(Primitive::kAll, Sweep(-kInfF, kInfF, 1u << 21, {kNanF, -kNanF, 88.5f, 88.72f, 88.73f}), Exp, 1.0L);
  ExpectWithin(Primitive::kAll, Sweep(-kInf, kInf, 1u << 21, Sweep(709.0, 709.8, 1u << 16, {kNan, -kNan})), Exp,
               1.0L);
}

TEST(ExpPrimitives, Expm1AllEverywhere) {
  ExpectWithin(Primitive::kExpm1All, Sweep(-kInfF, kInfF, 1u << 21, {kNanF, -kNanF, 88.5f, 88.72f, 88.73f}), Expm1,
               2.0L);
  ExpectWithin(Primitive::kExpm1All, Sweep(-kInf, kInf, 1u << 21, Sweep(709.0, 709.8, 1u << 16, {kNan, -kNan})),
               Expm1, 2.0L);
}

// e^(x + lo) with a low part that one rounding would lose, as scale (1 + m)
// before any rounding of its own.
template <class T>
void ExpectLowPartCarried(T low) {
  const std::vector<T> xs = Sweep(low, T(0), 1u << 18);
  std::vector<T> lows(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    lows[i] = std::ldexp(static_cast<T>(i % 7) - 3, -22) * xs[i] / -low;  // |lo| < 2^-20
  }
  ExpectWithin(Primitive::kReducedWithLow, xs, Exp, 1.0L, lows);
}

TEST(ExpPrimitives, ReduceExpCarriesTheLowPart) {
  ExpectLowPartCarried(-87.0f);
  ExpectLowPartCarried(-708.0);
}

// Every argument on [0, 1] (e^-|x| in the softplus family), and densely on
// [1/16, 1], where the polynomial term weighs most and the reduction switches.
TEST(Log1pPrimitive, UnitWithinOneUlp) {
  ExpectWithin(Primitive::kLog1pUnit, Sweep(0.0f, 1.0f, 1u << 21, Sweep(0.0625f, 1.0f, 1u << 22)), Log1p, 1.0L);
  ExpectWithin(Primitive::kLog1pUnit, Sweep(0.0, 1.0, 1u << 21, Sweep(0.0625, 1.0, 1u << 22)), Log1p, 1.0L);
}

// Every argument, densely where the forms meet (|z| = 1/2 and 5/2), and
// where erfc turns subnormal and rounds to 0.
TEST(ErfcPrimitive, ErfcAllEverywhere) {
  std::vector<double> zs = Sweep(-kInf, kInf, 1u << 21, {kNan, -kNan});
  for (const auto& [low, high] : {std::pair{-0.75, 0.75}, {2.0, 3.0}, {26.0, 27.6}, {-6.0, -0.25}}) {
    const std::vector<double> dense = Sweep(low, high, 1u << 19);
    zs.insert(zs.end(), dense.begin(), dense.end());
  }
  ExpectWithin(Primitive::kErfcAll, zs, Erfc, 2.0L);
}

// Every documented argument t in [0, 13], densely around the slope's root.
TEST(GeluPrimitives, MillsPiecesWithinTheirBounds) {
  bool any_fma = false;
  for (std::int64_t target : AvailableTargets()) {
    TargetScope scope(target);
    any_fma = any_fma || HWY_DYNAMIC_DISPATCH(HasFma)();
  }
  if (!any_fma) GTEST_SKIP() << "no target here has an fma, and only those run gelu-inl.h's pieces";
  const std::vector<float> ts = Sweep(0.0f, 13.0f, 1u << 22, Sweep(0.7f, 0.8f, 1u << 20));
  ExpectWithin(Primitive::kExpMinusHalfSquare, ts, ExpMinusHalfSquare, 1.0L);
  ExpectWithin(Primitive::kMillsRatio, ts, Mills, 3.0L);
  ExpectWithin(Primitive::kMillsSlope, ts, MillsSlope, 3.0L);
}

}  // namespace
}  // namespace activation::simd
#endif  // HWY_ONCE
