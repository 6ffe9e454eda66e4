// The float64 kernels against MPFR (tests/compute/float64_reference.h):
// within 4 ULP of binary64 wherever the correctly rounded exact value is a
// normal double or an overflow (elsewhere the absolute error stays below
// DBL_MIN), NaN in -> NaN out, and the limits at +-inf; on every SIMD target,
// at the default parameters and at a non-default set. Every catalogue entry
// must have them. softmax and log_softmax: per row, below.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "compute/registry.h"
#include "compute/simd/target.h"
#include "gtest/gtest.h"
#include "tests/compute/float64_reference.h"

namespace activation {
namespace {

using float64_reference::Args;
using float64_reference::Big;
using float64_reference::Case;
using float64_reference::Cases;
using float64_reference::MeasureElementwise;
using float64_reference::MeasureRows;
using float64_reference::RowCase;
using float64_reference::RowCases;
using float64_reference::RowKernel;
using float64_reference::RowKernels;
using float64_reference::Worst;

constexpr std::int64_t kMaxUlp = 4;

// The figures ListActivations publishes (compute/float64_accuracy_table.inc):
// measured for every entry, within the bound; the tests below hold every
// target to them.
TEST(Float64Catalogue, EveryEntryPublishesMeasuredFigures) {
  for (const Activation& a : Catalogue()) {
    for (double ulp : {a.accuracy.float64.forward, a.accuracy.float64.derivative}) {
      EXPECT_GE(ulp, 0) << a.name << ": no figure in compute/float64_accuracy_table.inc";
      EXPECT_LE(ulp, kMaxUlp) << a.name;
    }
  }
}

class Float64Kernels : public ::testing::TestWithParam<Case> {};

TEST_P(Float64Kernels, WithinFourUlpOfMpfrOnEveryTarget) {
  const Activation* a = FindActivation(GetParam().name);
  ASSERT_NE(a, nullptr);
  const KernelArgs args = Args(*a, GetParam().defaults);
  const std::vector<std::int64_t> targets = simd::AvailableTargets();
  for (bool derivative : {false, true}) {
    const std::vector<Worst> worst = MeasureElementwise(*a, args, derivative, targets);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const std::string target = simd::TargetName(targets[t]);
      std::printf("%s%s %s on %s: %lld ULP at x=%.17g (got %.17g, exact %.17g)\n", a->name.data(),
                  GetParam().defaults ? "" : " (non-default)", derivative ? "derivative" : "forward",
                  target.c_str(), static_cast<long long>(worst[t].ulp), worst[t].x, worst[t].got, worst[t].exact);
      EXPECT_EQ(worst[t].failures, 0u) << target << " " << worst[t].first_failure;
      EXPECT_LE(worst[t].ulp, kMaxUlp) << target << (derivative ? " derivative" : " forward")
                                       << " at x=" << worst[t].x;
      if (GetParam().defaults) {
        EXPECT_LE(worst[t].ulp, derivative ? a->accuracy.float64.derivative : a->accuracy.float64.forward)
            << target << (derivative ? " derivative" : " forward") << " over the published figure at x=" << worst[t].x;
      }
    }
  }
}

// Every length up to a few vectors at an unaligned start: exactly n outputs
// written, each what the whole-array call gives for that element, and the
// VJP g * f'(x) with f'(x) rounded first.
TEST_P(Float64Kernels, EveryLengthAndTheVjpOnEveryTarget) {
  const Activation* a = FindActivation(GetParam().name);
  ASSERT_NE(a, nullptr);
  const KernelArgs args = Args(*a, GetParam().defaults);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> spread(-10.0, 10.0);
  constexpr std::size_t kMax = 40;
  std::vector<double> x(kMax + 1), g(kMax + 1);
  for (double& v : x) v = spread(rng);
  for (double& v : g) v = spread(rng);
  constexpr double kGuard = -12345.0;
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    std::vector<double> forward(kMax), slope(kMax);
    a->float64.forward(x.data() + 1, forward.data(), kMax, args);
    a->float64.derivative(x.data() + 1, slope.data(), kMax, args);
    for (std::size_t n = 0; n <= kMax; ++n) {
      std::vector<double> out(n + 2, kGuard), vjp(n + 2, kGuard);
      a->float64.forward(x.data() + 1, out.data() + 1, n, args);
      a->float64.vjp(x.data() + 1, g.data() + 1, vjp.data() + 1, n, args);
      EXPECT_EQ(out[0], kGuard);
      EXPECT_EQ(out[n + 1], kGuard) << "n=" << n;
      EXPECT_EQ(vjp[n + 1], kGuard) << "n=" << n;
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(out[i + 1], forward[i]) << "n=" << n << " i=" << i;
        EXPECT_EQ(vjp[i + 1], g[i + 1] * slope[i]) << "n=" << n << " i=" << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, Float64Kernels, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name + (info.param.defaults ? "" : "_nondefault");
                         });

// --- softmax and log_softmax, per row ---------------------------------------

TEST(Float64Softmax, RowsWithinFourUlpOfMpfrOnEveryTarget) {
  const std::vector<RowCase> rows = RowCases();
  const Activation* softmax = FindActivation("softmax");
  const Activation* log_softmax = FindActivation("log_softmax");
  ASSERT_NE(softmax, nullptr);
  ASSERT_NE(log_softmax, nullptr);
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    for (const RowKernel& row_kernel : RowKernels()) {
      const Worst worst = MeasureRows(row_kernel, rows);
      const std::string what = row_kernel.name + (row_kernel.derivative ? " diagonal" : "");
      EXPECT_EQ(worst.failures, 0u) << what << " " << worst.first_failure;
      EXPECT_LE(worst.ulp, kMaxUlp) << what << " at x=" << worst.x;
      const UlpFigures& published = FindActivation(row_kernel.name)->accuracy.float64;
      EXPECT_LE(worst.ulp, row_kernel.derivative ? published.derivative : published.forward)
          << what << " over the published figure at x=" << worst.x;
    }
    // The VJPs subtract: within 4 ULP of the exact value plus 4 ULP of what
    // the subtraction can cancel (s_i (|g_i| + sum |g_j| s_j)).
    for (const RowCase& row : rows) {
      KernelArgs args;
      args.row_length = row.x.size();
      const std::string what = "row of " + std::to_string(row.x.size()) + " from " + std::to_string(row.x[0]);
      std::vector<double> out(row.x.size());
      const struct {
        const char* name;
        VjpKernel64 kernel;
        const std::vector<Big>* exact;
        bool cancels_over_row;
      } vjps[] = {{"softmax vjp", softmax->float64.vjp, &row.exact.softmax_vjp, true},
                  {"log_softmax vjp", log_softmax->float64.vjp, &row.exact.log_softmax_vjp, false}};
      for (const auto& v : vjps) {
        v.kernel(row.x.data(), row.g.data(), out.data(), row.x.size(), args);
        for (std::size_t i = 0; i < row.x.size(); ++i) {
          const double rounded = (*v.exact)[i].Round();
          const double scale = v.cancels_over_row ? row.exact.vjp_scale[i] : std::fabs(row.g[i]);
          const double bound = 4 * DBL_EPSILON * (std::fabs(rounded) + scale) + 4 * DBL_TRUE_MIN;
          EXPECT_LE(std::fabs(out[i] - rounded), bound) << v.name << " " << what << " i=" << i;
        }
      }
    }
  }
}

// Rows without a finite limit, as the float kernels and the reference give them.
TEST(Float64Softmax, SpecialRowsOnEveryTarget) {
  const Activation* softmax = FindActivation("softmax");
  const Activation* log_softmax = FindActivation("log_softmax");
  const double inf = INFINITY;
  const std::vector<double> one_inf = {1.0, inf, -inf, 2.0};
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    SCOPED_TRACE(simd::TargetName(target));
    KernelArgs args;
    args.row_length = 4;
    std::vector<double> out(4);
    softmax->float64.forward(one_inf.data(), out.data(), 4, args);
    EXPECT_EQ(out, (std::vector<double>{0, 1, 0, 0}));
    log_softmax->float64.forward(one_inf.data(), out.data(), 4, args);
    EXPECT_EQ(out, (std::vector<double>{-inf, 0, -inf, -inf}));
    log_softmax->float64.derivative(one_inf.data(), out.data(), 4, args);
    EXPECT_EQ(out, (std::vector<double>{1, 0, 1, 1}));
    for (const std::vector<double>& row : {std::vector<double>{1.0, NAN, 2.0, 3.0},
                                           std::vector<double>{inf, 1.0, inf, 0.0},
                                           std::vector<double>{-inf, -inf, -inf, -inf}}) {
      for (const Activation* a : {softmax, log_softmax}) {
        a->float64.forward(row.data(), out.data(), 4, args);
        for (double v : out) EXPECT_TRUE(std::isnan(v)) << a->name;
      }
    }
  }
}

}  // namespace
}  // namespace activation
