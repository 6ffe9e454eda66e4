// Every catalogue entry against the independent reference: special values,
// kinks and 10^6 log-uniform inputs per parameter set, for the `reference`
// kernels and the `fast` kernels on the target dispatch uses now. What they
// measure must not exceed what the catalogue publishes for that target, that
// must not exceed the published worst over all targets, and that must meet
// the 4 ULP bound. (The table itself is rendered from raw measurements of
// every target: see bench/accuracy/render_accuracy.py and its --check test.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "compute/registry.h"
#include "compute/simd/target.h"
#include "tests/compute/harness.h"

namespace activation::accuracy {
namespace {

// The bound every published figure must meet.
constexpr double kBoundUlp = 4;

std::string Report(const char* mode, const Worst& w) {
  return std::string(mode) + ": max " + std::to_string(w.ulp) + " ULP at x=" + std::to_string(w.x) +
         " (" + w.params + "), failures " + std::to_string(w.failures) +
         (w.failures ? " first: " + w.first_failure : "");
}

class CatalogueAccuracy : public ::testing::TestWithParam<std::string> {};

TEST_P(CatalogueAccuracy, MeasuredWithinPublishedWithinTheBound) {
  const Activation* a = FindActivation(GetParam());
  ASSERT_NE(a, nullptr);
  const CatalogueMeasurement m = MeasureForCatalogue(*a);
  const UlpFigures here = AccuracyOnCurrentTarget(a->accuracy);
  SCOPED_TRACE(simd::TargetName(simd::CurrentTarget()));
  for (const auto& [kernel, measured] : {std::pair{"reference", &m.reference}, std::pair{"fast", &m.fast}}) {
    SCOPED_TRACE(kernel);
    const std::string forward = Report("forward", measured->forward);
    const std::string derivative = Report("derivative", measured->derivative);
    std::printf("%s %s kernels: %s; %s\n", a->name.data(), kernel, forward.c_str(), derivative.c_str());
    EXPECT_EQ(measured->forward.failures, 0u) << forward;
    EXPECT_EQ(measured->derivative.failures, 0u) << derivative;
    EXPECT_LE(measured->forward.ulp, here.forward) << forward;
    EXPECT_LE(measured->derivative.ulp, here.derivative) << derivative;
  }
  EXPECT_LE(here.forward, a->accuracy.forward_max_ulp);
  EXPECT_LE(here.derivative, a->accuracy.derivative_max_ulp);
  EXPECT_LE(a->accuracy.forward_max_ulp, kBoundUlp);
  EXPECT_LE(a->accuracy.derivative_max_ulp, kBoundUlp);
}

std::vector<std::string> AllNames() {
  std::vector<std::string> names;
  for (const Activation& a : Catalogue()) names.emplace_back(a.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(All, CatalogueAccuracy, ::testing::ValuesIn(AllNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// The harness must catch what textbook formulas get wrong: the float
// s(1 - s) loses the tails of sigmoid'.
void TextbookSigmoid(const float* x, float* out, std::size_t n, const KernelArgs&) {
  for (std::size_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + std::exp(-x[i]));
}
void TextbookSigmoidDerivative(const float* x, float* out, std::size_t n, const KernelArgs& args) {
  TextbookSigmoid(x, out, n, args);
  for (std::size_t i = 0; i < n; ++i) out[i] = out[i] * (1.0f - out[i]);
}

TEST(Harness, CatchesTheTextbookSigmoidDerivative) {
  const Activation* sigmoid = FindActivation("sigmoid");
  ASSERT_NE(sigmoid, nullptr);
  const Kernels textbook{&TextbookSigmoid, &TextbookSigmoidDerivative, nullptr};
  const Measurement m = MeasureStandard(*sigmoid, textbook, 10000);
  EXPECT_GT(m.derivative.ulp, 1000);
}

TEST(Ulp, DistanceCountsRepresentableFloats) {
  EXPECT_EQ(UlpDistance(1.0f, 1.0f), 0);
  EXPECT_EQ(UlpDistance(1.0f, std::nextafter(1.0f, 2.0f)), 1);
  EXPECT_EQ(UlpDistance(0.0f, -0.0f), 0);
  EXPECT_EQ(UlpDistance(std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min()), 2);
  EXPECT_EQ(UlpDistance(std::numeric_limits<float>::max(), std::numeric_limits<float>::infinity()), 1);
}

TEST(Ulp, CompareCountsOnlyNormalResults) {
  EXPECT_TRUE(Compare(1.0f, 1.0L).counted);
  EXPECT_EQ(Compare(std::nextafter(1.0f, 0.0f), 1.0L).ulp, 1);
  EXPECT_FALSE(Compare(0.0f, 1e-42L).counted);
  EXPECT_TRUE(Compare(0.0f, 1e-42L).ok);
  EXPECT_FALSE(Compare(0.0f, std::numeric_limits<long double>::quiet_NaN()).ok);
  EXPECT_FALSE(Compare(std::numeric_limits<float>::quiet_NaN(), 1.0L).ok);
  EXPECT_TRUE(Compare(std::numeric_limits<float>::infinity(), 1e39L).counted);
  EXPECT_EQ(Compare(std::numeric_limits<float>::infinity(), 1e39L).ulp, 0);
}

}  // namespace
}  // namespace activation::accuracy
