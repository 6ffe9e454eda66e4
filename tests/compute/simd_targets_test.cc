// The vector kernels on every instruction set this machine can run (forced
// one at a time, as ACTIVATION_SIMD_TARGET does): against the independent
// long double reference with the catalogue's bounds, the VJP against
// grad_output * f'(x), and every array length around the vector width, so
// the masked tails are exercised too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compute/registry.h"
#include "compute/simd/streaming.h"
#include "compute/simd/target.h"
#include "hwy/detect_targets.h"
#include "tests/compute/harness.h"

namespace activation::accuracy {
namespace {

std::vector<std::string> VectorizedNames(bool elementwise_only) {
  std::vector<std::string> names;
  for (const Activation& a : Catalogue()) {
    if (!(elementwise_only && a.rowwise)) names.emplace_back(a.name);
  }
  return names;
}

class SimdKernels : public ::testing::TestWithParam<std::string> {};
// Row-wise kernels have their own length tests (softmax_simd_test.cc): a
// prefix of an array of rows is other rows.
class SimdElementwiseKernels : public ::testing::TestWithParam<std::string> {};

TEST_P(SimdKernels, MeetTheBoundOnEveryTarget) {
  const Activation* a = FindActivation(GetParam());
  ASSERT_NE(a, nullptr);
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    ASSERT_EQ(simd::CurrentTarget(), target);
    SCOPED_TRACE(simd::TargetName(target));
    const Measurement m = MeasureStandard(*a, a->fast, 200000);
    std::printf("%s on %s: forward %lld ULP at x=%g, derivative %lld ULP at x=%g\n", a->name.data(),
                simd::TargetName(target).c_str(), static_cast<long long>(m.forward.ulp), m.forward.x,
                static_cast<long long>(m.derivative.ulp), m.derivative.x);
    EXPECT_EQ(m.forward.failures, 0u) << m.forward.first_failure;
    EXPECT_EQ(m.derivative.failures, 0u) << m.derivative.first_failure;
    // Measured on this target <= what the catalogue publishes for it.
    const UlpFigures published = AccuracyOnCurrentTarget(a->accuracy);
    EXPECT_LE(m.forward.ulp, published.forward) << "x=" << m.forward.x << " " << m.forward.params;
    EXPECT_LE(m.derivative.ulp, published.derivative) << "x=" << m.derivative.x << " " << m.derivative.params;
  }
}

// Every length from 0 to a few vectors, at an unaligned start: the kernels
// write exactly n outputs (the guard after them is untouched), the VJP is
// grad_output * f'(x) bit for bit, and the result does not depend on where
// an element falls (main loop, single vectors or masked tail).
TEST_P(SimdElementwiseKernels, EveryLengthAndTheVjpOnEveryTarget) {
  const Activation* a = FindActivation(GetParam());
  ASSERT_NE(a, nullptr);
  GivenParams given;  // defaults, and 0 for parameters without one
  for (const ParamSpec& p : a->params) {
    if (p.required) given.emplace_back(p.name, 0.0);
  }
  KernelArgs args;
  ASSERT_TRUE(ResolveParams(*a, given, &args).ok());
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> spread(-10.0f, 10.0f);
  const std::size_t kMax = 200;
  std::vector<float> x(kMax + 1), g(kMax + 1);
  for (float& v : x) v = spread(rng);
  for (float& v : g) v = spread(rng);
  x[5] = std::nanf("");
  const float guard = -12345.0f;
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    std::vector<float> whole_f(kMax), whole_d(kMax);
    a->fast.forward(x.data() + 1, whole_f.data(), kMax, args);
    a->fast.derivative(x.data() + 1, whole_d.data(), kMax, args);
    for (std::size_t n = 0; n <= kMax; n += (n < 70 ? 1 : 13)) {
      std::vector<float> f(n + 1, guard), d(n + 1, guard), v(n + 1, guard);
      a->fast.forward(x.data() + 1, f.data(), n, args);
      a->fast.derivative(x.data() + 1, d.data(), n, args);
      a->fast.vjp(x.data() + 1, g.data() + 1, v.data(), n, args);
      ASSERT_EQ(f[n], guard) << "forward wrote past n=" << n;
      ASSERT_EQ(d[n], guard) << "derivative wrote past n=" << n;
      ASSERT_EQ(v[n], guard) << "vjp wrote past n=" << n;
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(std::memcmp(&f[i], &whole_f[i], 4), 0) << "n=" << n << " i=" << i;
        ASSERT_EQ(std::memcmp(&d[i], &whole_d[i], 4), 0) << "n=" << n << " i=" << i;
        const float expected = g[i + 1] * d[i];
        ASSERT_TRUE(std::memcmp(&v[i], &expected, 4) == 0 || (std::isnan(v[i]) && std::isnan(expected)))
            << "vjp n=" << n << " i=" << i << " got " << v[i] << " expected " << expected;
      }
    }
  }
}

// Where f(+-0) or f'(+-0) is an exact zero, that zero has a sign, and a
// correctly rounded answer keeps it: every target returns the reference's
// (tanh(-0) = -0, leaky_relu(-0) = -0, ...) at every parameter set.
TEST_P(SimdElementwiseKernels, SignedZeroInputsKeepTheReferenceSign) {
  const Activation* a = FindActivation(GetParam());
  ASSERT_NE(a, nullptr);
  const ReferenceFunction* ref = FindReference(a->name);
  ASSERT_NE(ref, nullptr);
  const float zeros[2] = {0.0f, -0.0f};
  for (const std::vector<double>& params : ref->param_sets) {
    const KernelArgs args = ResolveForTest(*a, *ref, params);
    SCOPED_TRACE(DescribeParams(*ref, params));
    for (std::int64_t target : simd::AvailableTargets()) {
      simd::TargetScope scope(target);
      SCOPED_TRACE(simd::TargetName(target));
      float f[2], d[2];
      a->fast.forward(zeros, f, 2, args);
      a->fast.derivative(zeros, d, 2, args);
      for (int i = 0; i < 2; ++i) {
        const long double exact_f = ref->forward(zeros[i], params.data());
        const long double exact_d = ref->derivative(zeros[i], params.data());
        if (exact_f == 0) {
          EXPECT_TRUE(f[i] == 0 && std::signbit(f[i]) == std::signbit(exact_f))
              << "f(" << zeros[i] << ") = " << f[i] << ", exact " << static_cast<double>(exact_f);
        }
        if (exact_d == 0) {
          EXPECT_TRUE(d[i] == 0 && std::signbit(d[i]) == std::signbit(exact_d))
              << "f'(" << zeros[i] << ") = " << d[i] << ", exact " << static_cast<double>(exact_d);
        }
      }
    }
  }
}

// Outputs of kStreamFromBytes and more take the loops' streaming stores,
// after a head that brings the output to a vector boundary. Every element
// (head and tail included) equals what the same kernel writes in calls
// small enough for ordinary stores, sampled elements are within the
// published figure of the reference, and the elements on either side of the
// output stay untouched (also in place): on every target, for a
// memory-bound family (it streams on every target), a float kernel (where a
// vector fills a cache line), one in double lanes (never) and float64 relu.
template <class T, class Pass>
void ExpectLargeCallMatchesSmallCalls(const std::vector<T>& x, const std::vector<T>& g, std::size_t offset,
                                      Pass pass) {
  const std::size_t n = x.size();
  const std::size_t small = std::size_t{1} << 16;
  std::vector<T> expected(n);
  for (std::size_t begin = 0; begin < n; begin += small) {
    pass(x.data() + begin, g.data() + begin, expected.data() + begin, std::min(small, n - begin));
  }
  const T guard = static_cast<T>(-12345.0);
  std::vector<T> out(offset + n + 1, guard);
  pass(x.data(), g.data(), out.data() + offset, n);
  for (std::size_t i = 0; i < offset; ++i) ASSERT_EQ(out[i], guard) << "wrote before the output";
  ASSERT_EQ(out[offset + n], guard) << "wrote past the output";
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(std::memcmp(&out[offset + i], &expected[i], sizeof(T)), 0) << "i=" << i << " of " << n;
  }
}

// The large call's forward against the independent reference, within the
// figure published for the current target: both ends (the aligning head and
// the tail) and every 997th element between.
void ExpectLargeForwardNearReference(const Activation& a, const std::vector<float>& x) {
  const ReferenceFunction* ref = FindReference(a.name);
  ASSERT_NE(ref, nullptr);
  const std::vector<double>& params = ref->param_sets.front();
  const KernelArgs args = ResolveForTest(a, *ref, params);
  std::vector<float> out(x.size() + 1);
  a.fast.forward(x.data(), out.data() + 1, x.size(), args);  // + 1: an unaligned output
  const std::int64_t published = static_cast<std::int64_t>(AccuracyOnCurrentTarget(a.accuracy).forward);
  for (std::size_t i = 0; i < x.size(); i += (i < 64 || i + 64 >= x.size()) ? 1 : 997) {
    if (std::isnan(x[i])) {
      ASSERT_TRUE(std::isnan(out[i + 1])) << a.name << "(NaN) = " << out[i + 1];
      continue;
    }
    const Comparison c = Compare(out[i + 1], ref->forward(ReferenceArgument(x[i]), params.data()));
    ASSERT_TRUE(c.ok && c.ulp <= published) << a.name << "(" << x[i] << ") = " << out[i + 1] << ", " << c.ulp
                                            << " ULP, published " << published << ", i=" << i;
  }
}

TEST(SimdMap, LargeOutputsMatchSmallCallsAtAnyAlignment) {
  const std::size_t n = simd::kStreamFromBytes / sizeof(float) + 37;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> spread(-10.0f, 10.0f);
  std::vector<float> x(n), g(n);
  for (float& v : x) v = spread(rng);
  for (float& v : g) v = spread(rng);
  x[3] = std::nanf("");
  std::vector<double> x64(x.begin(), x.end()), g64(g.begin(), g.end());
  x64.resize(simd::kStreamFromBytes / sizeof(double) + 37);
  g64.resize(x64.size());
  struct Case {
    const char* name;
    std::vector<std::size_t> offsets;  // the output's start, in elements past an allocation
  };
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    for (const Case& c : {Case{"relu", {0, 1, 3}}, Case{"sigmoid", {1}}, Case{"softsign", {1}}}) {
      SCOPED_TRACE(c.name);
      const Activation* a = FindActivation(c.name);
      ASSERT_NE(a, nullptr);
      KernelArgs args;
      ASSERT_TRUE(ResolveParams(*a, {}, &args).ok());
      const Kernels& k = a->fast;
      for (std::size_t offset : c.offsets) {
        SCOPED_TRACE(offset);
        ExpectLargeCallMatchesSmallCalls(x, g, offset, [&](const float* px, const float*, float* out, std::size_t m) {
          k.forward(px, out, m, args);
        });
        ExpectLargeCallMatchesSmallCalls(x, g, offset, [&](const float* px, const float* pg, float* out,
                                                           std::size_t m) { k.vjp(px, pg, out, m, args); });
      }
      ExpectLargeForwardNearReference(*a, x);
      // In place (output = input), as the server runs it.
      std::vector<float> expected(x.size()), in_place = x;
      k.forward(x.data(), expected.data(), x.size(), args);
      k.forward(in_place.data(), in_place.data(), in_place.size(), args);
      ASSERT_EQ(std::memcmp(in_place.data(), expected.data(), x.size() * sizeof(float)), 0);
    }
    const Activation* relu = FindActivation("relu");
    KernelArgs args;
    ASSERT_TRUE(ResolveParams(*relu, {}, &args).ok());
    for (std::size_t offset : {0, 1}) {
      ExpectLargeCallMatchesSmallCalls(x64, g64, offset, [&](const double* px, const double* pg, double* out,
                                                             std::size_t m) { relu->float64.vjp(px, pg, out, m, args); });
    }
  }
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }
INSTANTIATE_TEST_SUITE_P(Vectorized, SimdKernels, ::testing::ValuesIn(VectorizedNames(false)), ParamName);
INSTANTIATE_TEST_SUITE_P(Vectorized, SimdElementwiseKernels, ::testing::ValuesIn(VectorizedNames(true)), ParamName);

TEST(SimdTarget, CapsParseToAnAvailableTargetAtOrBelowThem) {
  std::int64_t target = 0;
  ASSERT_TRUE(simd::ParseTargetCap("scalar", &target));
  EXPECT_GE(target, HWY_EMU128);
  ASSERT_TRUE(simd::ParseTargetCap("AVX2", &target));
  EXPECT_GE(target, HWY_AVX2);
  EXPECT_FALSE(simd::ParseTargetCap("avx1024", &target));
  EXPECT_FALSE(simd::ParseTargetCap("", &target));
  simd::ForceTarget(0);
}

TEST(SimdTarget, TheBinaryCarriesSeveralTargetsAndRunsOnlyWhatTheCpuOffers) {
  // Every x86-64 build carries at least SSSE3 and the emulated baseline, so
  // the published figures cover more than one target on any machine.
  const std::vector<std::int64_t> compiled = simd::CompiledTargets();
  EXPECT_GE(compiled.size(), 2u);
  const std::vector<std::int64_t> available = simd::AvailableTargets();
  ASSERT_FALSE(available.empty());
  for (std::int64_t t : available) {
    EXPECT_NE(std::find(compiled.begin(), compiled.end(), t), compiled.end()) << simd::TargetName(t);
  }
  EXPECT_EQ(simd::CurrentTarget(), available.front());
}

// Whatever target the kernels run on, the catalogue publishes a figure for
// it, and the worst over the targets is what it publishes overall.
TEST(SimdTarget, EveryAvailableTargetHasPublishedFigures) {
  for (const Activation& a : Catalogue()) {
    for (std::int64_t t : simd::AvailableTargets()) {
      simd::TargetScope scope(t);
      const UlpFigures figures = AccuracyOnCurrentTarget(a.accuracy);
      const std::string name = simd::TargetName(t);
      const bool listed = std::any_of(a.accuracy.targets.begin(), a.accuracy.targets.end(),
                                      [&](const TargetAccuracy& ta) { return ta.target == name; });
      EXPECT_TRUE(listed) << a.name << " has no figure for " << name;
      EXPECT_LE(figures.forward, a.accuracy.forward_max_ulp) << a.name << " " << name;
      EXPECT_LE(figures.derivative, a.accuracy.derivative_max_ulp) << a.name << " " << name;
    }
  }
}

}  // namespace
}  // namespace activation::accuracy
