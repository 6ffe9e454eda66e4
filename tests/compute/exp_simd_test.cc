// The float exponential of compute/simd/exp-inl.h alone, on every
// instruction set this machine runs: ExpFloat, Expm1Float and
// ExpNonPositive against long double expl/expm1l (64-bit significands, far
// beyond float's 24) over their whole documented ranges, sampled, and every
// float whose e^a is subnormal or rounds to 0; ReduceExp's low part against
// the same reference.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/compute/exp_simd_test.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cstddef>

#include "compute/simd/exp-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

enum class ExpPrimitive { kExp, kExpm1, kExpNonPositive, kReducedWithLow };

// y[i] = f(x[i]); kReducedWithLow: e^(x + lo) = scale (1 + y), scale in
// `scale`. n a multiple of 16, so whole vectors on every target.
void ApplyExpPrimitive(int primitive, const float* x, const float* lo, float* y, float* scale, std::size_t n) {
  const hn::ScalableTag<float> d;
  for (std::size_t i = 0; i < n; i += hn::Lanes(d)) {
    const auto v = hn::LoadU(d, x + i);
    hn::Vec<decltype(d)> r;
    switch (static_cast<ExpPrimitive>(primitive)) {
      case ExpPrimitive::kExp: r = ExpFloat(d, v); break;
      case ExpPrimitive::kExpm1: r = Expm1Float(d, v); break;
      case ExpPrimitive::kExpNonPositive: r = ExpNonPositive(d, v); break;
      case ExpPrimitive::kReducedWithLow: {
        const auto e = ReduceExp<5>(d, v, hn::LoadU(d, lo + i));
        hn::StoreU(e.scale, d, scale + i);
        r = e.m;
        break;
      }
    }
    hn::StoreU(r, d, y + i);
  }
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "compute/simd/target.h"

namespace activation::simd {
HWY_EXPORT(ApplyExpPrimitive);
namespace {

using HWY_NAMESPACE::ExpPrimitive;

float FromBits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// |y - exact| in units of the float spacing at `exact` (subnormal spacing
// 2^-149 below FLT_MIN); 0 where y is exact, including both infinities.
long double UlpError(long double y, long double exact) {
  if (y == exact) return 0;
  if (std::isinf(exact) || std::isnan(y)) return std::numeric_limits<long double>::infinity();
  int exponent;
  std::frexp(exact, &exponent);  // |exact| in [2^(exponent-1), 2^exponent)
  const int spacing_exponent = std::max(exponent - 1, -126) - 23;
  return std::fabs(y - exact) / std::ldexp(1.0L, spacing_exponent);
}

// Every float in [low, high] whose bit pattern is a multiple of `stride`
// away from low's, plus both ends, padded to a multiple of 16 with `high`.
std::vector<float> Sweep(float low, float high, std::uint32_t stride) {
  std::vector<float> xs;
  auto add_range = [&](float from, float to) {  // same sign, |from| <= |to|
    std::uint32_t a, b;
    std::memcpy(&a, &from, 4);
    std::memcpy(&b, &to, 4);
    for (std::uint64_t bits = a; bits <= b; bits += stride) xs.push_back(FromBits(static_cast<std::uint32_t>(bits)));
    xs.push_back(to);
  };
  if (low < 0) add_range(high < 0 ? high : -0.0f, low);
  if (high >= 0) add_range(low > 0 ? low : 0.0f, high);
  while (xs.size() % 16 != 0) xs.push_back(high);
  return xs;
}

struct Worst {
  long double ulp = 0;
  float x = 0;
};

// The worst ULP error of `primitive` over xs on every target; the
// reference is computed once.
void ExpectWithin(ExpPrimitive primitive, const std::vector<float>& xs, const std::vector<float>& lows,
                  const std::function<long double(long double)>& exact, long double bound) {
  std::vector<long double> reference(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    reference[i] = exact(static_cast<long double>(xs[i]) + (lows.empty() ? 0.0L : lows[i]));
  }
  std::vector<float> y(xs.size()), scale(xs.size());
  for (std::int64_t target : AvailableTargets()) {
    TargetScope scope(target);
    SCOPED_TRACE(TargetName(target));
    HWY_DYNAMIC_DISPATCH(ApplyExpPrimitive)(static_cast<int>(primitive), xs.data(), lows.empty() ? xs.data() : lows.data(),
                                            y.data(), scale.data(), xs.size());
    Worst worst;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const long double value =
          primitive == ExpPrimitive::kReducedWithLow ? scale[i] * (1.0L + y[i]) : static_cast<long double>(y[i]);
      const long double e = UlpError(value, reference[i]);
      if (!(e <= worst.ulp)) worst = {e, xs[i]};
    }
    std::printf("%s: worst %.3Lf ULP at x = %a\n", TargetName(target).c_str(), worst.ulp, worst.x);
    EXPECT_LE(worst.ulp, bound) << "at x = " << worst.x;
  }
}

long double Exp(long double v) { return std::exp(v); }
long double Expm1(long double v) { return std::expm1(v); }

TEST(ExpPrimitives, ExpFloatWithinOneUlpOnItsRange) {
  ExpectWithin(ExpPrimitive::kExp, Sweep(-87.33f, 88.37f, 997), {}, Exp, 1.0L);
}

TEST(ExpPrimitives, Expm1FloatWithinTwoUlpOnItsRange) {
  ExpectWithin(ExpPrimitive::kExpm1, Sweep(-87.33f, 88.37f, 997), {}, Expm1, 2.0L);
}

// Degree 4 (exp-inl.h): within 1.1 ULP.
TEST(ExpPrimitives, ExpNonPositiveWithinItsBoundDownToZero) {
  // Sampled down to -inf, and every float in [-104, -87.3]: subnormal results and zeros.
  std::vector<float> xs = Sweep(-std::numeric_limits<float>::infinity(), 0.0f, 997);
  const std::vector<float> tail = Sweep(-104.5f, -87.0f, 1);
  xs.insert(xs.end(), tail.begin(), tail.end());
  ExpectWithin(ExpPrimitive::kExpNonPositive, xs, {}, Exp, 1.1L);
}

// A vector with one lane below ln FLT_MIN takes the two-step scaling for
// all its lanes: every other lane here is -100.
TEST(ExpPrimitives, ExpNonPositiveLanesBesideASubnormalOne) {
  std::vector<float> xs = Sweep(-87.5f, 0.0f, 97);
  for (std::size_t i = 0; i < xs.size(); i += 2) xs[i] = -100.0f;
  ExpectWithin(ExpPrimitive::kExpNonPositive, xs, {}, Exp, 1.1L);
}

// e^(x + lo) with a low part that a float sum would round away, as
// scale (1 + m) before any rounding of its own.
TEST(ExpPrimitives, ReduceExpCarriesTheLowPart) {
  const std::vector<float> xs = Sweep(-87.0f, 0.0f, 997);
  std::vector<float> lows(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) lows[i] = std::ldexp(static_cast<float>(i % 7) - 3.0f, -22) * xs[i] / 87;
  ExpectWithin(ExpPrimitive::kReducedWithLow, xs, lows, Exp, 1.0L);
}

}  // namespace
}  // namespace activation::simd
#endif  // HWY_ONCE
