// The vector softmax / log_softmax kernels (compute/simd/softmax.cc) on every
// instruction set this machine can run: every row length around the vector
// width and a few long ones, rows the vector path hands to the reference
// (NaN, +inf, all -inf) and rows it keeps (-inf, -FLT_MAX masks, terms whose
// e_i is a float subnormal), against the long double reference: forward and
// Jacobian diagonal within 4 ULP, the VJP within 1e-6 of the terms it sums.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "compute/registry.h"
#include "compute/simd/target.h"
#include "tests/compute/harness.h"

namespace activation::accuracy {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Runs the fast kernels over `rows` (each `length` long) and checks every
// element against the reference; the element after the last must stay untouched.
void CheckRows(const char* name, const std::vector<float>& rows, std::size_t length, std::uint32_t seed) {
  const Activation* a = FindActivation(name);
  const ReferenceRowFunction* ref = FindRowReference(name);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(ref, nullptr);
  ASSERT_NE(a->fast.forward, a->reference.forward) << name << " has no vector kernels";
  const std::size_t n = rows.size();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> spread(-4.0f, 4.0f);
  std::vector<float> g(n);
  for (float& v : g) v = spread(rng);
  KernelArgs args;
  args.row_length = length;
  const float guard = -12345.0f;
  std::vector<float> f(n + 1, guard), d(n + 1, guard), v(n + 1, guard);
  a->fast.forward(rows.data(), f.data(), n, args);
  a->fast.derivative(rows.data(), d.data(), n, args);
  a->fast.vjp(rows.data(), g.data(), v.data(), n, args);
  ASSERT_EQ(f[n], guard);
  ASSERT_EQ(d[n], guard);
  ASSERT_EQ(v[n], guard);
  std::vector<long double> ef(length), ed(length), ev(length);
  for (std::size_t start = 0; start < n; start += length) {
    const float* row = &rows[start];
    ref->evaluate(row, length, RowMode::kForward, ef.data());
    ref->evaluate(row, length, RowMode::kJacobianDiagonal, ed.data());
    ref->vjp(row, &g[start], length, ev.data());
    long double scale = 0;
    for (std::size_t j = 0; j < length; ++j) scale = std::max(scale, std::fabs(static_cast<long double>(g[start + j])));
    for (std::size_t i = 0; i < length; ++i) {
      const std::size_t k = start + i;
      const std::string where = std::string(name) + " length " + std::to_string(length) + " row " +
                                std::to_string(start / length) + " i " + std::to_string(i) + " x " +
                                std::to_string(row[i]);
      const Comparison cf = Compare(f[k], ef[i]);
      const Comparison cd = Compare(d[k], ed[i]);
      ASSERT_TRUE(cf.ok && cf.ulp <= 4) << where << ": forward " << f[k] << " vs " << static_cast<double>(ef[i]);
      ASSERT_TRUE(cd.ok && cd.ulp <= 4) << where << ": diagonal " << d[k] << " vs " << static_cast<double>(ed[i]);
      if (std::isnan(ev[i])) {
        ASSERT_TRUE(std::isnan(v[k])) << where << ": vjp " << v[k];
      } else {
        ASSERT_NEAR(v[k], static_cast<double>(ev[i]), 1e-6 * static_cast<double>(scale) + 1e-30) << where;
      }
    }
  }
}

TEST(SoftmaxSimd, EveryRowLengthOnEveryTarget) {
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    for (std::size_t length = 1; length <= 70; ++length) {
      const std::vector<float> rows = UniformBetween(3 * length, -20.0f, 20.0f, static_cast<std::uint32_t>(length));
      CheckRows("softmax", rows, length, 1);
      CheckRows("log_softmax", rows, length, 2);
    }
    for (std::size_t length : {1000u, 4099u}) {
      const std::vector<float> rows = UniformBetween(2 * length, -30.0f, 30.0f, static_cast<std::uint32_t>(length));
      CheckRows("softmax", rows, length, 3);
      CheckRows("log_softmax", rows, length, 4);
    }
  }
}

TEST(SoftmaxSimd, SpecialRowsOnEveryTarget) {
  const float nan = std::nanf("");
  const float tiny = std::ldexp(1.0f, -140);  // subnormal
  const std::vector<std::vector<float>> rows = {
      {0.0f, nan, 1.0f, 2.0f},            // NaN: all NaN
      {kInf, 1.0f, -kInf, 3.0f},          // one +inf takes all the mass
      {kInf, kInf, 0.0f, 1.0f},           // two +inf: NaN
      {-kInf, -kInf, -kInf, -kInf},       // only -inf: NaN
      {-kInf, 1.0f, -kInf, 0.5f},         // -inf masks: e = 0
      {-FLT_MAX, FLT_MAX, -FLT_MAX, 0.0f},  // x - m overflows float
      {FLT_MAX, FLT_MAX, 1e30f, -1e30f},  // ties at the max
      {tiny, -tiny, 0.0f, -0.0f},         // ties within rounding
      {3.0f, 3.0f - 2.4e-7f, 3.0f, 2.0f},  // e_i rounds to 1 beside the ties
  };
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    for (const auto& row : rows) {
      CheckRows("softmax", row, row.size(), 5);
      CheckRows("log_softmax", row, row.size(), 6);
    }
  }
}

// e_i below FLT_MIN (x_i - m in [-746, -87]) still adds up: 4096 terms of
// e^-95 (a float subnormal with 12 bits) make log_softmax's arg max
// -4096 e^-95, a normal float; -1e4 lanes beside them contribute nothing.
TEST(SoftmaxSimd, TermsBelowTheFloatRangeStillCount) {
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    for (float low : {-89.0f, -95.0f, -100.0f, -103.5f, -500.0f}) {
      std::vector<float> row(4096, low);
      row[7] = 0.0f;
      row[30] = -1e4f;
      CheckRows("softmax", row, row.size(), 7);
      CheckRows("log_softmax", row, row.size(), 8);
    }
  }
}

// Every pass may run in place over x (out == x), as the reference can.
TEST(SoftmaxSimd, EveryPassRunsInPlace) {
  for (const char* name : {"softmax", "log_softmax"}) {
    const Activation* a = FindActivation(name);
    ASSERT_NE(a, nullptr);
    const std::vector<float> x = UniformBetween(5 * 37, -10.0f, 10.0f, 9);
    KernelArgs args;
    args.row_length = 37;
    for (const UnaryKernel kernel : {a->fast.forward, a->fast.derivative}) {
      std::vector<float> separate(x.size()), in_place = x;
      kernel(x.data(), separate.data(), x.size(), args);
      kernel(in_place.data(), in_place.data(), in_place.size(), args);
      ASSERT_EQ(std::memcmp(separate.data(), in_place.data(), x.size() * sizeof(float)), 0) << name;
    }
    const std::vector<float> g = UniformBetween(x.size(), -1.0f, 1.0f, 10);
    std::vector<float> separate(x.size()), in_place = x;
    a->fast.vjp(x.data(), g.data(), separate.data(), x.size(), args);
    a->fast.vjp(in_place.data(), g.data(), in_place.data(), x.size(), args);
    ASSERT_EQ(std::memcmp(separate.data(), in_place.data(), x.size() * sizeof(float)), 0) << name << " vjp";
  }
}

}  // namespace
}  // namespace activation::accuracy
